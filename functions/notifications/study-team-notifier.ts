/**
 * Telling a study's team that something needs them (a participant asked for a
 * check-in). A port with two adapters: embedded mode writes each message to an
 * outbox folder a researcher can read; AWS mode will send it with SES (issue #8).
 * Messages carry the participant's study code, never an answer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../config.js';

export type StudyTeamMessage = { studyId: string; subject: string; body: string };

export interface StudyTeamNotifier {
  notify(message: StudyTeamMessage): Promise<void>;
}

/** Writes one JSON file per message into a folder: the embedded platform's mailbox. */
export class OutboxNotifier implements StudyTeamNotifier {
  constructor(private readonly dir: string) {}

  async notify(message: StudyTeamMessage): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const at = new Date().toISOString();
    const name = `${at.replace(/[:.]/g, '-')}-${message.studyId}-${Math.random().toString(36).slice(2, 8)}.json`;
    writeFileSync(join(this.dir, name), JSON.stringify({ ...message, at }, null, 2), { mode: 0o600 });
  }
}

/** Until SES is wired (issue #8) the request itself is stored and shown in the console; nothing is sent. */
export class NoNotifier implements StudyTeamNotifier {
  async notify(): Promise<void> {}
}

export function studyTeamNotifier(): StudyTeamNotifier {
  const { OUTBOX_DIR } = config();
  return OUTBOX_DIR ? new OutboxNotifier(OUTBOX_DIR) : new NoNotifier();
}
