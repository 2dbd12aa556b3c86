/** POST /api/studies/{studyId}/waves/{waveId}/links: personal links for a wave, new or reissued. */
import { IssueLinksRequest, type IssueLinksResult } from '../contracts/participants.js';
import { apiHandler } from '../http/api-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { recordAudit } from '../storage/audit.js';
import { issueLink, LinkAlreadyIssued } from '../storage/links.js';
import { listParticipants } from '../storage/participants.js';
import { getWave } from '../storage/studies.js';

/** Links issued at once: enough to be quick, few enough not to swamp DynamoDB or the Lambda. */
const PARALLEL = 8;

export const handler = apiHandler<'researcher'>('IssueLinks', async (event, researcher) => {
  const request = parseJsonBody(event, IssueLinksRequest);
  const { studyId = '', waveId = '' } = event.pathParameters ?? {};
  const wave = await getWave(studyId, waveId);
  if (!wave) throw new HttpError(404, 'wave_not_found', 'There is no such wave in this study');

  const participants = await listParticipants(studyId);
  const known = new Set(participants.map((p) => p.participantCode));
  const codes = request.participantCodes ?? participants.map((p) => p.participantCode);
  const unknown = codes.filter((code) => !known.has(code));
  if (unknown.length > 0) {
    throw new HttpError(422, 'unknown_participants', 'Some participants are not in this study', unknown.map((code) => ({ path: 'participantCodes', message: `${code} is not in this study` })));
  }

  const result: IssueLinksResult = { links: [], skipped: [] };
  const now = new Date();
  for (let i = 0; i < codes.length; i += PARALLEL) {
    await Promise.all(
      codes.slice(i, i + PARALLEL).map(async (participantCode) => {
        try {
          const token = await issueLink({ studyId, participantCode, waveId }, { reissue: request.reissue, now });
          result.links.push({ participantCode, path: `/s/${token}` });
        } catch (error) {
          if (!(error instanceof LinkAlreadyIssued)) throw error;
          result.skipped.push({ participantCode, reason: 'already has a link for this wave (reissue to replace it)' });
        }
      }),
    );
  }
  result.links.sort((a, b) => a.participantCode.localeCompare(b.participantCode));
  await recordAudit({
    scope: studyId,
    actor: researcher.userId,
    action: request.reissue ? 'links.reissued' : 'links.issued',
    detail: { waveId, count: result.links.length },
  });
  return json(200, result);
});
