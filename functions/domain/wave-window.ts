export type WaveWindowState = 'not_open_yet' | 'open' | 'closed';

/** Where `now` falls in a wave's window; opensAt is inclusive, closesAt exclusive. */
export function waveWindowState(window: { opensAt: string; closesAt: string }, now: Date): WaveWindowState {
  const time = now.getTime();
  if (time < Date.parse(window.opensAt)) return 'not_open_yet';
  if (time >= Date.parse(window.closesAt)) return 'closed';
  return 'open';
}
