/**
 * Issuing a wave's personal links, in two steps shared by the request that
 * issues a few at once (handlers/issue-links.ts) and the background job that
 * issues a whole wave (run-link-job.ts):
 *
 *  1. plan: who gets a link, refusing at once what cannot work (unknown
 *     participants, one withdrawn participant named alone, email addresses
 *     changed in the last day and not confirmed);
 *  2. issue: one conditional write per link, a few at a time, then the emails.
 *
 * Tokens exist only in what `issue` returns: they are stored as hashes.
 */
import type { IssueLinksRequest, IssueLinksResult } from '../contracts/participants.js';
import type { StudyAccess } from '../domain/study-access.js';
import { HttpError } from '../http/errors.js';
import { inBatches, participantMail, sendInvitations, type Invitation, type ParticipantMail } from '../notifications/participant-mail.js';
import { getContactDetails } from '../storage/identities.js';
import { issueLink, LinkAlreadyIssued, ParticipantWithdrawn } from '../storage/links.js';
import { listParticipantsSeenBy, type Participant } from '../storage/participants.js';
import { getStudy, getWave, type Study, type Wave } from '../storage/studies.js';

/** Links issued at once: enough to be quick, few enough not to swamp DynamoDB or the Lambda. */
const PARALLEL = 8;

const WITHDRAWN = 'withdrawn from the study';
const DAY_MS = 86_400_000;

export type LinkPlan = {
  study: Study;
  wave: Wave;
  request: IssueLinksRequest;
  mail: ParticipantMail | undefined;
  /** Participants to issue a link to, in the order asked. */
  toIssue: string[];
  known: ReadonlyMap<string, Participant>;
  addresses: Awaited<ReturnType<typeof getContactDetails>> | undefined;
  /** A participant named alone (the console's reissue button): refused, not skipped, if they withdraw meanwhile. */
  alone: string | undefined;
  /** Email addresses changed in the last day, sent to because the request confirmed them. */
  recentContactChangesConfirmed: number;
  /** Participants with no address held, email delivery. */
  noEmail: number;
  /** Skipped already (withdrawn, no email address). */
  result: IssueLinksResult;
};

const refuseWithdrawn = (participantCode: string) =>
  new HttpError(409, 'participant_withdrawn', `${participantCode} has withdrawn from the study: no new link can be issued to them.`);

/** Who gets a link: refuses with an HttpError whatever the caller must change first. */
export async function planLinks(studyId: string, waveId: string, access: StudyAccess, request: IssueLinksRequest, now: Date): Promise<LinkPlan> {
  const byEmail = request.delivery === 'email';
  const [study, wave] = await Promise.all([getStudy(studyId), getWave(studyId, waveId)]);
  if (!study || !wave) throw new HttpError(404, 'wave_not_found', 'There is no such wave in this study');
  const mail = byEmail ? participantMail() : undefined;
  if (byEmail && !mail) throw new HttpError(503, 'email_not_configured', 'This installation cannot send email: issue links for a sheet instead');

  // A member placed in a group: participants of other groups are not in this study as far as they can tell.
  const participants = await listParticipantsSeenBy(access);
  const known = new Map(participants.map((p) => [p.participantCode, p]));
  const codes = request.participantCodes ?? participants.map((p) => p.participantCode);
  const unknown = codes.filter((code) => !known.has(code));
  if (unknown.length > 0) {
    throw new HttpError(422, 'unknown_participants', 'Some participants are not in this study', unknown.map((code) => ({ path: 'participantCodes', message: `${code} is not in this study` })));
  }
  const alone = request.participantCodes?.length === 1 ? codes[0] : undefined;
  if (alone && known.get(alone)?.withdrawnAt) throw refuseWithdrawn(alone);

  const result: IssueLinksResult = { links: [], skipped: [], withdrawn: 0 };
  // Skipped here as read; one withdrawn since is refused by issueLink's own condition.
  const candidates = codes.filter((code) => !known.get(code)?.withdrawnAt);
  for (const code of codes) if (known.get(code)?.withdrawnAt) skipWithdrawn(result, code);
  // Email: only participants with an address held; the address never leaves the platform's functions.
  const addresses = byEmail ? await getContactDetails(studyId, candidates) : undefined;
  const toIssue = addresses ? candidates.filter((code) => !!addresses.get(code)?.email) : candidates;
  if (addresses) {
    for (const code of candidates) if (!addresses.get(code)?.email) result.skipped.push({ participantCode: code, reason: 'no email address held' });
  }
  // A live link to an address changed in the last day goes out only once a person has confirmed it: the
  // attack this stops is replacing someone's address and reissuing their link to it.
  const recentlyChanged = addresses ? toIssue.filter((code) => changedWithinADay(addresses.get(code)?.replacedAt, now)) : [];
  if (recentlyChanged.length > 0 && !request.confirmRecentContactChanges) {
    throw new HttpError(
      409,
      'contact_recently_changed',
      'Some email addresses were changed in the last 24 hours: check them, then confirm to send',
      recentlyChanged.map((code) => ({ path: 'participantCodes', message: `${code}: email address changed in the last 24 hours` })),
    );
  }
  return {
    study,
    wave,
    request,
    mail,
    toIssue,
    known,
    addresses,
    alone,
    recentContactChangesConfirmed: recentlyChanged.length,
    noEmail: candidates.length - toIssue.length,
    result,
  };
}

