/** POST /api/studies: a new study with its participant attributes, support contacts and first consent text. */
import { CreateStudyRequest } from '../contracts/studies.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { recordAudit } from '../storage/audit.js';
import { AlreadyExists, createStudyWithConsent } from '../storage/studies.js';

export const handler = researcherHandler('CreateStudy', async (event, researcher) => {
  const request = parseJsonBody(event, CreateStudyRequest);
  const attributeIds = request.attributes.map((a) => a.id);
  const repeated = attributeIds.find((id, i) => attributeIds.indexOf(id) !== i);
  if (repeated) throw new HttpError(400, 'body_invalid', `The attribute "${repeated}" is declared twice`, [{ path: 'attributes', message: 'ids must be unique' }]);

  const createdAt = new Date().toISOString();
  try {
    await createStudyWithConsent(
      { studyId: request.studyId, title: request.title, supportContacts: request.supportContacts, attributes: request.attributes, ...(request.quasiIdentifierItems?.length ? { quasiIdentifierItems: request.quasiIdentifierItems } : {}), createdAt },
      { studyId: request.studyId, version: request.consent.version, text: request.consent.text, createdAt },
    );
  } catch (error) {
    if (error instanceof AlreadyExists) throw new HttpError(409, 'study_exists', `There is already a study called ${request.studyId}`);
    throw error;
  }
  await recordAudit({ scope: request.studyId, actor: researcher.userId, action: 'study.created', detail: { consentVersion: request.consent.version } });
  return json(201, { studyId: request.studyId });
});
