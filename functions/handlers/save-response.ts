/** PUT /api/s/{token}/responses/{instrumentId}: a partial save or the final submission of one instrument. */
import { SaveResponseRequest, type SaveResponseResult } from '../contracts/respondent.js';
import { checkAnswers } from '../domain/answer-validation.js';
import { apiHandler } from '../http/api-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { linkNotValid, openLinkForSave } from '../http/personal-link.js';
import { json } from '../http/responses.js';
import { getInstrumentVersion } from '../storage/instruments.js';
import { ConsentNotGiven, LinkRevoked, ParticipantNotFound, ResponseAlreadyCompleted, SaveConflict, saveResponse } from '../storage/responses.js';

export const handler = apiHandler('SaveResponse', async (event) => {
  const request = parseJsonBody(event, SaveResponseRequest);
  const now = new Date();
  const { study, wave, participantCode, participant, tokenHash } = await openLinkForSave(event, now);

  const pin = wave.instruments.find((p) => p.id === event.pathParameters?.instrumentId);
  if (!pin) throw new HttpError(404, 'instrument_not_in_wave', 'This questionnaire is not part of this link');
  const instrument = await getInstrumentVersion(pin.id, pin.version);
  if (!instrument) throw new HttpError(500, 'wave_misconfigured', 'This study is not set up correctly. Please tell the research team.');

  // The answers kept are the server's reading of them: computed values computed here, never taken from the device.
  const { problems, answers } = checkAnswers(instrument, request.answers, { complete: request.complete, language: request.language });
  if (problems.length > 0) {
    throw new HttpError(422, 'answers_invalid', 'Some answers need another look', problems);
  }

  try {
    const saved = await saveResponse(
      {
        studyId: study.studyId,
        participantCode,
        waveId: wave.waveId,
        instrumentId: instrument.id,
        instrumentVersion: instrument.version,
        contentHash: instrument.contentHash,
        answers,
        status: request.complete ? 'complete' : 'partial',
        language: request.language,
        savedAt: now.toISOString(),
        ...(request.complete ? { completedAt: now.toISOString() } : {}),
        ...(request.pageName ? { pageName: request.pageName } : {}),
      },
      { baseline: wave.ordinal === 0, baseRevision: request.baseRevision, participantLanguage: participant?.language, linkTokenHash: tokenHash },
    );
    const result: SaveResponseResult = { status: saved.status, savedAt: saved.savedAt, revision: saved.revision };
    return json(200, result);
  } catch (error) {
    if (error instanceof ParticipantNotFound || error instanceof LinkRevoked) throw linkNotValid();
    if (error instanceof SaveConflict) {
      // The client builds its next save on the stored revision: its answers are newer than the slow save that got there first.
      throw new HttpError(409, 'save_conflict', 'These answers were saved from somewhere else in the meantime.', undefined, error.storedRevision);
    }
    if (error instanceof ResponseAlreadyCompleted) {
      throw new HttpError(409, 'already_completed', 'You have already finished this questionnaire. Thank you!');
    }
    if (error instanceof ConsentNotGiven) {
      // The save read the decision when it found no agreement: no second read here.
      throw error.decision === 'declined'
        ? new HttpError(403, 'consent_declined', 'You said no to taking part, so nothing is saved.')
        : new HttpError(409, 'consent_required', 'Please say whether you agree to take part before answering.');
    }
    throw error;
  }
});
