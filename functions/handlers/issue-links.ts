/**
 * POST /api/studies/{studyId}/waves/{waveId}/links: personal links for a few
 * participants of a wave, new or reissued, for a link sheet (the default) or
 * sent by email, answered at once. Nobody who has withdrawn is issued one:
 * they are skipped and counted, and a request for one withdrawn participant
 * alone is refused. More links than one request can issue well within API
 * Gateway's 30 seconds are refused, pointing to a link job (link-jobs.ts),
 * which issues a whole wave in the background and keeps its sheet.
 */
import { IssueLinksRequest } from '../contracts/participants.js';
import { SYNC_LINK_LIMITS } from '../contracts/link-jobs.js';
import { studyHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { issueAuditDetail, issuePlannedLinks, planLinks } from '../link-jobs/issue-wave-links.js';
import { recordAudit } from '../storage/audit.js';

export const handler = studyHandler('IssueLinks', async (event, researcher) => {
  const request = parseJsonBody(event, IssueLinksRequest);
  const { studyId = '', waveId = '' } = event.pathParameters ?? {};
  const now = new Date();
  const plan = await planLinks(studyId, waveId, researcher.access, request, now);
  const limit = SYNC_LINK_LIMITS[request.delivery ?? 'sheet'];
  if (plan.toIssue.length > limit) {
    throw new HttpError(
      422,
      'too_many_links_for_one_request',
      `${plan.toIssue.length.toLocaleString('en-GB')} links are more than one request issues (${limit.toLocaleString('en-GB')} at most${request.delivery === 'email' ? ' by email' : ''}): ` +
        `start a link job instead (POST /api/studies/${studyId}/waves/${waveId}/link-jobs with the same body; the console's "Issue links" does), which issues them in the background and keeps the sheet for you to download.`,
    );
  }
  const result = await issuePlannedLinks(plan, now);
  // One entry for the whole run, written once the links exist: each link is its own conditional write, so no one transaction holds them all.
  await recordAudit({ scope: studyId, actor: researcher.userId, action: request.reissue ? 'links.reissued' : 'links.issued', detail: issueAuditDetail(plan, result) });
  return json(200, result);
});
