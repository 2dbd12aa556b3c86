/** GET /api/studies/{studyId}/progress: where participants stand in each wave, optionally for one attribute value. */
import type { StudyProgress } from '../contracts/participants.js';
import { countStatuses, retention, waveStatus, type ParticipantWaveStatus } from '../domain/progress.js';
import { participantWindow, waveWindowState, type WaveWindow } from '../domain/wave-window.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { listParticipantsSeenBy } from '../storage/participants.js';
import { getStudy, listWaves } from '../storage/studies.js';
import { readWaveIndex } from '../storage/wave-index.js';

export const handler = studyHandler('StudyProgress', async (event, { access }) => {
  const studyId = event.pathParameters?.studyId ?? '';
  const { attribute, value } = event.queryStringParameters ?? {};
  const [study, waves, allParticipants] = await Promise.all([getStudy(studyId), listWaves(studyId), listParticipantsSeenBy(access)]);
  if (!study) throw new HttpError(404, 'study_not_found', 'There is no such study');
  if ((attribute === undefined) !== (value === undefined)) throw new HttpError(400, 'filter_invalid', 'Give both attribute and value to filter, or neither');
  if (attribute && !study.attributes?.some((a) => a.id === attribute)) throw new HttpError(400, 'filter_invalid', `The study declares no attribute "${attribute}"`);

  const participants = attribute ? allParticipants.filter((p) => p.attributes?.[attribute] === value) : allParticipants;
  const statusesByWave = await Promise.all(
    waves.map(async (wave) => {
      // Grouped once by participant: a study of 10,000 must not scan the wave once per participant.
      const byParticipant = new Map<string, Record<string, unknown>[]>();
      for (const item of await readWaveIndex(studyId, wave.waveId)) {
        const code = item.participantCode as string;
        const list = byParticipant.get(code);
        if (list) list.push(item);
        else byParticipant.set(code, [item]);
      }
      const of = (code: string, type: string) => (byParticipant.get(code) ?? []).filter((item) => item.type === type);
      return new Map<string, ParticipantWaveStatus>(
        participants.map((p) => {
          const link = of(p.participantCode, 'participantLink')[0];
          const consent = of(p.participantCode, 'consent')[0];
          return [
            p.participantCode,
            waveStatus({
              invited: !!link,
              opened: !!link?.openedAt,
              consent: (consent?.decision as 'agreed' | 'declined' | undefined) ?? null,
              responses: of(p.participantCode, 'response').map((r) => r.status as 'partial' | 'complete'),
              instrumentCount: wave.instruments.length,
              withdrawn: !!p.withdrawnAt,
            }),
          ];
        }),
      );
    }),
  );
  const baseline = statusesByWave[waves.findIndex((w) => w.ordinal === 0)];
  const now = new Date();

  const result: StudyProgress = {
    studyId,
    filter: attribute && value ? { attribute, value } : null,
    group: access.group?.value ?? null,
    participants: participants.length,
    waves: waves.map((wave, i) => ({
      waveId: wave.waveId,
      ordinal: wave.ordinal,
      counts: countStatuses([...statusesByWave[i]!.values()]),
      retentionFromBaseline: wave.ordinal === 0 || !baseline ? null : retention(baseline, statusesByWave[i]!),
      window: windowReach(wave.window, participants, now),
    })),
  };
  return json(200, result);
});

/** For how many participants a wave has opened, and when it next opens for one it has not (their own dates for a relative wave). */
function windowReach(window: WaveWindow, participants: readonly { baselineCompletedAt?: string }[], now: Date): StudyProgress['waves'][number]['window'] {
  let openedFor = 0;
  let nextOpensAt: string | null = null;
  for (const participant of participants) {
    const dates = participantWindow(window, participant.baselineCompletedAt);
    const state = waveWindowState(dates, now);
    if (state === 'open' || state === 'closed') openedFor += 1;
    else if (state === 'not_open_yet' && dates && (nextOpensAt === null || dates.opensAt < nextOpensAt)) nextOpensAt = dates.opensAt;
  }
  // A fixed wave opens on its own date even for a study with nobody in it yet.
  if (participants.length === 0 && window.kind === 'fixed' && waveWindowState(window, now) === 'not_open_yet') nextOpensAt = window.opensAt;
  return { openedFor, nextOpensAt };
}
