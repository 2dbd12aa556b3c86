/**
 * Embedded mode beyond one machine (issue #19, item 10): a host other than
 * loopback is refused unless TLS is given or a TLS proxy is stated, before
 * anything starts; with a certificate, Pont serves HTTPS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExposureRefused, isLoopbackHost, REPO_ROOT, startPlatform } from '../../infra/local/platform.js';

const dir = mkdtempSync(join(tmpdir(), 'pont-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate for localhost, made by openssl as an operator would. */
function certificate(name: string): { cert: Buffer; key: Buffer; certFile: string; keyFile: string } {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), certFile, keyFile };
}

/** `npm start`'s own entry point, as a user runs it (without the web build in front). */
function start(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', '--in-memory', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', PONT_DATA_DIR: join(dir, 'data'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('listening beyond this machine', () => {
  it('tells loopback hosts from the rest', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'].filter(isLoopbackHost)).toHaveLength(6);
    expect(['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'pont.lan', '::ffff:10.0.0.1', '128.0.0.1'].filter(isLoopbackHost)).toEqual([]);
  });

  it('refuses HOST=0.0.0.0 without TLS, saying why and what to do, before anything starts', () => {
    const run = start([], { HOST: '0.0.0.0' });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('HOST=0.0.0.0 would serve personal links');
    expect(run.stderr).toContain('--tls-cert');
    expect(run.stderr).toContain('--behind-tls-proxy');
    expect(run.stdout).not.toContain('Pont is running');
  });

  it('refuses a proxy address that is not https, half a certificate, and a key that does not match', async () => {
    const one = certificate('one');
    const other = certificate('other');

    const proxy = start(['--behind-tls-proxy', 'http://pont.example.org'], { HOST: '0.0.0.0' });
    const half = start(['--tls-cert', one.certFile], { HOST: '0.0.0.0' });
    const unreadable = start(['--tls-cert', join(dir, 'missing.crt'), '--tls-key', one.keyFile], { HOST: '0.0.0.0' });

    expect([proxy.status, half.status, unreadable.status]).toEqual([1, 1, 1]);
    expect(proxy.stderr).toContain('--behind-tls-proxy must be the https address');
    expect(half.stderr).toContain('Give both --tls-cert and --tls-key');
    expect(unreadable.stderr).toContain('cannot be read');
    await expect(startPlatform({ port: 0, host: '0.0.0.0', seed: false, tls: { cert: one.cert, key: other.key } })).rejects.toThrow(ExposureRefused);
    await expect(startPlatform({ port: 0, host: '0.0.0.0', seed: false })).rejects.toThrow(/plain HTTP/);
  });

  it('serves HTTPS on every interface with a certificate, and plain HTTP behind a stated proxy', async () => {
    const { cert, key } = certificate('serve');
    const secure = await startPlatform({ port: 0, host: '0.0.0.0', seed: false, tls: { cert, key } });
    try {
      expect(secure.url).toMatch(/^https:\/\/localhost:\d+$/);
      const answer = await new Promise<{ status: number; body: string }>((done, fail) => {
        const req = request(`${secure.url}/api/s/abcdefghijklmnopqrstuvwx`, { ca: cert }, (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => done({ status: response.statusCode!, body }));
        });
        req.on('error', fail);
        req.end();
      });
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body).error.code).toBe('link_not_valid');
      // Plain HTTP on that port gets nothing.
      await expect(fetch(secure.url.replace('https:', 'http:'))).rejects.toThrow();
    } finally {
      await secure.stop();
    }

    const proxied = await startPlatform({ port: 0, host: '0.0.0.0', seed: false, behindTlsProxy: 'https://pont.example.org/' });
    try {
      expect((await fetch(`${proxied.url}/api/s/abcdefghijklmnopqrstuvwx`)).status).toBe(404);
      // Personal links in emails point at the proxy.
      expect(process.env.PUBLIC_WEB_URL).toBe('https://pont.example.org');
    } finally {
      await proxied.stop();
    }
  });
});
