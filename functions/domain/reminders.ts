/**
 * When a participant is due a reminder. A wave's schedule counts days from the
 * invitation email (e.g. afterDays [7, 14]); step n is the n-th day in it.
 * Only links that were emailed are reminded: links handed out on a sheet by a
 * personal adviser are theirs to chase, and a reminder replaces the link.
 */
import type { ParticipantWaveStatus } from './progress.js';
import type { WaveWindowState } from './wave-window.js';

export type ReminderSchedule = { afterDays: readonly number[] };

export type ReminderFacts = {
  delivery: 'email' | 'sheet';
  /** When the invitation email was sent: the schedule counts from it. */
  invitedAt?: string;
  /** Steps already sent (0: none). */
  remindersSent: number;
  /** The last email (a reminder) could not be sent after its link was issued: nobody holds that link. */
  emailFailed: boolean;
  status: ParticipantWaveStatus;
  /** The wave's window for this participant, now. */
  window: WaveWindowState;
};

export type ReminderDecision =
  | { due: true; step: number; retry: boolean }
  | { due: false; reason: 'not_emailed' | 'finished' | 'window_not_open' | 'not_yet' | 'schedule_done' };

const DAY_MS = 24 * 3600_000;
const FINISHED: readonly ParticipantWaveStatus[] = ['completed', 'declined', 'withdrawn'];

/** The schedule's days in order, without repeats. */
export function scheduleDays(schedule: ReminderSchedule): number[] {
  return [...new Set(schedule.afterDays)].sort((a, b) => a - b);
}

/**
 * The reminder step to send now, if any. When runs were missed and several
 * steps have come due, only the latest is sent (one email, not a burst), and
 * the skipped steps are never sent later.
 */
export function dueReminder(schedule: ReminderSchedule, facts: ReminderFacts, now: Date): ReminderDecision {
  if (facts.delivery !== 'email' || !facts.invitedAt) return { due: false, reason: 'not_emailed' };
  if (FINISHED.includes(facts.status)) return { due: false, reason: 'finished' };
  if (facts.window !== 'open') return { due: false, reason: 'window_not_open' };
  // A reminder whose email failed left the participant without a working link: send that step again.
  if (facts.emailFailed && facts.remindersSent > 0) return { due: true, step: facts.remindersSent, retry: true };
  const days = scheduleDays(schedule);
  const elapsed = now.getTime() - Date.parse(facts.invitedAt);
  const stepsDue = days.filter((day) => elapsed >= day * DAY_MS).length;
  if (stepsDue > facts.remindersSent) return { due: true, step: stepsDue, retry: false };
  return { due: false, reason: facts.remindersSent >= days.length ? 'schedule_done' : 'not_yet' };
}
