/**
 * Telling a study's team that something needs them (a participant asked for a
 * check-in), through the one Mailer: the outbox folder in embedded mode, SES in
 * AWS. To the address the study names (`teamEmail`), else the platform's
 * (STUDY_TEAM_EMAIL). Without a mailer or an address nothing is sent, and the
 * request itself is still stored and listed in the console.
 * Messages carry the participant's study code, never an answer.
 */
import { config } from '../config.js';
import { mailer, type Mailer } from './mailer.js';

/** `participantCode`: whom the message is about, so erasing them removes it from the outbox (never sent). */
export type StudyTeamMessage = { studyId: string; subject: string; body: string; participantCode?: string };

export interface StudyTeamNotifier {
  notify(message: StudyTeamMessage): Promise<void>;
}

/** Embedded mode writes to the outbox even without an address: the console shows it to the team. */
const EMBEDDED_TEAM_ADDRESS = 'study-team@pont.local';

export class MailingNotifier implements StudyTeamNotifier {
  constructor(
    private readonly mail: Mailer,
    private readonly to: string,
  ) {}

  async notify(message: StudyTeamMessage): Promise<void> {
    await this.mail.send({
      to: this.to,
      subject: message.subject,
      text: message.body,
      tag: { kind: 'study-team', studyId: message.studyId },
      ...(message.participantCode ? { participantCode: message.participantCode } : {}),
    });
  }
}

export class NoNotifier implements StudyTeamNotifier {
  async notify(): Promise<void> {}
}

export function studyTeamNotifier(study: { teamEmail?: string }): StudyTeamNotifier {
  const { STUDY_TEAM_EMAIL, OUTBOX_DIR } = config();
  const mail = mailer();
  const to = study.teamEmail ?? STUDY_TEAM_EMAIL ?? (OUTBOX_DIR ? EMBEDDED_TEAM_ADDRESS : undefined);
  return mail && to ? new MailingNotifier(mail, to) : new NoNotifier();
}
