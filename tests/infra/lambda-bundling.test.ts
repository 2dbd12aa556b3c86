/**
 * The Lambda bundles swap the SDK's full credential chain for the environment
 * alone (infra/aws/bundling.ts LAMBDA_ALIASES): prove a bundled client still
 * finds the function role's credentials where Lambda puts them, and that the
 * chain's other providers really are gone from the bundle.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { deployedRoutes, routes } from '../../functions/routes.js';
import { LAMBDA_BUNDLING, lambdaEsbuildOptions } from '../../infra/aws/bundling.js';
import { REPO_ROOT } from '../../infra/local/platform.js';

const dir = mkdtempSync(join(tmpdir(), 'pont-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function bundle(source: string, entry = join(dir, 'entry.ts')) {
  if (source) writeFileSync(entry, source);
  const outfile = join(dir, 'out.js');
  const result = await build({
    ...lambdaEsbuildOptions(entry, outfile, REPO_ROOT),
    nodePaths: [join(REPO_ROOT, 'node_modules')],
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  // The modules that put code in the bundle (metafile.inputs also lists those tree-shaken away).
  const inputs = Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path);
  return { outfile, inputs, bytes: output.bytes };
}

describe('Lambda bundling', () => {
  it('passes the aliases to NodejsFunction as esbuild arguments', () => {
    expect(LAMBDA_BUNDLING.esbuildArgs).toEqual({ '--alias:@aws-sdk/credential-provider-node': './infra/aws/lambda-credentials.ts' });
  });

  it("gives a bundled DynamoDB client the role's credentials from the environment, without the rest of the chain", async () => {
    const { outfile, inputs } = await bundle(
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n" +
        "new DynamoDBClient({ region: 'eu-west-2' }).config.credentials().then((credentials) =>\n" +
        '  console.log(JSON.stringify({ id: credentials.accessKeyId, session: credentials.sessionToken })));\n',
    );
    expect(inputs.some((input) => input.includes('credential-provider-env'))).toBe(true);
    for (const gone of ['credential-provider-ini', 'credential-provider-sso', 'credential-provider-web-identity', 'nested-clients', 'credential-provider-imds']) {
      expect(inputs.filter((input) => input.includes(gone))).toEqual([]);
    }

    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', AWS_ACCESS_KEY_ID: 'ASIAROLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' };
    expect(JSON.parse(execFileSync(process.execPath, [outfile], { env }).toString())).toEqual({ id: 'ASIAROLE', session: 'session' });
    // Without them it fails plainly rather than wandering off to other sources.
    expect(() => execFileSync(process.execPath, [outfile], { env: { PATH: env.PATH }, stdio: 'pipe' })).toThrow(/Unable to find environment variable credentials/);
  });

  it('keeps the link-opening bundle to the DynamoDB commands it uses (no aggregated client, no credential chain, no researcher sign-in)', async () => {
    const { inputs, bytes } = await bundle('', join(REPO_ROOT, 'functions/handlers/open-link.ts'));
    // A module reached only through a lazy import() is wrapped by esbuild with everything it imports: once the
    // session check took the DynamoDB client down that path, every command of the client came along (+56 KB).
    expect(inputs.filter((input) => input.endsWith('client-dynamodb/dist-es/DynamoDB.js'))).toEqual([]);
    expect(inputs.filter((input) => input.includes('nested-clients'))).toEqual([]);
    // Respondent routes never check a researcher's token (http/api-handler.ts against researcher-handler.ts).
    for (const researcherOnly of ['node_modules/jose/', 'functions/auth/', 'functions/storage/users.ts']) {
      expect(inputs.filter((input) => input.includes(researcherOnly))).toEqual([]);
    }
    expect(bytes).toBeLessThan(270_000);
  });

  it("keeps the password dictionaries (zxcvbn, megabytes) out of every deployed function's bundle", async () => {
    // One build of every deployed handler (outfile swapped for an outdir): each output lists the modules in it.
    const { outfile: _outfile, ...options } = lambdaEsbuildOptions('', '', REPO_ROOT);
    const handlers = [...new Set([...deployedRoutes.map((route) => route.handler), 'change-password'])];
    const result = await build({
      ...options,
      entryPoints: Object.fromEntries(handlers.map((handler) => [handler, join(REPO_ROOT, 'functions', 'handlers', `${handler}.ts`)])),
      outdir: join(dir, 'all'),
      write: false,
      sourcemap: false,
      nodePaths: [join(REPO_ROOT, 'node_modules')],
      metafile: true,
      logLevel: 'silent',
    });
    const withDictionaries = (handler: string) => {
      const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith(`/all/${handler}.js`))![1];
      return Object.keys(output.inputs).some((input) => input.includes('@zxcvbn-ts/') || input.includes('functions/domain/password-strength.ts'));
    };

    // The one handler that needs them is embedded-only: never deployed.
    expect(routes.find((route) => route.handler === 'change-password')?.embeddedOnly).toBe(true);
    expect(withDictionaries('change-password')).toBe(true);
    expect(deployedRoutes.length).toBeGreaterThan(20);
    expect(deployedRoutes.filter((route) => withDictionaries(route.handler)).map((route) => route.name)).toEqual([]);
  });
});

