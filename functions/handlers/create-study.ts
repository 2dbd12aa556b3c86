/** POST /api/studies: a new study with its participant attributes, support contacts and first consent text; its creator is its first owner. */
import { CreateStudyRequest } from '../contracts/studies.js';
import { disclosureControlProblems } from '../domain/export/disclosure-control.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { listInstrumentVersions } from '../storage/instruments.js';
import { firstOwner } from '../storage/members.js';
import { AlreadyExists, createStudyWithConsent } from '../storage/studies.js';
import { userDirectory } from '../auth/user-directory.js';

export const handler = researcherHandler('CreateStudy', async (event, researcher) => {
  const request = parseJsonBody(event, CreateStudyRequest);
  const attributeIds = request.attributes.map((a) => a.id);
  const repeated = attributeIds.find((id, i) => attributeIds.indexOf(id) !== i);
  if (repeated) throw new HttpError(400, 'body_invalid', `The attribute "${repeated}" is declared twice`, [{ path: 'attributes', message: 'ids must be unique' }]);
  if (request.groupBy && !attributeIds.includes(request.groupBy)) {
    throw new HttpError(400, 'body_invalid', `Groups come from a declared attribute: "${request.groupBy}" is not one`, [{ path: 'groupBy', message: `declare ${request.groupBy} in attributes, or group by one of: ${attributeIds.join(', ') || '(none declared)'}` }]);
  }

  if (request.disclosureControl) await checkDisclosureControl(request);

  const createdAt = new Date().toISOString();
  const account = await userDirectory().describe(researcher.userId);
  try {
    await createStudyWithConsent(
      {
        studyId: request.studyId,
        title: request.title,
        ...(request.publicTitle ? { publicTitle: request.publicTitle } : {}),
        supportContacts: request.supportContacts,
        attributes: request.attributes,
        ...(request.quasiIdentifierItems?.length ? { quasiIdentifierItems: request.quasiIdentifierItems } : {}),
        ...(request.groupBy ? { groupBy: request.groupBy } : {}),
        ...(request.teamEmail ? { teamEmail: request.teamEmail.toLowerCase() } : {}),
        ...(request.disclosureControl && Object.keys(request.disclosureControl).length > 0 ? { disclosureControl: request.disclosureControl } : {}),
        createdAt,
      },
      { studyId: request.studyId, version: request.consent.version, text: request.consent.text, createdAt },
      firstOwner(request.studyId, { userId: researcher.userId, email: account?.email ?? researcher.userId }, createdAt),
      { scope: request.studyId, actor: researcher.userId, action: 'study.created', detail: { consentVersion: request.consent.version } },
    );
  } catch (error) {
    if (error instanceof AlreadyExists) throw new HttpError(409, 'study_exists', `There is already a study called ${request.studyId}`);
    throw error;
  }
  return json(201, { studyId: request.studyId });
});

/** Hierarchies must fit what they coarsen: a question's are checked against every published version of the instrument named. */
async function checkDisclosureControl(request: CreateStudyRequest): Promise<void> {
  const control = request.disclosureControl ?? {};
  const instrumentIds = [...new Set(Object.values(control).flatMap((c) => (c.instrument ? [c.instrument] : [])))];
  const published = new Map(await Promise.all(instrumentIds.map(async (id) => [id, await listInstrumentVersions(id)] as const)));
  const problems = disclosureControlProblems(control, request.attributes, request.quasiIdentifierItems ?? [], published);
  if (problems.length > 0) {
    throw new HttpError(400, 'body_invalid', `The disclosure control does not fit the study: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
  }
}
