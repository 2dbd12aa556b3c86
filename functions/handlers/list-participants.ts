/**
 * GET /api/studies/{studyId}/participants[?prefix=&after=&limit=]: a page of the
 * study's participants with where each stands in each wave, and whether a
 * contact is held (so the team knows who can be emailed), never the contact.
 * Each page read is audited, with its size only: a prefix can be a whole code.
 */
import type { ParticipantList } from '../contracts/participants.js';
import { waveStatus } from '../domain/progress.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { pageParameters } from '../http/paging.js';
import { json } from '../http/responses.js';
import { recordAudit } from '../storage/audit.js';
import { getContactDetails } from '../storage/identities.js';
import { seesParticipant } from '../domain/study-access.js';
import { listParticipantsPage } from '../storage/participants.js';
import { getStudy, listWaves } from '../storage/studies.js';
import { readWaveIndexRange } from '../storage/wave-index.js';

const PREFIX = /^[A-Za-z0-9_-]{0,40}$/;

export const handler = studyHandler('ListParticipants', async (event, researcher) => {
  const studyId = event.pathParameters?.studyId ?? '';
  const { after, limit } = pageParameters(event, { defaultLimit: 100, maxLimit: 500 });
  const { prefix = '' } = event.queryStringParameters ?? {};
  if (!PREFIX.test(prefix)) throw new HttpError(400, 'code_invalid', 'prefix is the start of a participant code');

  const [study, waves] = await Promise.all([getStudy(studyId), listWaves(studyId)]);
  if (!study) throw new HttpError(404, 'study_not_found', 'There is no such study');
  const read = await listParticipantsPage(studyId, { limit, ...(after ? { after } : {}), ...(prefix ? { prefix } : {}) });
  // A member placed in a group gets the page's participants of their group: a page can be short, and `next` still pages on.
  const page = { ...read, participants: read.participants.filter((p) => seesParticipant(researcher.access, p)) };
  const codes = page.participants.map((p) => p.participantCode);
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'participants.listed', detail: { count: codes.length } });
  const first = codes[0];
  const last = codes[codes.length - 1];
  if (!first || !last) return json(200, { participants: [], next: null } satisfies ParticipantList);

  // Only this page's slice of each wave's index, and only this page's contacts.
  const [contacts, ...waveItems] = await Promise.all([getContactDetails(studyId, codes), ...waves.map((w) => readWaveIndexRange(studyId, w.waveId, first, last))]);
  const result: ParticipantList = {
    participants: page.participants.map((p) => {
      const contact = contacts.get(p.participantCode);
      return {
        participantCode: p.participantCode,
        attributes: p.attributes ?? {},
        withdrawn: !!p.withdrawnAt,
        contact: { email: !!contact?.email, phone: !!contact?.phone },
        waves: Object.fromEntries(
          waves.map((wave, i) => {
            const items = waveItems[i]!.filter((item) => item.participantCode === p.participantCode);
            const link = items.find((item) => item.type === 'participantLink');
            const consent = items.find((item) => item.type === 'consent');
            const status = waveStatus({
              invited: !!link,
              opened: !!link?.openedAt,
              consent: (consent?.decision as 'agreed' | 'declined' | undefined) ?? null,
              responses: items.filter((item) => item.type === 'response').map((r) => r.status as 'partial' | 'complete'),
              instrumentCount: wave.instruments.length,
              withdrawn: !!p.withdrawnAt,
            });
            return [wave.waveId, { status, delivery: link ? (link.delivery === 'email' ? 'email' : 'sheet') : null }] as const;
          }),
        ),
      };
    }),
    next: page.next,
  };
  return json(200, result);
});
