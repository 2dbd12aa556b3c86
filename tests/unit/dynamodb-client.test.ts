/** The DynamoDB client: signed requests to AWS, a fixed header to DynamoDB Local, and no logger step. */
import { afterEach, describe, expect, it } from 'vitest';
import { reloadConfig } from '../../functions/config.js';
import { db, DYNAMODB_LOCAL_AUTH } from '../../functions/storage/client.js';

// Each test file has its own module state: the configuration read here stays in this file.
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function clientFor(env: Record<string, string | undefined>) {
  process.env = { ...saved, TABLE_NAME: 'PontTable', ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete process.env[name];
  reloadConfig();
  const client = db();
  const schemes = (client.config as unknown as { httpAuthSchemes: { schemeId: string }[] }).httpAuthSchemes.map((s) => s.schemeId);
  return { client, schemes };
}

describe('the DynamoDB client', () => {
  it('signs every request with SigV4 in AWS, where no endpoint is set', () => {
    const { schemes } = clientFor({ DYNAMODB_ENDPOINT: undefined });
    expect(schemes).toEqual(['aws.auth#sigv4']);
  });

  it('skips signing only for DynamoDB Local, at an endpoint set explicitly', () => {
    const { schemes } = clientFor({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' });
    expect(schemes).toEqual([DYNAMODB_LOCAL_AUTH]);
  });

  it('has no logger step, which would copy every input (answers included) for a logger', () => {
    for (const endpoint of [undefined, 'http://127.0.0.1:8000']) {
      const { client } = clientFor({ DYNAMODB_ENDPOINT: endpoint });
      const steps = client.middlewareStack.identify().join('\n');
      expect(steps).toContain('retryMiddleware');
      expect(steps).not.toContain('loggerMiddleware');
    }
  });
});
