/** POST /api/studies/{studyId}/waves: a baseline or follow-up wave, pinned to published instrument versions. */
import { CreateWaveRequest, type CreateWaveResult } from '../contracts/studies.js';
import type { InstrumentVersion } from '../domain/instrument.js';
import { linkProblems, registrationProblems, sharedQuestionNameProblems, unsupportedProblems, versionChangeWarnings } from '../domain/wave-instruments.js';
import { studyHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { getInstrumentVersion } from '../storage/instruments.js';
import { AlreadyExists, createWave, getConsentText, getStudy, listWaves } from '../storage/studies.js';

export const handler = studyHandler('CreateWave', async (event, researcher) => {
  const request = parseJsonBody(event, CreateWaveRequest);
  const studyId = event.pathParameters?.studyId ?? '';
  const [study, consent, waves, instruments] = await Promise.all([
    getStudy(studyId),
    getConsentText(studyId, request.consentVersion),
    listWaves(studyId),
    Promise.all(request.instruments.map((pin) => getInstrumentVersion(pin.id, pin.version))),
  ]);
  if (!study) throw new HttpError(404, 'study_not_found', 'There is no such study');
  if (!consent) throw new HttpError(422, 'consent_version_unknown', `The study has no consent text version "${request.consentVersion}"`);
  checkWindow(request);
  const unpublished = request.instruments.filter((_, i) => !instruments[i]);
  if (unpublished.length > 0) {
    throw new HttpError(422, 'instrument_not_published', 'Publish these instrument versions first', unpublished.map((p) => ({ path: 'instruments', message: `${p.id}@${p.version} is not published` })));
  }
  const pinned = instruments as InstrumentVersion[];
  const unsupported = unsupportedProblems(pinned);
  if (unsupported.length > 0) {
    throw new HttpError(422, 'instrument_not_supported', 'An instrument uses what Pont cannot run: publish a new version without it', unsupported);
  }
  const unregistered = registrationProblems(pinned, request.registrations ?? {});
  if (unregistered.length > 0) {
    throw new HttpError(422, 'registration_required', 'Record the registration references first', unregistered.map((p) => ({ path: `registrations.${p.instrumentId}`, message: p.message })));
  }
  const offSite = linkProblems(pinned, study.supportContacts);
  if (offSite.length > 0) {
    throw new HttpError(422, 'instrument_link_not_allowed', "An instrument links to a site none of the study's support contacts names", offSite.map(({ path, message }) => ({ path, message })));
  }

  const studyPins = await Promise.all(uniquePins(waves.flatMap((w) => w.instruments)).map((pin) => getInstrumentVersion(pin.id, pin.version)));
  const shared = sharedQuestionNameProblems(studyPins.filter((i): i is InstrumentVersion => !!i), pinned);
  if (shared.length > 0) {
    throw new HttpError(
      422,
      'question_names_shared',
      'Question names are dataset columns: these are asked by more than one instrument of the study. Give one of each pair another name (prefix it with its instrument) in a new version',
      shared.map(({ column, instrumentIds }) => ({ path: 'instruments', message: `"${column}" is asked by both ${instrumentIds.join(' and ')}` })),
    );
  }

  const baseline = waves.find((w) => w.ordinal === 0);
  const baselineInstruments = baseline ? await Promise.all(baseline.instruments.map((pin) => getInstrumentVersion(pin.id, pin.version))) : [];
  const warnings = versionChangeWarnings(baselineInstruments.filter((i): i is InstrumentVersion => !!i), { waveId: request.waveId, instruments: pinned }).map((w) => ({
    instrumentId: w.instrumentId,
    message:
      `${w.waveId} runs ${w.instrumentId}@${w.waveVersion} but baseline ran @${w.baselineVersion}. ` +
      (w.notComparable.length ? `Not comparable: ${w.notComparable.map((s) => `${s.scaleId} (${s.reasons.join('; ')})`).join(', ')}. ` : 'All scales stay comparable. ') +
      (w.reworded.length ? `Reworded items in: ${w.reworded.join(', ')}.` : ''),
  }));

  try {
    await createWave(
      {
        studyId,
        waveId: request.waveId,
        ordinal: request.ordinal,
        name: request.name,
        ...(request.publicName ? { publicName: request.publicName } : {}),
        window: request.window,
        instruments: request.instruments,
        consentVersion: request.consentVersion,
        ...(request.registrations ? { registrations: request.registrations } : {}),
        ...(request.reminders ? { reminders: request.reminders } : {}),
      },
      { scope: studyId, actor: researcher.userId, action: 'wave.created', detail: { waveId: request.waveId, warnings: warnings.length } },
    );
  } catch (error) {
    if (error instanceof AlreadyExists) throw new HttpError(409, 'wave_exists', `The study already has a wave called ${request.waveId}`);
    throw error;
  }
  const result: CreateWaveResult = { waveId: request.waveId, warnings };
  return json(201, result);
});

function checkWindow(request: CreateWaveRequest): void {
  const { window } = request;
  if (window.kind === 'fixed' && Date.parse(window.opensAt) >= Date.parse(window.closesAt)) {
    throw new HttpError(400, 'body_invalid', 'The wave must open before it closes', [{ path: 'window.closesAt', message: 'must be after opensAt' }]);
  }
  if (window.kind === 'relative' && request.ordinal === 0) {
    throw new HttpError(400, 'body_invalid', 'The baseline needs fixed dates: follow-ups count from it', [{ path: 'window', message: 'use kind "fixed" for the baseline' }]);
  }
}

function uniquePins(pins: readonly { id: string; version: string }[]): { id: string; version: string }[] {
  return [...new Map(pins.map((pin) => [`${pin.id}@${pin.version}`, pin])).values()];
}
