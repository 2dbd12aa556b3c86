/**
 * The console's Cognito sign-in (web/src/console/cognito.ts) against a fake
 * user pool API over real HTTP (tests/support/fake-cognito.ts), which checks
 * the SRP proof with its own server-side arithmetic: the password step, a
 * temporary password replaced, an authenticator app set up and used, wrong
 * passwords and codes, renewal and sign-out. Nothing here reaches AWS.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cognitoIdpOrigin } from '../../functions/contracts/web-config.js';
import { CognitoAuthenticator, COGNITO_PASSWORD_RULES } from '../../web/src/console/cognito.js';
import { SignInProblem, type SignInStep } from '../../web/src/console/authenticator.js';
import { startFakeCognito, totp, type FakeCognito, type FakeUser } from '../support/fake-cognito.js';

const PASSWORD = 'Correct-horse-battery-9';
let pool: FakeCognito | undefined;

async function poolWith(users: FakeUser[]) {
  pool = await startFakeCognito({ users });
  const authenticator = new CognitoAuthenticator(
    { region: 'eu-west-2', userPoolId: pool.userPoolId, clientId: pool.clientId },
    { now: () => new Date(), endpoint: pool.endpoint },
  );
  return { pool, authenticator };
}

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** The problem a promise is rejected with. */
async function problem(promise: Promise<unknown>): Promise<SignInProblem> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignInProblem);
  return error as SignInProblem;
}

