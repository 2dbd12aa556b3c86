/**
 * The embedded platform as `npm start` runs it, in a child process we can kill:
 * infra/local/start.ts under node's tsx loader (not the tsx CLI, which would
 * put a second process between us and the server), with its data on disk.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../../../infra/local/platform.js';

export type ApiProcess = {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The temporary admin password, printed on the first start only. */
  adminPassword?: string;
  child: ChildProcess;
  output: () => string;
};

export function startApiProcess(options: { dataDir: string; port: number }): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PONT_DATA_DIR: options.dataDir, PORT: String(options.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`The platform did not start within 90 s:\n${output}`)), 90_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('exit', (code, signal) => fail(new Error(`The platform exited (${code ?? signal}) before it was ready:\n${output}`)));
    const onData = () => {
      // start.ts prints the whole banner in one write once the server listens.
      const running = /Pont is running at http:\/\/[^:\s]+:(\d+)/.exec(output);
      if (!running) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.off('data', onData);
      const password = /with the temporary password (\S+)/.exec(output)?.[1];
      resolve({ url: `http://127.0.0.1:${running[1]}`, ...(password ? { adminPassword: password } : {}), child, output: () => output });
    };
    child.stdout.on('data', onData);
  });
}

/** Sends a signal and waits for the process to be gone. */
export async function stopApiProcess(api: ApiProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const { child } = api;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill(signal);
  await exited;
}

/** Process ids of every process whose command line mentions `text` (e.g. a DynamoDB Local on our data dir). */
export function processesMentioning(text: string): number[] {
  const result = spawnSync('pgrep', ['-f', text], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean).map(Number);
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