export type IssuedBatch = { links: IssueLinksResult['links']; emailed: string[] };

/**
 * Issues the planned links, `batchSize` participants at a time (each batch's
 * links issued in parallel, then emailed), handing each batch to `onBatch`
 * before the next: a job keeps them as it goes. Returns the whole result,
 * sorted by participant code.
 */
export async function issuePlannedLinks(plan: LinkPlan, now: Date, options: { batchSize?: number; onBatch?: (batch: IssuedBatch, done: number) => Promise<void> } = {}): Promise<IssueLinksResult> {
  const { studyId } = plan.study;
  const { waveId } = plan.wave;
  const result = plan.result;
  const batchSize = options.batchSize ?? plan.toIssue.length;
  for (let start = 0; start < plan.toIssue.length; start += batchSize) {
    const invitations: Invitation[] = [];
    const links: IssueLinksResult['links'] = [];
    await inBatches(plan.toIssue.slice(start, start + batchSize), PARALLEL, async (participantCode) => {
      try {
        const token = await issueLink({ studyId, participantCode, waveId }, { reissue: plan.request.reissue, now });
        if (plan.addresses) invitations.push({ participantCode, token, email: plan.addresses.get(participantCode)!.email!, language: plan.known.get(participantCode)?.language ?? 'en' });
        else links.push({ participantCode, path: `/s/${token}` });
      } catch (error) {
        if (error instanceof ParticipantWithdrawn) return skipWithdrawn(result, participantCode);
        if (!(error instanceof LinkAlreadyIssued)) throw error;
        result.skipped.push({ participantCode, reason: 'already has a link for this wave (reissue to replace it)' });
      }
    });
    if (plan.alone && result.withdrawn > 0) throw refuseWithdrawn(plan.alone);
    let emailed: string[] = [];
    if (plan.mail && invitations.length > 0) {
      const sent = await sendInvitations(plan.mail, plan.study, plan.wave, invitations, now);
      emailed = sent.emailed;
      // Their links work but reached nobody: handed back for a sheet rather than lost.
      links.push(...sent.failed.map((f) => ({ participantCode: f.participantCode, path: `/s/${f.token}` })));
    }
    result.links.push(...links);
    if (plan.mail) (result.emailed ??= []).push(...emailed);
    await options.onBatch?.({ links, emailed }, Math.min(start + batchSize, plan.toIssue.length));
  }
  if (plan.mail) result.emailed ??= [];
  result.links.sort((a, b) => a.participantCode.localeCompare(b.participantCode));
  result.skipped.sort((a, b) => a.participantCode.localeCompare(b.participantCode));
  result.emailed?.sort();
  return result;
}

/** The audit entry's detail for a run: counts only, never an address or a link. */
export function issueAuditDetail(plan: LinkPlan, result: IssueLinksResult, extra: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  return {
    waveId: plan.wave.waveId,
    ...extra,
    count: result.links.length + (result.emailed?.length ?? 0),
    ...(result.withdrawn > 0 ? { withdrawn: result.withdrawn } : {}),
    ...(plan.recentContactChangesConfirmed > 0 ? { recentContactChangesConfirmed: plan.recentContactChangesConfirmed } : {}),
    ...(result.emailed ? { delivery: 'email', emailed: result.emailed.length, emailFailed: result.links.length, noEmail: plan.noEmail } : {}),
  };
}

function skipWithdrawn(result: IssueLinksResult, participantCode: string): void {
  result.skipped.push({ participantCode, reason: WITHDRAWN });
  result.withdrawn += 1;
}

function changedWithinADay(replacedAt: string | undefined, now: Date): boolean {
  return replacedAt !== undefined && now.getTime() - Date.parse(replacedAt) < DAY_MS;
}
