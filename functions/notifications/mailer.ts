/**
 * The one mail path: every email Pont sends (invitations, reminders, messages
 * to the study team) goes through a `Mailer`. Two adapters: embedded mode
 * writes each message to an outbox folder that the console lists (nothing
 * leaves the machine); AWS mode sends it with Amazon SES.
 *
 * Messages never carry answers. Nothing here logs a recipient or a body: a
 * message holds a personal link, which works like a password.
 *
 * Erasing a participant asks the mailer to forget them: the outbox deletes
 * every message to or about them; SES keeps nothing Pont could delete.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { config, type Config } from '../config.js';

export type MailKind = 'invitation' | 'reminder' | 'study-team';

/** What a message is about, for the outbox listing and SES's email tags; never personal. */
export type MailTag = { kind: MailKind; studyId: string };

export type MailMessage = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  tag: MailTag;
  /**
   * The participant a message is to or about (an invitation, a reminder, a
   * check-in notice to the team), so that erasing them can remove it from the
   * outbox. Never sent: SES gets only the kind and study tags.
   */
  participantCode?: string;
};

/** Whom to forget at erasure: their code, and their address while it was still held. */
export type ForgetParticipant = { participantCode: string; email?: string | undefined };

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /**
   * Erasure: removes every copy of a message to or about the participant that
   * this mailer keeps, in that study, and says how many.
   */
  forgetParticipant(studyId: string, who: ForgetParticipant): Promise<number>;
}

/** A message as the outbox keeps it. */
export type StoredMessage = MailMessage & { id: string; at: string };

const STUDY_ID = /^[a-z][a-z0-9-]{1,40}$/;
/** `<time>_<studyId>_<kind>_<random>`: underscores never occur in the parts, so a name parses without opening the file. */
const MESSAGE_ID = /^([0-9TZ-]{24})_([a-z][a-z0-9-]{1,40})_(invitation|reminder|study-team)_([0-9a-f]{12})$/;

/**
 * Writes one JSON file per message (mode 0600, in a 0700 folder), so a
 * researcher running Pont on one machine can read what would have been sent.
 * File names start with the time and name the study, so a listing sorts and
 * filters without opening files.
 */
export class OutboxMailer implements Mailer {
  constructor(private readonly dir: string) {}

  async send(message: MailMessage): Promise<void> {
    if (!STUDY_ID.test(message.tag.studyId)) throw new Error('A message must be tagged with a study id');
    const at = new Date();
    const id = `${at.toISOString().replace(/[:.]/g, '-')}_${message.tag.studyId}_${message.tag.kind}_${randomBytes(6).toString('hex')}`;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const stored: StoredMessage = { id, at: at.toISOString(), ...message };
    await writeFile(join(this.dir, `${id}.json`), JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
  }

  /**
   * A study's messages, newest first: `offset`/`limit` page through them. With
   * `about`, only messages about the participants it accepts (every file is
   * then opened: the outbox is one machine's).
   */
  list(studyId: string, page: { offset: number; limit: number }, about?: (participantCode: string | undefined) => boolean): { messages: StoredMessage[]; total: number } {
    const all = this.idsOf(studyId).reverse();
    const ids = about ? all.filter((id) => about(this.readFile(id)?.participantCode)) : all;
    const messages = ids.slice(page.offset, page.offset + page.limit).map((id) => this.readFile(id));
    return { messages: messages.filter((m): m is StoredMessage => !!m), total: ids.length };
  }

  /**
   * Deletes the study's messages about the participant (`participantCode`).
   * Messages written before messages said whom they are about are matched
   * the only ways they can be: an invitation or reminder by their address, the
   * team's check-in notice by the subject naming their code. (A message that
   * names someone else is never matched by address: two participants can share
   * one, a personal adviser's.) Reads each of the study's files: erasure is
   * rare, and the outbox is one machine's.
   */
  async forgetParticipant(studyId: string, who: ForgetParticipant): Promise<number> {
    const email = who.email?.toLowerCase();
    const legacyNotice = `Check-in requested: ${who.participantCode} (`;
    let removed = 0;
    for (const id of this.idsOf(studyId)) {
      const message = this.readFile(id);
      if (!message) continue;
      const about =
        message.participantCode !== undefined
          ? message.participantCode === who.participantCode
          : message.tag.kind === 'study-team'
            ? message.subject.startsWith(legacyNotice)
            : !!email && message.to.toLowerCase() === email;
      if (!about) continue;
      await rm(join(this.dir, `${id}.json`), { force: true });
      removed += 1;
    }
    return removed;
  }

  read(studyId: string, id: string): StoredMessage | undefined {
    // The id comes from a URL: only names this class makes are opened, never a path.
    if (MESSAGE_ID.exec(id)?.[2] !== studyId) return undefined;
    return this.readFile(id);
  }

  /** The ids of a study's messages, oldest first, from the file names alone. */
  private idsOf(studyId: string): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter((id) => MESSAGE_ID.exec(id)?.[2] === studyId)
      .sort();
  }

  private readFile(id: string): StoredMessage | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, `${id}.json`), 'utf8')) as StoredMessage;
    } catch {
      return undefined;
    }
  }
}

/** The part of the SESv2 client this adapter uses, so tests can check the command it sends. */
export type SesSender = { send(command: SendEmailCommand): Promise<unknown> };

/** Sends through Amazon SES (v2 API). The sender must be a verified SES identity. */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SesSender,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const input: SendEmailCommandInput = {
      FromEmailAddress: this.from,
      Destination: { ToAddresses: [message.to] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: message.text, Charset: 'UTF-8' },
            ...(message.html ? { Html: { Data: message.html, Charset: 'UTF-8' } } : {}),
          },
        },
      },
      // Tags let SES's sending statistics be split by kind and study; they name no one.
      EmailTags: [
        { Name: 'kind', Value: message.tag.kind },
        { Name: 'study', Value: message.tag.studyId },
      ],
    };
    await this.client.send(new SendEmailCommand(input));
  }

  /**
   * Nothing to delete: Pont keeps no copy of what SES sent (no archive, no
   * event destination with content is configured), and a message delivered to
   * a mailbox is beyond its reach. See docs/privacy-notes.md.
   */
  async forgetParticipant(_studyId: string, _who: ForgetParticipant): Promise<number> {
    return 0;
  }
}

let current: { for: Config; mailer: Mailer | undefined } | undefined;

/** The configured mailer, made once per container; undefined when this deployment sends no email. */
export function mailer(): Mailer | undefined {
  const settings = config();
  if (current?.for === settings) return current.mailer;
  const { OUTBOX_DIR, MAIL_FROM, AWS_REGION } = settings;
  const made = OUTBOX_DIR ? new OutboxMailer(OUTBOX_DIR) : MAIL_FROM ? new SesMailer(new SESv2Client({ region: AWS_REGION }), MAIL_FROM) : undefined;
  current = { for: settings, mailer: made };
  return made;
}

/** The outbox, in embedded mode only: what the console's "Sent messages" view reads. */
export function outbox(): OutboxMailer | undefined {
  const made = mailer();
  return made instanceof OutboxMailer ? made : undefined;
}