function expectStep<K extends SignInStep['kind']>(step: SignInStep, kind: K): Extract<SignInStep, { kind: K }> {
  expect(step.kind).toBe(kind);
  return step as Extract<SignInStep, { kind: K }>;
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

describe('TOTP and the endpoint', () => {
  it('computes TOTP codes as RFC 6238 says (the fake pool and the test rely on it)', () => {
    // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s: 94287082 (last six digits).
    expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', new Date(59_000))).toBe('287082');
    expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', new Date(1_111_111_109_000))).toBe('081804');
  });

  it('calls the region\'s public Cognito endpoint, the origin the CSP allows', async () => {
    expect(cognitoIdpOrigin('eu-west-2')).toBe('https://cognito-idp.eu-west-2.amazonaws.com');
    // The library's own choice of endpoint, without a test's: every call goes to that origin (here, nowhere).
    const called: string[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      called.push(new URL(input instanceof Request ? input.url : input).origin);
      throw new TypeError('offline');
    });
    try {
      const authenticator = new CognitoAuthenticator({ region: 'eu-west-2', userPoolId: 'eu-west-2_TestPool1', clientId: 'x' });
      expect((await problem(authenticator.signIn('ana@example.org', PASSWORD))).kind).toBe('unreachable');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(called.length).toBeGreaterThan(0);
    expect(new Set(called)).toEqual(new Set([cognitoIdpOrigin('eu-west-2')]));
  });
});

describe('signing in to Cognito from the console', () => {
  it('signs in with password and authenticator code, and the password never leaves the browser', async () => {
    const { pool, authenticator } = await poolWith([{ email: 'ana@example.org', password: PASSWORD, groups: ['researcher'], totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }]);

    const step = expectStep(await authenticator.signIn('ana@example.org', PASSWORD), 'enter-code');
    const done = expectStep(await step.submit(totp('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', new Date())), 'signed-in');

    expect(done.session.role).toBe('researcher');
    expect(done.session.token).toBe(pool.issued[0]!.accessToken);
    expect(done.session.refreshToken).toBe(pool.issued[0]!.refreshToken);
    expect(Date.parse(done.session.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    expect(payloadOf(done.session.token).token_use).toBe('access');
    expect(pool.calls.map((c) => `${c.operation}${c.body.AuthFlow ? ` ${c.body.AuthFlow}` : ''}${c.body.ChallengeName ? ` ${c.body.ChallengeName}` : ''}`)).toEqual([
      'InitiateAuth USER_SRP_AUTH',
      'RespondToAuthChallenge PASSWORD_VERIFIER',
      'RespondToAuthChallenge SOFTWARE_TOKEN_MFA',
    ]);
    for (const call of pool.calls) expect(call.raw).not.toContain(PASSWORD);
    // The challenges answer as Cognito's internal user name, not the email typed in.
    expect(pool.calls[1]!.body.ChallengeResponses.USERNAME).toBe(pool.users.get('ana@example.org')!.username);
  });

  it('refuses a wrong password as "not recognised", and an unknown email the same way', async () => {
    const { authenticator } = await poolWith([{ email: 'ana@example.org', password: PASSWORD, groups: ['admin'], totpSecret: 'JBSWY3DPEHPK3PXP' }]);

    const wrong = await problem(authenticator.signIn('ana@example.org', `${PASSWORD}x`));
    const unknown = await problem(authenticator.signIn('nobody@example.org', PASSWORD));

    expect(wrong.kind).toBe('not-recognised');
    expect(unknown.kind).toBe('not-recognised');
    expect(unknown.message).toBe(wrong.message);
  });

  it('replaces a temporary password, sets up an authenticator app, and asks for its code from then on', async () => {
    const { pool, authenticator } = await poolWith([{ email: 'new@example.org', password: 'Temporary-Pass-1', mustChangePassword: true, groups: ['analyst'] }]);

    // The temporary password only lets you choose your own; the pool's policy decides what is allowed.
    const choose = expectStep(await authenticator.signIn('new@example.org', 'Temporary-Pass-1'), 'choose-password');
    expect(choose.rules).toBe(COGNITO_PASSWORD_RULES);
    const weak = await problem(choose.submit('all lower case words'));
    expect(weak.kind).toBe('password-rejected');
    expect(weak.message).toMatch(/uppercase/);

    // MFA is required and none is set up yet: the app's secret, as text and as an otpauth: URI for a QR code.
    const setUp = expectStep(await choose.submit(PASSWORD), 'set-up-authenticator');
    expect(setUp.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setUp.otpauthUri).toBe(`otpauth://totp/Pont%3Anew%40example.org?secret=${setUp.secret}&issuer=Pont`);
    expect((await problem(setUp.submit('000000'))).kind).toBe('wrong-code');
    const done = expectStep(await setUp.submit(totp(setUp.secret, new Date())), 'signed-in');
    expect(done.session.role).toBe('analyst');
    expect(pool.calls.map((c) => c.operation)).toEqual([
      'InitiateAuth',
      'RespondToAuthChallenge',
      'RespondToAuthChallenge',
      'RespondToAuthChallenge',
      'AssociateSoftwareToken',
      'VerifySoftwareToken',
      'VerifySoftwareToken',
      'RespondToAuthChallenge',
    ]);
    expect(pool.calls.at(-1)!.body).toMatchObject({ ChallengeName: 'MFA_SETUP', ChallengeResponses: { USERNAME: pool.users.get('new@example.org')!.username } });

    // The next sign-in uses the new password and asks for a code; the temporary one no longer works.
    expect((await problem(authenticator.signIn('new@example.org', 'Temporary-Pass-1'))).kind).toBe('not-recognised');
    const again = expectStep(await authenticator.signIn('new@example.org', PASSWORD), 'enter-code');
    expect((await problem(again.submit('123456'))).kind).toBe('wrong-code');
    expectStep(await again.submit(totp(setUp.secret, new Date())), 'signed-in');
    // A used-up sign-in cannot be answered again.
    expect((await problem(again.submit(totp(setUp.secret, new Date())))).kind).toBe('expired');
  });

  it('refuses to start a session for an account in no role group', async () => {
    const { authenticator } = await poolWith([{ email: 'ana@example.org', password: PASSWORD, groups: [], totpSecret: 'JBSWY3DPEHPK3PXP' }]);
    const step = expectStep(await authenticator.signIn('ana@example.org', PASSWORD), 'enter-code');
    expect((await problem(step.submit(totp('JBSWY3DPEHPK3PXP', new Date())))).kind).toBe('no-role');
  });

  it('renews a session with its refresh token, and signing out revokes it', async () => {
    const { pool, authenticator } = await poolWith([{ email: 'ana@example.org', password: PASSWORD, groups: ['admin'], totpSecret: 'JBSWY3DPEHPK3PXP' }]);
    const step = expectStep(await authenticator.signIn('ana@example.org', PASSWORD), 'enter-code');
    const { session } = expectStep(await step.submit(totp('JBSWY3DPEHPK3PXP', new Date())), 'signed-in');

    const renewed = await authenticator.renew(session);
    expect(renewed.token).not.toBe(session.token);
    expect(renewed.token).toBe(pool.issued.at(-1)!.accessToken);
    expect(renewed.refreshToken).toBe(session.refreshToken);
    expect(renewed.role).toBe('admin');

    await authenticator.signOut(renewed);
    expect(pool.revoked.has(session.refreshToken!)).toBe(true);
    expect((await problem(authenticator.renew(renewed))).kind).toBe('expired');
  });

  it('says the service cannot be reached when nothing answers', async () => {
    const { pool } = await poolWith([]);
    const endpoint = pool.endpoint;
    await pool.close();
    const authenticator = new CognitoAuthenticator(
      { region: 'eu-west-2', userPoolId: 'eu-west-2_TestPool1', clientId: 'x' },
      { now: () => new Date(), endpoint },
    );
    expect((await problem(authenticator.signIn('ana@example.org', PASSWORD))).kind).toBe('unreachable');
  });
});
