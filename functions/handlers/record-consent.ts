/** POST /api/s/{token}/consent: the participant agrees or declines to take part in this wave. */
import { ConsentRequest, type ConsentResult } from '../contracts/respondent.js';
import { apiHandler } from '../http/api-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { openPersonalLink } from '../http/personal-link.js';
import { json } from '../http/responses.js';
import { ConsentAlreadyRecorded, recordConsent } from '../storage/consents.js';

export const handler = apiHandler('RecordConsent', async (event) => {
  const request = parseJsonBody(event, ConsentRequest);
  const now = new Date();
  const { study, wave, participant } = await openPersonalLink(event, now);
  if (request.version !== wave.consentVersion) {
    throw new HttpError(409, 'consent_version_changed', 'The information about the study has changed. Please read it again.');
  }
  try {
    const record = await recordConsent({
      studyId: study.studyId,
      participantCode: participant.participantCode,
      waveId: wave.waveId,
      consentVersion: request.version,
      decision: request.decision,
      language: request.language,
      decidedAt: now.toISOString(),
    });
    const result: ConsentResult = { decision: record.decision, decidedAt: record.decidedAt };
    return json(200, result);
  } catch (error) {
    if (error instanceof ConsentAlreadyRecorded) {
      throw new HttpError(409, 'consent_already_recorded', 'Your answer about taking part is already saved. To change it, contact the research team.');
    }
    throw error;
  }
});
