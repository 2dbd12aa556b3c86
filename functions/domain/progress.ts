/**
 * Where each participant stands in each wave, and the counts a study team
 * watches: invited, opened, consented, in progress, completed, declined,
 * withdrawn; and retention from baseline to each follow-up.
 */
export const STATUSES = ['not_invited', 'invited', 'opened', 'consented', 'in_progress', 'completed', 'declined', 'withdrawn'] as const;
export type ParticipantWaveStatus = (typeof STATUSES)[number];

export type ParticipantWaveFacts = {
  invited: boolean;
  opened: boolean;
  consent: 'agreed' | 'declined' | null;
  /** Status of each instrument response saved in the wave. */
  responses: ('partial' | 'complete')[];
  instrumentCount: number;
  withdrawn: boolean;
};

/**
 * The furthest point reached. A completed wave stays completed after a
 * withdrawal (what they gave is kept, and it counts in the baseline and in
 * retention); any wave they had not completed shows as withdrawn. Withdrawal
 * stops their links at once, so nothing can be completed after it. Declining
 * overrides everything else.
 */
export function waveStatus(facts: ParticipantWaveFacts): ParticipantWaveStatus {
  const completed = facts.responses.filter((r) => r === 'complete').length;
  if (facts.consent !== 'declined' && facts.instrumentCount > 0 && completed >= facts.instrumentCount) return 'completed';
  if (facts.withdrawn) return 'withdrawn';
  if (facts.consent === 'declined') return 'declined';
  if (facts.responses.length > 0) return 'in_progress';
  if (facts.consent === 'agreed') return 'consented';
  if (facts.opened) return 'opened';
  if (facts.invited) return 'invited';
  return 'not_invited';
}

export type WaveCounts = Record<ParticipantWaveStatus, number>;

export function countStatuses(statuses: readonly ParticipantWaveStatus[]): WaveCounts {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as WaveCounts;
  for (const status of statuses) counts[status] += 1;
  return counts;
}

/**
 * Retention into a follow-up: of those who completed the baseline, the share
 * who completed this wave too. Null when nobody has completed the baseline.
 */
export function retention(baseline: ReadonlyMap<string, ParticipantWaveStatus>, wave: ReadonlyMap<string, ParticipantWaveStatus>): number | null {
  const completedBaseline = [...baseline].filter(([, status]) => status === 'completed').map(([code]) => code);
  if (completedBaseline.length === 0) return null;
  return completedBaseline.filter((code) => wave.get(code) === 'completed').length / completedBaseline.length;
}
