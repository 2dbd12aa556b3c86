/**
 * The daily reminder run in AWS (EventBridge Scheduler invokes it; see
 * infra/aws/reminders.ts): the same operation as the researchers' "send due
 * reminders" route, for every wave with a reminder schedule. The embedded
 * platform runs the same function hourly. Logs counts only, never an address.
 */
import { participantMail, sendAllDueReminders } from '../notifications/participant-mail.js';
import { acquireRunLease, releaseRunLease } from '../storage/run-locks.js';

/**
 * Longer than the AWS function's 10-minute timeout (infra/aws/reminders.ts), so
 * a live run always holds it; a run that died frees the job within 15 minutes.
 */
export const REMINDER_RUN_LEASE_MS = 15 * 60_000;
const REMINDER_JOB = 'reminders';

export type ReminderRunSummary = { waves: number; due: number; sent: number; failed: number; skipped: number; ms: number };

export async function runDueReminders(now = new Date()): Promise<ReminderRunSummary | undefined> {
  const setup = participantMail();
  if (!setup) {
    console.log(JSON.stringify({ level: 'info', event: 'reminders_skipped', reason: 'email_not_configured' }));
    return undefined;
  }
  // Two runs never overlap (the schedule's retries, a slow run met by the next).
  const lease = await acquireRunLease(REMINDER_JOB, REMINDER_RUN_LEASE_MS);
  if (!lease) {
    console.log(JSON.stringify({ level: 'info', event: 'reminders_skipped', reason: 'another_run_in_progress' }));
    return undefined;
  }
  const started = Date.now();
  const runs = await sendAllDueReminders(setup, now).finally(() => releaseRunLease(lease));
  const total = (key: 'due' | 'sent' | 'failed' | 'skipped') => runs.reduce((sum, run) => sum + run[key], 0);
  const summary: ReminderRunSummary = { waves: runs.length, due: total('due'), sent: total('sent'), failed: total('failed'), skipped: total('skipped'), ms: Date.now() - started };
  // Quiet when there was nothing to do: the embedded platform runs this hourly in a terminal.
  if (summary.due > 0) console.log(JSON.stringify({ level: 'info', event: 'reminders_run', ...summary }));
  return summary;
}

/**
 * Throws when any email failed, so the invocation counts as failed and, after
 * the Scheduler's retries, lands in the dead-letter queue where an alarm can see
 * it. The failed steps are retried by the next run either way.
 */
export async function handler(): Promise<ReminderRunSummary | undefined> {
  const summary = await runDueReminders();
  if (summary && summary.failed > 0) throw new Error(`${summary.failed} reminder emails could not be sent`);
  return summary;
}
