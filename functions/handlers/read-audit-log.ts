/** GET /api/audit/{scope}?month=YYYY-MM: the audit log of a study (or _platform) for a month, as JSON or CSV. Read-only: no route edits it. */
import type { AuditLog } from '../contracts/researcher.js';
import { toCsv } from '../domain/csv.js';
import { apiHandler } from '../http/api-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { listAuditMonth, PLATFORM_SCOPE, recordAudit } from '../storage/audit.js';
import { getStudy } from '../storage/studies.js';

export const handler = apiHandler<'researcher'>('ReadAuditLog', async (event, researcher) => {
  const scope = event.pathParameters?.scope ?? '';
  const month = event.queryStringParameters?.month ?? new Date().toISOString().slice(0, 7);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new HttpError(400, 'month_invalid', 'Give the month as YYYY-MM');
  // Checked before the read is audited: a made-up scope must not get an audit partition of its own.
  if (scope !== PLATFORM_SCOPE && !(await getStudy(scope))) throw new HttpError(404, 'scope_not_found', 'There is no such study');

  const entries = (await listAuditMonth(scope, new Date(`${month}-01T00:00:00.000Z`))).sort((a, b) => a.at.localeCompare(b.at));
  await recordAudit({ scope, actor: researcher.userId, action: 'audit.read', detail: { month } });

  if (/text\/csv/.test(event.headers?.accept ?? '')) {
    const csv = toCsv(['at', 'actor', 'action', 'detail'], entries.map((e) => [e.at, e.actor, e.action, JSON.stringify(e.detail)]));
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="audit-${scope}-${month}.csv"`, 'cache-control': 'no-store' },
      body: csv,
    };
  }
  const result: AuditLog = { scope, month, entries: entries.map(({ at, actor, action, detail }) => ({ at, actor, action, detail })) };
  return json(200, result);
});
