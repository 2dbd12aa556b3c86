/**
 * The embedded platform running on this machine, as it announces itself at
 * start in <PONT_DATA_DIR>/platform.json (infra/local/platform.ts; removed at
 * stop): how the tools find it, on whatever port it runs, without being told.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from './instrument-files.js';

export const PlatformFile = z.object({ url: z.string(), dynamodbEndpoint: z.url(), tableName: z.string(), identityTableName: z.string() });
export type PlatformFile = z.infer<typeof PlatformFile>;

export function platformFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.PONT_DATA_DIR || join(REPO_ROOT, '.data'), 'platform.json');
}

/** The running platform, or undefined when none has announced itself (or the file is not one it wrote). */
export function runningPlatform(env: NodeJS.ProcessEnv = process.env): PlatformFile | undefined {
  const file = platformFilePath(env);
  if (!existsSync(file)) return undefined;
  try {
    return PlatformFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}
