/** The rules for a password an embedded-mode account chooses, and the back-off of wrong passwords per account. */
import { describe, expect, it } from 'vitest';
import { guessablePasswordProblems, MIN_PASSWORD_SCORE } from '../../functions/domain/password-strength.js';
import { emailName, newPasswordProblems } from '../../functions/domain/passwords.js';
import { ACCOUNT_BACKOFF } from '../../functions/http/sign-in-attempts.js';
import { lockSeconds } from '../../functions/storage/account-backoff.js';

const EMAIL_RULE = 'do not use the name in your email address (the part before the @) in your password';

describe('a password containing the email', () => {
  it("refuses the email's name anywhere in the password, whatever the case", () => {
    expect(emailName('Jo.Bloggs@Example.org')).toBe('jo.bloggs');
    expect(newPasswordProblems('my name is JO.BLOGGS here', 'temporary-password', 12, 'jo.bloggs@example.org')).toEqual([EMAIL_RULE]);
    expect(newPasswordProblems('ali-in-the-garden-shed', 'temporary-password', 12, 'Ali@example.org')).toEqual([EMAIL_RULE]);
  });

  it('leaves names shorter than 3 characters alone, and other words', () => {
    expect(newPasswordProblems('jo went to the garden shed', 'temporary-password', 12, 'jo@example.org')).toEqual([]);
    expect(newPasswordProblems('three random words', 'temporary-password', 12, 'sam@example.org')).toEqual([]);
  });
});

describe('a guessable password', () => {
  it(`refuses a repeated character, a zxcvbn score under ${MIN_PASSWORD_SCORE}, saying why`, async () => {
    const problems = await guessablePasswordProblems('aaaaaaaaaaaa', []);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^this password is too easy to guess \(Repeated characters like "aaa" are easy to guess\)/);
  });

  it('refuses a password from the common-password list, also capitalised or in l33t', async () => {
    for (const common of ['qwerty123456', 'LeaveMeAlone', 'l3av3m3al0n3', '1qaz2wsx3edc']) {
      expect(await guessablePasswordProblems(common, []), common).toEqual(['this is one of the most commonly used passwords: choose another']);
    }
  });

  it('refuses common words with digits, and the email as a word attackers try first', async () => {
    expect(await guessablePasswordProblems('password1234', [])).toEqual([expect.stringContaining('too easy to guess')]);
    expect(await guessablePasswordProblems('Liverpool2020', [])).toEqual([expect.stringContaining('too easy to guess')]);
    expect(await guessablePasswordProblems('bloggsbloggs12', ['jo.bloggs@example.org', 'jo.bloggs', 'bloggs'])).toEqual([expect.stringContaining('too easy to guess')]);
  });

  it('accepts three or four random words, and the passwords the test suites sign in with', async () => {
    for (const strong of ['correct horse battery staple', 'three random words', 'my own long password', 'the-real-password', 'the second password']) {
      expect(await guessablePasswordProblems(strong, ['someone@example.org', 'someone']), strong).toEqual([]);
    }
  });
});

describe('back-off per account', () => {
  it('allows 5 failures, then locks 1 s, 2 s, 4 s … at most 15 minutes', () => {
    const locks = Array.from({ length: 20 }, (_, i) => lockSeconds(i + 1, ACCOUNT_BACKOFF));

    expect(locks.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(locks.slice(4, 10)).toEqual([1, 2, 4, 8, 16, 32]);
    expect(locks.at(-1)).toBe(15 * 60);
    expect(lockSeconds(10_000, ACCOUNT_BACKOFF)).toBe(15 * 60);
  });
});
