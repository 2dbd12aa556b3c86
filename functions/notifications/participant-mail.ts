/**
 * Emailing participants their personal links: invitations, when links are
 * issued with delivery "email", and reminders. Tokens are stored only as
 * hashes, so a link can be emailed only at the moment it is issued; a reminder
 * therefore reissues the link and emails the new one.
 *
 * Nothing here logs an address or a link; audit entries hold counts only.
 */
import { config } from '../config.js';
import type { Language } from '../contracts/common.js';
import { composeParticipantEmail } from '../domain/participant-emails.js';
import { waveStatus } from '../domain/progress.js';
import { dueReminder, type ReminderDecision } from '../domain/reminders.js';
import { hashToken } from '../domain/tokens.js';
import { participantWindow, waveWindowState } from '../domain/wave-window.js';
import { recordAudit } from '../storage/audit.js';
import { getContactDetails } from '../storage/identities.js';
import { recordEmailDelivery, recordEmailFailed, reissueForReminder, ReminderAlreadyClaimed, type LinkDeliveryState } from '../storage/links.js';
import { listParticipants, type Participant } from '../storage/participants.js';
import { listStudies, listWaves, type Study, type Wave } from '../storage/studies.js';
import { readWaveIndex } from '../storage/wave-index.js';
import { mailer, type Mailer } from './mailer.js';

/** Emails at once: SES's default sending rate is 14 a second; DynamoDB and the Lambda stay unhurried. */
export const PARALLEL_EMAILS = 8;

export type ParticipantMail = { mail: Mailer; webUrl: string };

/** The mailer and the web address links point to; undefined when this deployment cannot email participants. */
export function participantMail(): ParticipantMail | undefined {
  const mail = mailer();
  const { PUBLIC_WEB_URL } = config();
  return mail && PUBLIC_WEB_URL ? { mail, webUrl: PUBLIC_WEB_URL.replace(/\/$/, '') } : undefined;
}

/** Runs `work` over `items`, `limit` at a time. */
export async function inBatches<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(work));
}

/** English unless the participant chose Welsh last time; the email carries both either way. */
const languageOf = (participant: Participant | undefined): Language => participant?.language ?? 'en';

export type Invitation = { participantCode: string; token: string; email: string; language: Language };

/**
 * Sends each just-issued link to its participant and records on the link item
 * that it was emailed (what makes it eligible for reminders). Returns the codes
 * whose email could not be sent: their links still work and are handed back.
 */
export async function sendInvitations(setup: ParticipantMail, study: Study, wave: Wave, invitations: readonly Invitation[], now: Date): Promise<{ emailed: string[]; failed: Invitation[] }> {
  const emailed: string[] = [];
  const failed: Invitation[] = [];
  await inBatches(invitations, PARALLEL_EMAILS, async (invitation) => {
    const email = composeParticipantEmail({
      kind: 'invitation',
      language: invitation.language,
      studyTitle: study.title,
      waveName: wave.name,
      link: `${setup.webUrl}/s/${invitation.token}`,
    });
    try {
      await setup.mail.send({ to: invitation.email, ...email, tag: { kind: 'invitation', studyId: study.studyId }, participantCode: invitation.participantCode });
    } catch (error) {
      logSendFailure('invitation', study.studyId, error);
      failed.push(invitation);
      return;
    }
    await recordEmailDelivery({ studyId: study.studyId, participantCode: invitation.participantCode, waveId: wave.waveId }, hashToken(invitation.token), now);
    emailed.push(invitation.participantCode);
  });
  emailed.sort();
  return { emailed, failed };
}

export type ReminderRun = { waveId: string; emailed: number; due: number; sent: number; failed: number; skipped: number };

/**
 * Sends the reminders of one wave that are due now: to participants whose link
 * was emailed, who have not completed, declined or withdrawn, whose window is
 * open, and whose next step has come. Each is reissued a link (old one revoked,
 * partial answers kept) and emailed it. Safe to run at any time and from
 * several places at once: see reissueForReminder.
 */
