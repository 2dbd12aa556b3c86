/** POST /api/studies/{studyId}/consents: a new consent text version for the study's next waves. */
import { AddConsentTextRequest, type AddConsentTextResult } from '../contracts/studies.js';
import { studyHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { addConsentText } from '../storage/consent-texts.js';
import { getStudy } from '../storage/studies.js';

export const handler = studyHandler('AddConsentText', async (event, researcher) => {
  const request = parseJsonBody(event, AddConsentTextRequest);
  const studyId = event.pathParameters?.studyId ?? '';
  // Studies are never deleted, so this read cannot go stale before the write.
  if (!(await getStudy(studyId))) throw new HttpError(404, 'study_not_found', 'There is no such study');

  const outcome = await addConsentText(
    { studyId, version: request.version, text: request.text, createdAt: new Date().toISOString() },
    { scope: studyId, actor: researcher.userId, action: 'consent_text.added', detail: { consentVersion: request.version } },
  );
  if (outcome === 'conflict') {
    throw new HttpError(409, 'consent_version_exists', `Consent version "${request.version}" already has another text: versions never change, so give the new text a new version`);
  }
  const result: AddConsentTextResult = { version: request.version, created: outcome === 'created' };
  return json(outcome === 'created' ? 201 : 200, result);
});
