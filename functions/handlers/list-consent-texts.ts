/** GET /api/studies/{studyId}/consents: the study's consent text versions (for the console, and the wave form's choice). */
import type { ConsentTextList } from '../contracts/studies.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { listConsentTexts } from '../storage/consent-texts.js';
import { getStudy } from '../storage/studies.js';

export const handler = studyHandler('ListConsentTexts', async (event) => {
  const studyId = event.pathParameters?.studyId ?? '';
  const [study, consents] = await Promise.all([getStudy(studyId), listConsentTexts(studyId)]);
  if (!study) throw new HttpError(404, 'study_not_found', 'There is no such study');
  const result: ConsentTextList = { consents };
  return json(200, result);
});
