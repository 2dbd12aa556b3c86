/**
 * GET /api/audit/{scope}?month=YYYY-MM[&participant=CODE][&after=&limit=]: a page of the audit log of a
 * study (or _platform) for a month, oldest first, as JSON or CSV (the next page's `after` in the JSON's
 * `next`, or the CSV's `x-next-page` header). Read-only: no route edits it. `participant` keeps the entries about one participant
 * ("who read P-12's contact details?"): entries name them only by a reference computed from a key on their
 * record, so this works while they exist, and by design not after erasure.
 */
import type { AuditLog } from '../contracts/researcher.js';
import { toCsv } from '../domain/csv.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { pageParameters } from '../http/paging.js';
import { json } from '../http/responses.js';
import { existingParticipantAuditRef, listAuditMonthPage, PLATFORM_SCOPE, recordAudit } from '../storage/audit.js';
import { getStudy } from '../storage/studies.js';

/** An entry's sort key, `<time>#<id>`: where a page ended. */
const AFTER = { pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9-]{1,64}$/, meaning: 'where the page before ended (its next)' };

export const handler = researcherHandler('ReadAuditLog', async (event, researcher) => {
  const scope = event.pathParameters?.scope ?? '';
  const month = event.queryStringParameters?.month ?? new Date().toISOString().slice(0, 7);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new HttpError(400, 'month_invalid', 'Give the month as YYYY-MM');
  // Checked before the read is audited: a made-up scope must not get an audit partition of its own.
  if (scope !== PLATFORM_SCOPE && !(await getStudy(scope))) throw new HttpError(404, 'scope_not_found', 'There is no such study');

  const participantCode = event.queryStringParameters?.participant;
  // undefined: the whole month; null: a participant no entry names yet; else the reference entries about them carry.
  let participant: string | null | undefined;
  if (participantCode !== undefined) {
    if (scope === PLATFORM_SCOPE || !/^[A-Za-z0-9_-]{1,64}$/.test(participantCode)) {
      throw new HttpError(400, 'participant_invalid', "Give a participant code of this study (letters, digits, '-' and '_')");
    }
    participant = await existingParticipantAuditRef(scope, participantCode);
    if (participant === undefined) {
      throw new HttpError(404, 'participant_not_found', 'There is no such participant: after erasure, entries about someone cannot be found by their code');
    }
  }

  const { after, limit } = pageParameters(event, { defaultLimit: 1000, maxLimit: 5000, after: AFTER });
  // A participant no entry names yet: nothing to read.
  const page = participant === null ? { entries: [], next: null } : await listAuditMonthPage(scope, new Date(`${month}-01T00:00:00.000Z`), { limit, after });
  // Filtered after reading, so a page about one participant can be short, and `next` still pages on.
  const entries = participant ? page.entries.filter((e) => e.detail?.participant === participant) : page.entries;
  // The reference, never the code: this entry is about them too.
  await recordAudit({ scope, actor: researcher.userId, action: 'audit.read', detail: { month, ...(participant ? { participant } : {}) } });

  if (/text\/csv/.test(event.headers?.accept ?? '')) {
    const csv = toCsv(['at', 'actor', 'action', 'detail'], entries.map((e) => [e.at, e.actor, e.action, JSON.stringify(e.detail)]));
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="audit-${scope}-${month}.csv"`,
        'cache-control': 'no-store',
        ...(page.next ? { 'x-next-page': page.next } : {}),
      },
      body: csv,
    };
  }
  const result: AuditLog = { scope, month, entries: entries.map(({ at, actor, action, detail }) => ({ at, actor, action, detail })), next: page.next };
  return json(200, result);
});
