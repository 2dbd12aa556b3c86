/**
 * The strings of the respondent's first screen (and the landing page), in
 * English and Welsh. What shows only after it (the survey, the closing pages)
 * is in respondent/strings-after-first-screen.ts, which loads with the survey:
 * a translator reviews both files.
 *
 * DRAFT WELSH: the `cy` strings below were drafted without a translator and
 * MUST be reviewed by a Welsh translator before any participant sees them.
 * (SurveyJS's own button texts come from survey-core/i18n/welsh; instrument
 * wording comes from the instrument JSON, not from here.)
 *
 * Tone: plain, warm, short sentences, for 16–25-year-olds. No jargon.
 */
import type { Language } from '../../functions/contracts/common.js';

export type Lang = Language;

const en = {
  languageLabel: 'Language',
  loading: 'Loading…',
  introLead: 'Thanks for taking part. You can stop at any time and come back to this link later. We save your answers as you go.',
  introOpenUntil: 'Open until {date}',
  start: 'Start',
  carryOn: 'Carry on',
  sending: 'Sending your answers…',
  notValidTitle: "This link isn't working",
  notValidBody: 'This link is not valid. Check you copied the whole link, or ask the person who sent it for a new one.',
  notOpenTitle: 'Not open yet',
  notOpenBody: "This part isn't open yet. Please come back later. The person who sent you the link can tell you when it opens.",
  closedTitle: 'This part has closed',
  closedBody: "This part has now closed, so it can't be filled in any more. Thanks for your interest. If you think this is a mistake, contact the person who sent you the link.",
  networkTitle: "We can't connect",
  networkBody: 'Check you have signal or Wi-Fi, then try again.',
  serverTitle: 'Something went wrong',
  serverBody: "It's not your fault. Please try again in a few minutes.",
  retry: 'Try again',
  landingBody: 'This link is for people taking part in a study. If you are taking part, please use the personal link you were sent.',
  landingResearchers: 'Researchers go to',
  quickExit: 'Quick exit',
  quickExitHint: 'Leave this page straight away (or press Esc twice)',
  consentTitle: 'Before you start',
  consentYes: 'Yes, I agree',
  consentNo: 'No thanks',
  consentFailed: "We couldn't save your answer. Check your signal or Wi-Fi, then try again.",
  consentChanged: 'The information about the study has changed since you last looked. Please have another read.',
  queuedBody: "Your answers are saved on this phone and will be sent when you're online",
  tooManyTitle: 'Please wait a little while',
  tooManyBody: "This phone has tried some links that didn't work. Please wait 15 minutes, then try your link again.",
};

export type StringKey = keyof typeof en;

// DRAFT – needs review by a Welsh translator (see note at the top of the file).
const cy: Record<StringKey, string> = {
  languageLabel: 'Iaith',
  loading: "Wrthi'n llwytho…",
  introLead: "Diolch am gymryd rhan. Gallwch chi stopio unrhyw bryd a dod yn ôl at y ddolen hon wedyn. Rydyn ni'n cadw eich atebion wrth i chi fynd.",
  introOpenUntil: 'Ar agor tan {date}',
  start: 'Dechrau',
  carryOn: 'Parhau',
  sending: "Wrthi'n anfon eich atebion…",
  notValidTitle: "Dydy'r ddolen hon ddim yn gweithio",
  notValidBody: "Dydy'r ddolen hon ddim yn ddilys. Gwiriwch eich bod chi wedi copïo'r ddolen gyfan, neu gofynnwch i'r person a'i hanfonodd am un newydd.",
  notOpenTitle: 'Ddim ar agor eto',
  notOpenBody: "Dydy'r rhan hon ddim ar agor eto. Dewch yn ôl nes ymlaen. Gall y person a anfonodd y ddolen ddweud wrthych chi pryd bydd yn agor.",
  closedTitle: "Mae'r rhan hon wedi cau",
  closedBody: "Mae'r rhan hon wedi cau erbyn hyn, felly does dim modd ei llenwi rhagor. Diolch am eich diddordeb. Os ydych chi'n meddwl bod hyn yn gamgymeriad, cysylltwch â'r person a anfonodd y ddolen.",
  networkTitle: 'Dydyn ni ddim yn gallu cysylltu',
  networkBody: 'Gwiriwch fod gennych chi signal neu Wi-Fi, yna triwch eto.',
  serverTitle: "Aeth rhywbeth o'i le",
  serverBody: 'Nid eich bai chi yw hyn. Triwch eto mewn ychydig funudau.',
  retry: 'Trio eto',
  landingBody: "Mae'r ddolen hon ar gyfer pobl sy'n cymryd rhan mewn astudiaeth. Os ydych chi'n cymryd rhan, defnyddiwch y ddolen bersonol a anfonwyd atoch chi.",
  landingResearchers: 'Ymchwilwyr, ewch i',
  quickExit: 'Gadael yn gyflym',
  quickExitHint: 'Gadael y dudalen hon ar unwaith (neu pwyswch Esc ddwywaith)',
  consentTitle: 'Cyn i chi ddechrau',
  consentYes: "Ydw, rydw i'n cytuno",
  consentNo: 'Dim diolch',
  consentFailed: 'Doedden ni ddim yn gallu cadw eich ateb. Gwiriwch fod gennych chi signal neu Wi-Fi, yna triwch eto.',
  consentChanged: "Mae'r wybodaeth am yr astudiaeth wedi newid ers i chi edrych ddiwethaf. Darllenwch hi eto, os gwelwch yn dda.",
  queuedBody: "Mae eich atebion wedi'u cadw ar y ffôn hwn a byddan nhw'n cael eu hanfon pan fyddwch chi ar-lein",
  tooManyTitle: 'Arhoswch ychydig, os gwelwch yn dda',
  tooManyBody: "Mae'r ffôn hwn wedi trio rhai dolenni oedd ddim yn gweithio. Arhoswch 15 munud, yna triwch eich dolen eto.",
};

/** The first screen's strings in both languages (strings-after-first-screen.ts adds the rest). */
export const firstScreenStrings: Record<Lang, Record<StringKey, string>> = { en, cy };

/** `t` over a table of strings: looks a string up, filling `{name}` placeholders from `vars`. */
export function translator<Key extends string>(strings: Record<Lang, Record<Key, string>>) {
  return (lang: Lang, key: Key, vars?: Record<string, string | number>): string => {
    const text = strings[lang][key];
    // Only a caller outside the type system (a test written in haste) can get here.
    if (text === undefined) throw new Error(`No ${lang} string called ${key}`);
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
  };
}

export const t = translator(firstScreenStrings);

/** Names of the languages, each written in itself, for the language switch. */
export const languageNames: Record<Lang, string> = { en: 'English', cy: 'Cymraeg' };

const months: Record<Lang, string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  // DRAFT – translator to confirm.
  cy: ['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr'],
};

/**
 * A date such as "3 March 2026" / "3 Mawrth 2026", in the device's time zone.
 * Written out by hand: some browsers ship without Welsh locale data and Intl
 * then silently falls back to American English (seen in Debian's Chromium).
 */
export function formatDate(lang: Lang, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getDate()} ${months[lang][date.getMonth()]} ${date.getFullYear()}`;
}
