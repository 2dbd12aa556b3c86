/** POST /api/studies/{studyId}/participants/import: a CSV of participant codes and declared attributes, all rows or none. */
import type { ImportParticipantsResult } from '../contracts/participants.js';
import { parseParticipantCsv } from '../domain/participant-csv.js';
import { studyHandler } from '../http/researcher-handler.js';
import { readTextBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { existingParticipantCodes, importParticipants, ParticipantsAlreadyExist } from '../storage/participants.js';
import { getStudy } from '../storage/studies.js';

const MAX_CSV_BYTES = 2 * 1024 * 1024;

export const handler = studyHandler('ImportParticipants', async (event, researcher) => {
  const csv = readTextBody(event, 'text/csv', MAX_CSV_BYTES);
  const studyId = event.pathParameters?.studyId ?? '';
  const study = await getStudy(studyId);
  if (!study) throw new HttpError(404, 'study_not_found', 'There is no such study');

  const { rows, problems } = parseParticipantCsv(csv, study.attributes ?? []);
  // A member placed in a group adds participants to their group only.
  const group = researcher.access.group;
  if (group) {
    for (const row of rows.filter((r) => r.attributes[group.attribute] !== group.value)) {
      problems.push({ line: row.line, message: `${row.participantCode}: you can add participants whose ${group.attribute} is ${group.value} only` });
    }
  }
  const existing = await existingParticipantCodes(studyId, rows.map((r) => r.participantCode));
  for (const row of rows.filter((r) => existing.has(r.participantCode))) {
    problems.push({ line: row.line, message: `${row.participantCode} is already in this study` });
  }
  if (problems.length > 0) {
    throw new HttpError(422, 'csv_invalid', 'Nothing was imported: fix these rows and import the file again', problems.sort((a, b) => a.line - b.line).map((p) => ({ path: `line ${p.line}`, message: p.message })));
  }
  if (rows.length === 0) throw new HttpError(422, 'csv_invalid', 'The file has no participants', []);

  const createdAt = new Date().toISOString();
  try {
    await importParticipants(
      rows.map((row) => ({ studyId, participantCode: row.participantCode, attributes: row.attributes, createdAt })),
      { scope: studyId, actor: researcher.userId, action: 'participants.imported', detail: { count: rows.length } },
    );
  } catch (error) {
    if (error instanceof ParticipantsAlreadyExist) throw new HttpError(409, 'participants_exist', 'Someone added some of these participants meanwhile; nothing was imported. Try again.');
    throw error;
  }
  const result: ImportParticipantsResult = { imported: rows.length };
  return json(201, result);
});