/** `inScope`: the participants the caller may act on (a member placed in a data access group); every one by default. */
export async function sendDueReminders(setup: ParticipantMail, study: Study, wave: Wave, now: Date, inScope: (participant: Participant) => boolean = () => true): Promise<ReminderRun> {
  const run: ReminderRun = { waveId: wave.waveId, emailed: 0, due: 0, sent: 0, failed: 0, skipped: 0 };
  if (!wave.reminders) return run;
  const [participants, items] = await Promise.all([listParticipants(study.studyId), readWaveIndex(study.studyId, wave.waveId)]);
  const byCode = new Map(participants.map((p) => [p.participantCode, p]));
  const consents = new Map<string, string>();
  const responses = new Map<string, ('partial' | 'complete')[]>();
  const links: LinkDeliveryState[] = [];
  for (const item of items) {
    const code = item.participantCode as string;
    if (item.type === 'consent') consents.set(code, item.decision as string);
    if (item.type === 'response') responses.set(code, [...(responses.get(code) ?? []), item.status as 'partial' | 'complete']);
    const inView = byCode.has(code) && inScope(byCode.get(code)!);
    if (item.type === 'participantLink' && item.delivery === 'email' && inView) links.push(item as unknown as LinkDeliveryState);
  }
  run.emailed = links.length;

  const due: { link: LinkDeliveryState; decision: Extract<ReminderDecision, { due: true }> }[] = [];
  for (const link of links) {
    const participant = byCode.get(link.participantCode);
    if (!participant || !inScope(participant)) continue;
    const decision = dueReminder(
      wave.reminders,
      {
        delivery: 'email',
        ...(link.invitedAt ? { invitedAt: link.invitedAt } : {}),
        remindersSent: link.remindersSent ?? 0,
        emailFailed: !!link.emailFailedAt,
        status: waveStatus({
          invited: true,
          opened: !!link.openedAt,
          consent: (consents.get(link.participantCode) as 'agreed' | 'declined' | undefined) ?? null,
          responses: responses.get(link.participantCode) ?? [],
          instrumentCount: wave.instruments.length,
          withdrawn: !!participant.withdrawnAt,
        }),
        window: waveWindowState(participantWindow(wave.window, participant.baselineCompletedAt), now),
      },
      now,
    );
    if (decision.due) due.push({ link, decision });
  }
  run.due = due.length;
  if (due.length === 0) return run;

  const contacts = await getContactDetails(study.studyId, due.map((d) => d.link.participantCode));
  await inBatches(due, PARALLEL_EMAILS, async ({ link, decision }) => {
    const address = contacts.get(link.participantCode)?.email;
    if (!address) {
      run.skipped += 1;
      return;
    }
    let token: string;
    try {
      token = await reissueForReminder(link, decision.step, now);
    } catch (error) {
      if (!(error instanceof ReminderAlreadyClaimed)) throw error;
      run.skipped += 1;
      return;
    }
    const email = composeParticipantEmail({
      kind: 'reminder',
      language: languageOf(byCode.get(link.participantCode)),
      studyTitle: study.title,
      waveName: wave.name,
      link: `${setup.webUrl}/s/${token}`,
    });
    try {
      await setup.mail.send({ to: address, ...email, tag: { kind: 'reminder', studyId: study.studyId }, participantCode: link.participantCode });
      run.sent += 1;
    } catch (error) {
      logSendFailure('reminder', study.studyId, error);
      await recordEmailFailed(link, hashToken(token), now);
      run.failed += 1;
    }
  });
  return run;
}

/**
 * The scheduled run: every wave with a reminder schedule whose window can be
 * open now (fixed windows outside their dates are skipped without reading them).
 * Each wave that sent or tried anything gets an audit entry, by the scheduler.
 */
export async function sendAllDueReminders(setup: ParticipantMail, now: Date): Promise<ReminderRun[]> {
  const runs: ReminderRun[] = [];
  for (const study of await listStudies()) {
    for (const wave of await listWaves(study.studyId)) {
      if (!wave.reminders) continue;
      if (wave.window.kind === 'fixed' && waveWindowState(wave.window, now) !== 'open') continue;
      const run = await sendDueReminders(setup, study, wave, now);
      if (run.due > 0) await auditReminderRun(study.studyId, SCHEDULER_ACTOR, run);
      runs.push(run);
    }
  }
  return runs;
}

/** The audit log's actor for what the daily schedule (or the embedded platform's timer) does. */
export const SCHEDULER_ACTOR = 'scheduler';

export function auditReminderRun(studyId: string, actor: string, run: ReminderRun): Promise<void> {
  return recordAudit({ scope: studyId, actor, action: 'reminders.sent', detail: { ...run } });
}

/** The error's name only: an SES message can quote the recipient's address. */
function logSendFailure(kind: string, studyId: string, error: unknown): void {
  console.error(JSON.stringify({ level: 'error', event: 'email_not_sent', kind, studyId, error: error instanceof Error ? error.name : 'unknown' }));
}
