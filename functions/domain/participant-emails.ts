/**
 * The emails a participant gets: an invitation with their personal link, and
 * reminders with a new one. Both languages in every email, the participant's
 * own first (as Welsh public bodies write to people), so the message is right
 * whatever language they read. Built only from the study's and wave's names and
 * the link: an email never carries an answer.
 *
 * The Welsh here is the project's own wording and, like the demo consent text,
 * is a draft until a Welsh-language translator has reviewed it.
 */
import type { Language, LocalisedText } from '../contracts/common.js';

export type ParticipantEmailInput = {
  kind: 'invitation' | 'reminder';
  language: Language;
  studyTitle: LocalisedText;
  waveName: LocalisedText;
  link: string;
};

export type ComposedEmail = { subject: string; text: string; html: string };

type Part = { subject: string; paragraphs: string[] };

function english(input: ParticipantEmailInput): Part {
  const { studyTitle, waveName, link } = input;
  if (input.kind === 'invitation') {
    return {
      subject: `Your link for ${studyTitle.en}`,
      paragraphs: [
        'Hello,',
        `You're invited to take part in "${studyTitle.en}" (${waveName.en}). Taking part is up to you, and saying no won't change the support you get.`,
        `Your personal link: ${link}`,
        "This link is only for you, so please don't share it. You can stop at any time and come back later with the same link.",
      ],
    };
  }
  return {
    subject: `Reminder: ${studyTitle.en}`,
    paragraphs: [
      'Hello,',
      `Just a reminder: "${studyTitle.en}" (${waveName.en}) is still open for you, if you'd like to take part.`,
      `Your new personal link: ${link}`,
      'Links we sent you before have stopped working: please use this one. Anything you have already answered is kept.',
    ],
  };
}

function welsh(input: ParticipantEmailInput): Part {
  const { studyTitle, waveName, link } = input;
  if (input.kind === 'invitation') {
    return {
      subject: `Eich dolen ar gyfer ${studyTitle.cy}`,
      paragraphs: [
        'Helo,',
        `Rydyn ni'n eich gwahodd chi i gymryd rhan yn "${studyTitle.cy}" (${waveName.cy}). Chi sy'n penderfynu a ydych chi am gymryd rhan, a fydd dweud na ddim yn newid y cymorth rydych chi'n ei gael.`,
        `Eich dolen bersonol: ${link}`,
        "Mae'r ddolen hon i chi yn unig, felly peidiwch â'i rhannu. Gallwch chi stopio unrhyw bryd a dod yn ôl wedyn gyda'r un ddolen.",
      ],
    };
  }
  return {
    subject: `Nodyn atgoffa: ${studyTitle.cy}`,
    paragraphs: [
      'Helo,',
      `Nodyn i'ch atgoffa: mae "${studyTitle.cy}" (${waveName.cy}) yn dal ar agor i chi, os hoffech chi gymryd rhan.`,
      `Eich dolen bersonol newydd: ${link}`,
      "Mae'r dolenni a anfonon ni atoch chi o'r blaen wedi stopio gweithio: defnyddiwch yr un hon. Mae unrhyw atebion rydych chi wedi'u rhoi eisoes wedi'u cadw.",
    ],
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function composeParticipantEmail(input: ParticipantEmailInput): ComposedEmail {
  const parts = input.language === 'cy' ? [['cy', welsh(input)] as const, ['en', english(input)] as const] : [['en', english(input)] as const, ['cy', welsh(input)] as const];
  const subject = parts.map(([, part]) => part.subject).join(' / ');
  const text = parts.map(([, part]) => part.paragraphs.join('\n\n')).join('\n\n---\n\n');
  // The link is shown as text too, so it can be copied from any mail program; lang lets screen readers switch voice.
  const html = parts
    .map(
      ([lang, part]) =>
        `<div lang="${lang}">${part.paragraphs
          .map((p) => {
            const line = escapeHtml(p);
            return `<p>${line.replace(escapeHtml(input.link), `<a href="${escapeHtml(input.link)}">${escapeHtml(input.link)}</a>`)}</p>`;
          })
          .join('')}</div>`,
    )
    .join('<hr>');
  return { subject, text, html: `<!doctype html><html><body>${html}</body></html>` };
}

/** j***@example.org: enough for a researcher to tell messages apart, not to read an address. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}
