/**
 * The account directory in AWS mode (functions/auth/user-directory.ts): adding
 * a study member looks the account up by email, creating a study names its
 * creator by subject id, both in the Cognito user pool. Run against the fake
 * user pool API over real HTTP (tests/support/fake-cognito.ts), through the real
 * SDK client, so the wire format, the filter and its escaping are exercised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterValue, userDirectory, userPoolOf } from '../../functions/auth/user-directory.js';
import { reloadConfig } from '../../functions/config.js';
import type { UserSummary } from '../../functions/contracts/researcher.js';
import { startFakeCognito, type FakeCognito } from '../support/fake-cognito.js';

const PASSWORD = 'Correct-horse-9';
const ODD = 'odd"quote\\slash@example.org';

let fake: FakeCognito;
const saved = { ...process.env };
const sub = (email: string) => fake.users.get(email.toLowerCase())!.username;
/** The filters ListUsers was sent, in order. */
const filters = () => fake.calls.filter((c) => c.operation === 'ListUsers').map((c) => String(c.body.Filter));

beforeAll(async () => {
  fake = await startFakeCognito({
    users: [
      { email: 'ada@example.org', password: PASSWORD, groups: ['researcher'] },
      { email: 'grace@example.org', password: PASSWORD, groups: ['analyst', 'instrument-author'], mustChangePassword: true },
      { email: 'edsger@example.org', password: PASSWORD, groups: ['admin'], disabled: true },
      { email: 'barbara@example.org', password: PASSWORD, groups: ['researcher', 'admin'] },
      { email: 'alan@example.org', password: PASSWORD, groups: ['instrument-author'] },
      { email: 'adalovelace@example.org', password: PASSWORD, groups: ['admin'] },
      { email: ODD, password: PASSWORD, groups: ['researcher'] },
    ],
  });
  Object.assign(process.env, {
    // The directory never touches the table; the configuration requires a name all the same.
    TABLE_NAME: 'not-used',
    AWS_REGION: 'eu-west-2',
    AUTH_MODE: 'cognito',
    COGNITO_ISSUER: `https://cognito-idp.eu-west-2.amazonaws.com/${fake.userPoolId}`,
    COGNITO_CLIENT_ID: fake.clientId,
    COGNITO_ENDPOINT: fake.endpoint,
    // The SDK signs its requests; the fake does not check the signature.
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  delete process.env.DYNAMODB_ENDPOINT;
  reloadConfig();
});

afterAll(async () => {
  process.env = saved;
  await fake?.close();
});

describe('the Cognito account directory', () => {
  it('takes the user pool and its region from the token issuer', () => {
    expect(userPoolOf('https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbC123')).toEqual({ region: 'eu-west-2', userPoolId: 'eu-west-2_AbC123' });
    expect(() => userPoolOf('https://example.org/eu-west-2_AbC123')).toThrow(/does not name a user pool/);
    expect(() => userPoolOf('https://cognito-idp.eu-west-2.amazonaws.com/')).toThrow(/does not name a user pool/);
  });

  it('finds an active account by email: its subject id (the tokens\' sub), role and status', async () => {
    const found = await userDirectory().findByEmail('ada@example.org');
    expect(found).toEqual({ userId: sub('ada@example.org'), email: 'ada@example.org', role: 'researcher', status: 'active', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } satisfies UserSummary);
    expect(found).not.toHaveProperty('instrumentAuthor');
    const lookups = fake.calls.filter((c) => c.operation === 'ListUsers' || c.operation === 'AdminListGroupsForUser');
    expect(lookups.at(-2)!.body).toMatchObject({ UserPoolId: fake.userPoolId, Filter: 'email = "ada@example.org"' });
    expect(lookups.at(-1)!.body).toMatchObject({ UserPoolId: fake.userPoolId, Username: sub('ada@example.org') });
  });

  it('says invited for an account whose temporary password is not replaced yet, and reads the instrument author group', async () => {
    expect(await userDirectory().findByEmail('grace@example.org')).toMatchObject({ userId: sub('grace@example.org'), role: 'analyst', status: 'invited', instrumentAuthor: true });
  });

  it('says disabled for a disabled account (adding it as a member is then refused)', async () => {
    expect(await userDirectory().findByEmail('edsger@example.org')).toMatchObject({ userId: sub('edsger@example.org'), role: 'admin', status: 'disabled' });
  });

  it('takes the role group of lowest precedence for an account in two, and treats an account in no role group as not found', async () => {
    expect(await userDirectory().findByEmail('barbara@example.org')).toMatchObject({ role: 'admin' });
    expect(await userDirectory().findByEmail('alan@example.org')).toBeUndefined();
  });

  it('matches the email exactly, whatever its case, and answers undefined for an unknown one', async () => {
    expect(await userDirectory().findByEmail('Ada@Example.ORG')).toMatchObject({ userId: sub('ada@example.org'), email: 'ada@example.org' });
    expect(await userDirectory().findByEmail('nobody@example.org')).toBeUndefined();
    // A prefix of two accounts' addresses is neither of them.
    expect(await userDirectory().findByEmail('ada')).toBeUndefined();
  });

  it('describes an account by its subject id, as findByEmail does, and undefined for an unknown one', async () => {
    const byEmail = await userDirectory().findByEmail('grace@example.org');
    expect(await userDirectory().describe(sub('grace@example.org'))).toEqual(byEmail);
    expect(filters().at(-1)).toBe(`sub = "${sub('grace@example.org')}"`);
    expect(await userDirectory().describe('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    // Not in a role group: it could not have made a study through Pont.
    expect(await userDirectory().describe(sub('alan@example.org'))).toBeUndefined();
  });

  it('escapes " and \\ in the filter: an address holding them is found, and none can widen the filter', async () => {
    expect(filterValue('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(await userDirectory().findByEmail(ODD)).toMatchObject({ userId: sub(ODD), email: ODD });

    const hostile = ['"', '\\', 'ada@example.org\\', 'ada@example.org" ', 'x" ^= "ada', '" ^= "', 'ada" or email ^= "', 'odd\\"quote\\\\slash@example.org', 'odd"quote'];
    for (const email of hostile) {
      const before = filters().length;
      expect(await userDirectory().findByEmail(email), email).toBeUndefined();
      // Exactly one exact-match filter on email, whose value, unescaped, is the address given: nothing more.
      const sent = filters().slice(before);
      expect(sent, email).toHaveLength(1);
      const parsed = /^email = "((?:[^"\\]|\\["\\])*)"$/.exec(sent[0]!);
      expect(parsed, `${email} → ${sent[0]}`).not.toBeNull();
      expect(parsed![1]!.replace(/\\(["\\])/g, '$1'), email).toBe(email);
    }
  });
});
