/**
 * POST /api/studies/{studyId}/waves/{waveId}/links: personal links for a wave,
 * new or reissued, for a link sheet (the default) or sent by email. Nobody who
 * has withdrawn is issued one: they are skipped and counted, and a request for
 * one withdrawn participant alone is refused.
 */
import { IssueLinksRequest, type IssueLinksResult } from '../contracts/participants.js';
import { studyHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { inBatches, participantMail, sendInvitations, type Invitation } from '../notifications/participant-mail.js';
import { recordAudit } from '../storage/audit.js';
import { getContactDetails } from '../storage/identities.js';
import { issueLink, LinkAlreadyIssued, ParticipantWithdrawn } from '../storage/links.js';
import { listParticipantsSeenBy } from '../storage/participants.js';
import { getStudy, getWave } from '../storage/studies.js';

/** Links issued at once: enough to be quick, few enough not to swamp DynamoDB or the Lambda. */
const PARALLEL = 8;

const WITHDRAWN = 'withdrawn from the study';

const refuseWithdrawn = (participantCode: string) =>
  new HttpError(409, 'participant_withdrawn', `${participantCode} has withdrawn from the study: no new link can be issued to them.`);

export const handler = studyHandler('IssueLinks', async (event, researcher) => {
  const request = parseJsonBody(event, IssueLinksRequest);
  const { studyId = '', waveId = '' } = event.pathParameters ?? {};
  const byEmail = request.delivery === 'email';
  const [study, wave] = await Promise.all([getStudy(studyId), getWave(studyId, waveId)]);
  if (!study || !wave) throw new HttpError(404, 'wave_not_found', 'There is no such wave in this study');
  const mail = byEmail ? participantMail() : undefined;
  if (byEmail && !mail) throw new HttpError(503, 'email_not_configured', 'This installation cannot send email: issue links for a sheet instead');

  // A member placed in a group: participants of other groups are not in this study as far as they can tell.
  const participants = await listParticipantsSeenBy(researcher.access);
  const known = new Map(participants.map((p) => [p.participantCode, p]));
  const codes = request.participantCodes ?? participants.map((p) => p.participantCode);
  const unknown = codes.filter((code) => !known.has(code));
  if (unknown.length > 0) {
    throw new HttpError(422, 'unknown_participants', 'Some participants are not in this study', unknown.map((code) => ({ path: 'participantCodes', message: `${code} is not in this study` })));
  }

  // One participant named alone (the console's reissue button): a clear refusal rather than an empty result.
  const alone = request.participantCodes?.length === 1 ? codes[0] : undefined;
  if (alone && known.get(alone)?.withdrawnAt) throw refuseWithdrawn(alone);

  const result: IssueLinksResult = { links: [], skipped: [], withdrawn: 0 };
  const skipWithdrawn = (participantCode: string) => {
    result.skipped.push({ participantCode, reason: WITHDRAWN });
    result.withdrawn += 1;
  };
  // Skipped here as read; one withdrawn since is refused by issueLink's own condition below.
  const candidates = codes.filter((code) => !known.get(code)?.withdrawnAt);
  for (const code of codes) if (known.get(code)?.withdrawnAt) skipWithdrawn(code);
  // Email: only participants with an address held; the address never leaves this function.
  const addresses = byEmail ? await getContactDetails(studyId, candidates) : undefined;
  const toIssue = addresses ? candidates.filter((code) => !!addresses.get(code)?.email) : candidates;
  if (addresses) {
    for (const code of candidates) if (!addresses.get(code)?.email) result.skipped.push({ participantCode: code, reason: 'no email address held' });
  }

  const now = new Date();
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
  const invitations: Invitation[] = [];
  await inBatches(toIssue, PARALLEL, async (participantCode) => {
    try {
      const token = await issueLink({ studyId, participantCode, waveId }, { reissue: request.reissue, now });
      if (addresses) invitations.push({ participantCode, token, email: addresses.get(participantCode)!.email!, language: known.get(participantCode)?.language ?? 'en' });
      else result.links.push({ participantCode, path: `/s/${token}` });
    } catch (error) {
      if (error instanceof ParticipantWithdrawn) return skipWithdrawn(participantCode);
      if (!(error instanceof LinkAlreadyIssued)) throw error;
      result.skipped.push({ participantCode, reason: 'already has a link for this wave (reissue to replace it)' });
    }
  });
  if (alone && result.withdrawn > 0) throw refuseWithdrawn(alone);

  if (mail) {
    const { emailed, failed } = await sendInvitations(mail, study, wave, invitations, now);
    result.emailed = emailed;
    // Their links work but reached nobody: hand them back for a sheet rather than lose them.
    result.links.push(...failed.map((f) => ({ participantCode: f.participantCode, path: `/s/${f.token}` })));
  }
  result.links.sort((a, b) => a.participantCode.localeCompare(b.participantCode));
  result.skipped.sort((a, b) => a.participantCode.localeCompare(b.participantCode));
  // One entry for the whole run, written once the links exist: each link is its own conditional write, so no one transaction holds them all.
  await recordAudit({
    scope: studyId,
    actor: researcher.userId,
    action: request.reissue ? 'links.reissued' : 'links.issued',
    detail: {
      waveId,
      count: result.links.length + (result.emailed?.length ?? 0),
      ...(result.withdrawn > 0 ? { withdrawn: result.withdrawn } : {}),
      ...(recentlyChanged.length > 0 ? { recentContactChangesConfirmed: recentlyChanged.length } : {}),
      // Counts only: never an address.
      ...(result.emailed ? { delivery: 'email', emailed: result.emailed.length, emailFailed: result.links.length, noEmail: candidates.length - toIssue.length } : {}),
    },
  });
  return json(200, result);
});

const DAY_MS = 86_400_000;

function changedWithinADay(replacedAt: string | undefined, now: Date): boolean {
  return replacedAt !== undefined && now.getTime() - Date.parse(replacedAt) < DAY_MS;
}
