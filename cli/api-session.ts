/**
 * How the researcher tools reach a running Pont: its URL and a researcher token.
 *   PONT_URL       default: the embedded platform running on this machine, on
 *                  whatever port (running-platform.ts), else http://localhost:3000
 *   PONT_TOKEN     a researcher JWT (AWS: from Cognito), used as it is; or
 *   PONT_EMAIL / PONT_PASSWORD   embedded sign-in (the password is asked for when not set)
 */
import { createInterface } from 'node:readline/promises';
import { ApiError } from '../functions/contracts/common.js';
import { SignInResult } from '../functions/contracts/researcher.js';
import { runningPlatform } from './running-platform.js';

export type ApiSession = { url: string; token: string };

export async function openSession(options: { url?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ApiSession> {
  const env = options.env ?? process.env;
  const url = platformUrl(options, env);
  if (env.PONT_TOKEN) return { url, token: env.PONT_TOKEN };
  const email = env.PONT_EMAIL || 'admin@pont.local';
  const password = env.PONT_PASSWORD || (await ask(`Password for ${email} at ${url}: `));
  const response = await reach(url, '/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = await response.json();
  if (response.status === 403 && ApiError.safeParse(body).data?.error.code === 'password_change_required') {
    throw new Error(`${email} has a temporary password: sign in at ${url}/console once to choose your own, then use that one here.`);
  }
  if (!response.ok) throw new Error(`Sign-in failed: ${errorMessage(body, response.status)}`);
  return { url, token: SignInResult.parse(body).token };
}

/** A variable set to nothing (`export PONT_URL=`) counts as not set. */
export function platformUrl(options: { url?: string }, env: NodeJS.ProcessEnv): string {
  return (options.url || env.PONT_URL || runningPlatform(env)?.url || 'http://localhost:3000').replace(/\/$/, '');
}

export async function reach(url: string, path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(`${url}${path}`, init);
  } catch {
    throw new Error(`Cannot reach Pont at ${url}. Is it running (npm start)? Set PONT_URL for another address.`);
  }
}

export function errorMessage(body: unknown, status: number): string {
  const parsed = ApiError.safeParse(body);
  if (!parsed.success) return `HTTP ${status}`;
  const details = parsed.data.error.details?.map((d) => `\n    ${d.path}: ${d.message}`).join('') ?? '';
  return `${parsed.data.error.message}${details}`;
}

async function ask(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new Error('Set PONT_PASSWORD (or PONT_TOKEN) to sign in without a terminal');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
