/** The reminder rule, the emails participants get, password rules, and the two Mailer adapters. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { composeParticipantEmail, maskEmail } from '../../functions/domain/participant-emails.js';
import { newPasswordProblems } from '../../functions/domain/passwords.js';
import { dueReminder, type ReminderFacts } from '../../functions/domain/reminders.js';
import { OutboxMailer, SesMailer, type MailMessage } from '../../functions/notifications/mailer.js';

const DAY = 24 * 3600_000;
const invitedAt = new Date('2026-03-02T10:00:00Z');
const after = (days: number, hours = 0) => new Date(invitedAt.getTime() + days * DAY + hours * 3600_000);
const schedule = { afterDays: [7, 14] };
const facts = (change: Partial<ReminderFacts> = {}): ReminderFacts => ({
  delivery: 'email',
  invitedAt: invitedAt.toISOString(),
  remindersSent: 0,
  emailFailed: false,
  status: 'invited',
  window: 'open',
  ...change,
});

describe('when a reminder is due', () => {
  it('sends step 1 from day 7 and step 2 from day 14, each once', () => {
    expect(dueReminder(schedule, facts(), after(6, 23))).toEqual({ due: false, reason: 'not_yet' });
    expect(dueReminder(schedule, facts(), after(7))).toEqual({ due: true, step: 1, retry: false });
    expect(dueReminder(schedule, facts({ remindersSent: 1 }), after(10))).toEqual({ due: false, reason: 'not_yet' });
    expect(dueReminder(schedule, facts({ remindersSent: 1 }), after(14))).toEqual({ due: true, step: 2, retry: false });
    expect(dueReminder(schedule, facts({ remindersSent: 2 }), after(40))).toEqual({ due: false, reason: 'schedule_done' });
  });

  it('sends only the latest step when runs were missed, and never the skipped one later', () => {
    expect(dueReminder(schedule, facts(), after(15))).toEqual({ due: true, step: 2, retry: false });
    expect(dueReminder(schedule, facts({ remindersSent: 2 }), after(16))).toEqual({ due: false, reason: 'schedule_done' });
  });

  it('never reminds links handed out on a sheet, or links never emailed', () => {
    expect(dueReminder(schedule, facts({ delivery: 'sheet' }), after(30))).toEqual({ due: false, reason: 'not_emailed' });
    const { invitedAt: _, ...noInvitation } = facts();
    expect(dueReminder(schedule, noInvitation, after(30))).toEqual({ due: false, reason: 'not_emailed' });
  });

  it.each(['completed', 'declined', 'withdrawn'] as const)('does not remind someone who has %s', (status) => {
    expect(dueReminder(schedule, facts({ status }), after(30))).toEqual({ due: false, reason: 'finished' });
  });

  it('reminds people who opened, consented or started but did not finish', () => {
    for (const status of ['invited', 'opened', 'consented', 'in_progress'] as const) {
      expect(dueReminder(schedule, facts({ status }), after(7)).due, status).toBe(true);
    }
  });

  it('does not remind while the wave is closed or not yet open for them', () => {
    for (const window of ['closed', 'not_open_yet', 'awaiting_baseline'] as const) {
      expect(dueReminder(schedule, facts({ window }), after(8))).toEqual({ due: false, reason: 'window_not_open' });
    }
  });

  it('sends a failed reminder step again, and only after it was claimed', () => {
    expect(dueReminder(schedule, facts({ remindersSent: 1, emailFailed: true }), after(8))).toEqual({ due: true, step: 1, retry: true });
  });

  it('orders and de-duplicates the schedule, and never goes past its length or backwards', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 365 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 5 }), (days, elapsed, sent) => {
        const decision = dueReminder({ afterDays: days }, facts({ remindersSent: sent }), after(elapsed));
        if (decision.due) {
          expect(decision.step).toBeGreaterThan(sent);
          expect(decision.step).toBeLessThanOrEqual(days.length);
          expect(elapsed).toBeGreaterThanOrEqual([...days].sort((a, b) => a - b)[decision.step - 1]!);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('emails to participants', () => {
  const input = { studyTitle: { en: 'Staying in touch', cy: 'Cadw mewn cysylltiad' }, waveName: { en: 'Baseline', cy: 'Llinell sylfaen' }, link: 'https://pont.example/s/AAAAAAAAAAAAAAAAAAAAAAAA' };

  it('carry both languages, the participant\'s first, and the link in each', () => {
    const welshFirst = composeParticipantEmail({ ...input, kind: 'invitation', language: 'cy' });
    const englishFirst = composeParticipantEmail({ ...input, kind: 'invitation', language: 'en' });

    expect(welshFirst.subject).toBe('Eich dolen ar gyfer Cadw mewn cysylltiad / Your link for Staying in touch');
    expect(englishFirst.subject).toBe('Your link for Staying in touch / Eich dolen ar gyfer Cadw mewn cysylltiad');
    expect(welshFirst.text.indexOf('Helo')).toBeLessThan(welshFirst.text.indexOf('Hello'));
    expect(welshFirst.text.split(input.link)).toHaveLength(3);
    expect(englishFirst.html).toContain('<div lang="en">');
    expect(englishFirst.html).toContain(`<a href="${input.link}">`);
  });

  it('say in a reminder that older links have stopped working', () => {
    const reminder = composeParticipantEmail({ ...input, kind: 'reminder', language: 'en' });

    expect(reminder.subject).toMatch(/^Reminder: Staying in touch/);
    expect(reminder.text).toContain('Links we sent you before have stopped working');
    expect(reminder.text).toContain("Mae'r dolenni a anfonon ni atoch chi o'r blaen wedi stopio gweithio");
  });

  it('escape study names in the HTML part', () => {
    const email = composeParticipantEmail({ ...input, studyTitle: { en: '<script>x</script>', cy: 'a & b' }, kind: 'invitation', language: 'en' });

    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
  });

  it('mask a recipient to its first letter and domain', () => {
    expect(maskEmail('jo.bloggs@example.org')).toBe('j***@example.org');
    expect(maskEmail('nonsense')).toBe('***');
  });
});

describe('choosing a password', () => {
  it('needs 12 characters and a change from the current one', () => {
    expect(newPasswordProblems('short', 'temporary-password', 12, 'sam@example.org')).toEqual(['use at least 12 characters']);
    expect(newPasswordProblems('temporary-password', 'temporary-password', 12, 'sam@example.org')).toEqual(['choose a password different from the current one']);
    expect(newPasswordProblems('three random words', 'temporary-password', 12, 'sam@example.org')).toEqual([]);
  });
});

const message: MailMessage = { to: 'sam@example.org', subject: 'Subject', text: 'Text', html: '<p>Text</p>', tag: { kind: 'invitation', studyId: 'study-a' } };

describe('the SES mailer', () => {
  it('sends one SESv2 SendEmail with the sender, the recipient, both bodies in UTF-8 and non-personal tags', async () => {
    const send = vi.fn(async () => ({ MessageId: 'm-1' }));

    await new SesMailer({ send }, 'pont@example.gov.wales').send(message);

    expect(send).toHaveBeenCalledTimes(1);
    const command = (send.mock.calls[0] as unknown as [SendEmailCommand])[0];
    expect(command).toBeInstanceOf(SendEmailCommand);
    expect(command.input).toEqual({
      FromEmailAddress: 'pont@example.gov.wales',
      Destination: { ToAddresses: ['sam@example.org'] },
      Content: {
        Simple: {
          Subject: { Data: 'Subject', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Text', Charset: 'UTF-8' }, Html: { Data: '<p>Text</p>', Charset: 'UTF-8' } },
        },
      },
      EmailTags: [
        { Name: 'kind', Value: 'invitation' },
        { Name: 'study', Value: 'study-a' },
      ],
    });
  });

  it('lets a refused send fail the caller', async () => {
    const send = vi.fn(async () => {
      throw Object.assign(new Error('Email address is not verified'), { name: 'MessageRejected' });
    });

    await expect(new SesMailer({ send }, 'pont@example.gov.wales').send(message)).rejects.toThrow('not verified');
  });

  it('never sends whom a message is about, and keeps nothing it could forget at erasure', async () => {
    const send = vi.fn(async () => ({ MessageId: 'm-1' }));
    const ses = new SesMailer({ send }, 'pont@example.gov.wales');

    await ses.send({ ...message, participantCode: 'A-1' });
    const forgotten = await ses.forgetParticipant('study-a', { participantCode: 'A-1', email: 'sam@example.org' });

    expect(JSON.stringify((send.mock.calls[0] as unknown as [SendEmailCommand])[0].input)).not.toContain('A-1');
    expect(forgotten).toBe(0);
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('the outbox mailer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pont-outbox-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one private file per message and lists a study\'s messages newest first', async () => {
    const outbox = new OutboxMailer(join(dir, 'outbox'));
    await outbox.send(message);
    await new Promise((done) => setTimeout(done, 5));
    await outbox.send({ ...message, subject: 'Second', tag: { kind: 'reminder', studyId: 'study-a' } });
    await outbox.send({ ...message, tag: { kind: 'invitation', studyId: 'study-b' } });

    const files = readdirSync(join(dir, 'outbox'));
    expect(files).toHaveLength(3);
    for (const file of files) expect(statSync(join(dir, 'outbox', file)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'outbox')).mode & 0o777).toBe(0o700);
    const listed = outbox.list('study-a', { offset: 0, limit: 10 });
    expect(listed.total).toBe(2);
    expect(listed.messages.map((m) => m.subject)).toEqual(['Second', 'Subject']);
    expect(outbox.list('study-a', { offset: 1, limit: 1 }).messages.map((m) => m.subject)).toEqual(['Subject']);
    const read = outbox.read('study-a', listed.messages[0]!.id);
    expect(read).toMatchObject({ to: 'sam@example.org', text: 'Text', tag: { kind: 'reminder' } });
    expect(JSON.parse(readFileSync(join(dir, 'outbox', `${read!.id}.json`), 'utf8')).subject).toBe('Second');
  });

  it('opens only its own message names, and only for their study', async () => {
    const outbox = new OutboxMailer(join(dir, 'outbox'));
    const id = outbox.list('study-b', { offset: 0, limit: 1 }).messages[0]!.id;

    expect(outbox.read('study-a', id)).toBeUndefined();
    expect(outbox.read('study-b', '../../etc/passwd')).toBeUndefined();
    expect(outbox.read('study-b', id)).toBeDefined();
  });

  it('lists nothing before anything was sent', () => {
    expect(new OutboxMailer(join(dir, 'never')).list('study-a', { offset: 0, limit: 10 })).toEqual({ messages: [], total: 0 });
  });

  it('forgets a participant: the messages about them or to their address in that study, and no others', async () => {
    const outbox = new OutboxMailer(join(dir, 'forget'));
    const tag = { kind: 'invitation' as const, studyId: 'study-f' };
    await outbox.send({ ...message, to: 'ann@example.org', tag, participantCode: 'A-1' });
    await outbox.send({ ...message, to: 'team@example.org', subject: 'Check-in requested: A-1 (Study, Wave)', tag: { kind: 'study-team', studyId: 'study-f' }, participantCode: 'A-1' });
    await outbox.send({ ...message, to: 'ANN@example.org', tag: { kind: 'reminder', studyId: 'study-f' } });
    // Written before messages said whom they are about.
    await outbox.send({ ...message, to: 'team@example.org', subject: 'Check-in requested: A-1 (Study, Wave)', tag: { kind: 'study-team', studyId: 'study-f' } });
    await outbox.send({ ...message, to: 'team@example.org', subject: 'Check-in requested: A-10 (Study, Wave)', tag: { kind: 'study-team', studyId: 'study-f' } });
    await outbox.send({ ...message, to: 'bob@example.org', tag, participantCode: 'A-10' });
    await outbox.send({ ...message, to: 'ann@example.org', tag: { kind: 'invitation', studyId: 'study-g' }, participantCode: 'A-1' });
    // Someone else with the same address (their personal adviser's, say).
    await outbox.send({ ...message, to: 'ann@example.org', subject: 'Shared', tag, participantCode: 'B-2' });

    const forgotten = await outbox.forgetParticipant('study-f', { participantCode: 'A-1', email: 'ann@example.org' });

    expect(forgotten).toBe(4);
    expect(outbox.list('study-f', { offset: 0, limit: 10 }).messages.map((m) => m.subject === message.subject ? m.to : m.subject).sort()).toEqual(['Check-in requested: A-10 (Study, Wave)', 'Shared', 'bob@example.org']);
    expect(outbox.list('study-g', { offset: 0, limit: 10 }).total).toBe(1);
    expect(await outbox.forgetParticipant('study-f', { participantCode: 'A-1' })).toBe(0);
  });
});
