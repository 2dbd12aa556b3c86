/**
 * When a wave is open for a participant. A fixed window has dates; a relative
 * one opens a number of days after that participant completed the baseline
 * (e.g. +6 months for 6 weeks), so each participant has their own dates.
 */
import type { WaveWindow } from '../contracts/studies.js';

export type { WaveWindow };
export type Window = { opensAt: string; closesAt: string };
export type WaveWindowState = 'not_open_yet' | 'open' | 'closed' | 'awaiting_baseline';

const DAY_MS = 24 * 3600_000;

/** The participant's own dates for a wave, or undefined while a relative wave waits for their baseline. */
export function participantWindow(window: WaveWindow, baselineCompletedAt: string | undefined): Window | undefined {
  if (window.kind === 'fixed') return { opensAt: window.opensAt, closesAt: window.closesAt };
  if (!baselineCompletedAt) return undefined;
  const opens = Date.parse(baselineCompletedAt) + window.opensAfterDays * DAY_MS;
  return { opensAt: new Date(opens).toISOString(), closesAt: new Date(opens + window.openForDays * DAY_MS).toISOString() };
}

/** Where `now` falls in a window; opensAt is inclusive, closesAt exclusive. */
export function waveWindowState(window: Window | undefined, now: Date): WaveWindowState {
  if (!window) return 'awaiting_baseline';
  const time = now.getTime();
  if (time < Date.parse(window.opensAt)) return 'not_open_yet';
  if (time >= Date.parse(window.closesAt)) return 'closed';
  return 'open';
}
