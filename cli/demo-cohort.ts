/**
 * npm run pont -- demo-cohort [--participants 10000] [--waves 3] [--study demo-cohort] [--seed pont]
 *
 * Fills a new study with a synthetic cohort (cli/synthetic-cohort.ts),
 * writing straight to DynamoDB: 10,000 participants are well over 100,000
 * items, far beyond what the API can take within its 30 s limit. Where it writes:
 *   TABLE_NAME (and DYNAMODB_ENDPOINT for DynamoDB Local) from the environment;
 *     without DYNAMODB_ENDPOINT that is the table in AWS, with the default credentials;
 *   otherwise the embedded platform that is running: <PONT_DATA_DIR>/platform.json (default .data).
 * It only ever creates a study: an existing one, synthetic or not, is refused and left as it is.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { config, reloadConfig } from '../functions/config.js';
import {
  cohortDesign,
  DEFAULT_SEED,
  DEMO_COHORT_CONSENT_VERSION,
  DEMO_COHORT_INSTRUMENTS,
  DEMO_COHORT_TITLE,
  syntheticParticipants,
  type CohortOptions,
} from './synthetic-cohort.js';
import type { InstrumentVersion } from '../functions/domain/instrument.js';
import { recordAudit } from '../functions/storage/audit.js';
import { batchWriteItems, itemsOfSyntheticParticipant } from './bulk-load.js';
import { getInstrumentVersion } from '../functions/storage/instruments.js';
import { firstOwner, type StoredMember } from '../functions/storage/members.js';
import { AlreadyExists, createStudyWithConsent, createWave, getStudy } from '../functions/storage/studies.js';
import { getLocalUser } from '../functions/storage/users.js';
import { ADMIN_EMAIL, DEMO_CONSENT_TEXT, DEMO_SUPPORT_CONTACTS, publishShippedInstruments } from '../infra/local/seed.js';
import { INSTRUMENTS_DIR, REPO_ROOT } from './instrument-files.js';
import { platformFilePath, runningPlatform } from './running-platform.js';

export const DEFAULT_STUDY_ID = 'demo-cohort';
/** The audit log's actor for this tool: it runs with database access, not as a signed-in researcher. */
const AUDIT_ACTOR = 'cli:demo-cohort';
const MAX_PARTICIPANTS = 100_000;
const MAX_WAVES = 5;

export class DemoCohortRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoCohortRefused';
  }
}

export type DemoCohortRequest = { studyId: string; participants: number; waves: number; seed: string; now?: Date; concurrency?: number };
export type DemoCohortProgress = { participants: number; items: number };
export type DemoCohortResult = { studyId: string; participants: number; waves: number; items: number; seconds: number };

/**
 * Publishes the shipped instrument versions (a no-op when they are), creates
 * the study (marked synthetic), its consent text and waves through the normal
 * storage functions, then bulk-loads the participants. The study's creation
 * is conditional, so it claims the id before anything else is written.
 */
export async function createDemoCohort(request: DemoCohortRequest, onProgress?: (progress: DemoCohortProgress) => void): Promise<DemoCohortResult> {
  const started = Date.now();
  const { studyId } = request;
  await refuseExistingStudy(studyId);
  await publishShippedInstruments(INSTRUMENTS_DIR, DEMO_COHORT_INSTRUMENTS);
  // The published versions, exactly as the server validates answers against them.
  const instruments = await Promise.all(
    DEMO_COHORT_INSTRUMENTS.map(async (pin) => (await getInstrumentVersion(pin.id, pin.version)) as InstrumentVersion),
  );
  const options: CohortOptions = { ...request, now: request.now ?? new Date(), instruments };
  const design = cohortDesign(options);

  try {
    await createStudyWithConsent(
      { studyId, title: DEMO_COHORT_TITLE, supportContacts: DEMO_SUPPORT_CONTACTS, attributes: design.attributes, disclosureControl: design.disclosureControl, synthetic: true, createdAt: design.createdAt },
      { studyId, version: DEMO_COHORT_CONSENT_VERSION, text: DEMO_CONSENT_TEXT, createdAt: design.createdAt },
      await embeddedAdminAsOwner(studyId, design.createdAt),
    );
  } catch (error) {
    if (error instanceof AlreadyExists) throw new DemoCohortRefused(`Study ${studyId} was created meanwhile; nothing was changed`);
    throw error;
  }
  for (const wave of design.waves) await createWave(wave);

  let participants = 0;
  let written = 0;
  const cohortItems = function* () {
    for (const participant of syntheticParticipants(options, design)) {
      participants += 1;
      yield* itemsOfSyntheticParticipant(participant);
    }
  };
  try {
    await batchWriteItems(cohortItems(), {
      ...(request.concurrency ? { concurrency: request.concurrency } : {}),
      onProgress: (items) => {
        written = items;
        onProgress?.({ participants, items });
      },
    });
  } catch (error) {
    throw new Error(
      `Writing the cohort stopped after ${written} items, so study ${studyId} is incomplete; generate another with a new --study id. ` +
        `(${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const items = written;

  await recordAudit({
    scope: studyId,
    actor: AUDIT_ACTOR,
    action: 'study.synthetic_cohort_generated',
    detail: { participants: request.participants, waves: request.waves, seed: request.seed, items },
  });
  return { studyId, participants: request.participants, waves: request.waves, items, seconds: (Date.now() - started) / 1000 };
}

async function refuseExistingStudy(studyId: string): Promise<void> {
  const existing = await getStudy(studyId);
  if (!existing) return;
  throw new DemoCohortRefused(
    existing.synthetic
      ? `Study ${studyId} already holds a synthetic cohort. Choose another id with --study; the existing one is left as it is.`
      : `Study ${studyId} exists and is not synthetic: demo-cohort never touches it. Choose another id with --study.`,
  );
}

// ---------------------------------------------------------------------------
// The command

const Environment = z.object({
  TABLE_NAME: z.string().min(1).optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  PONT_DATA_DIR: z.string().default(join(REPO_ROOT, '.data')),
});

/** Points the storage modules at the table to fill, and says which it is. */
function useTargetTable(env: NodeJS.ProcessEnv): string {
  const settings = Environment.parse(env);
  if (settings.TABLE_NAME) {
    reloadConfig();
    const { TABLE_NAME, DYNAMODB_ENDPOINT, AWS_REGION } = config();
    return DYNAMODB_ENDPOINT ? `table ${TABLE_NAME} at ${DYNAMODB_ENDPOINT}` : `table ${TABLE_NAME} in AWS (${AWS_REGION})`;
  }
  if (settings.DYNAMODB_ENDPOINT) throw new DemoCohortRefused('DYNAMODB_ENDPOINT is set without TABLE_NAME: set both, or neither to use the running embedded platform');
  const platform = runningPlatform({ ...env, PONT_DATA_DIR: settings.PONT_DATA_DIR });
  if (!platform) {
    throw new DemoCohortRefused(
      `No running Pont found (${platformFilePath({ ...env, PONT_DATA_DIR: settings.PONT_DATA_DIR })} is missing). Start it with npm start, or set TABLE_NAME (and DYNAMODB_ENDPOINT for DynamoDB Local).`,
    );
  }
  // The same variables the embedded platform gives its handlers.
  Object.assign(env, { TABLE_NAME: platform.tableName, DYNAMODB_ENDPOINT: platform.dynamodbEndpoint });
  reloadConfig();
  return `the embedded platform at ${platform.url} (table ${platform.tableName})`;
}

export async function demoCohortCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      participants: { type: 'string', default: '1000' },
      waves: { type: 'string', default: '3' },
      study: { type: 'string', default: DEFAULT_STUDY_ID },
      seed: { type: 'string', default: DEFAULT_SEED },
    },
    allowPositionals: true,
  });
  const participants = Number(values.participants);
  const waves = Number(values.waves);
  const problems = [
    ...(positionals.length ? [`unexpected ${positionals.join(' ')}`] : []),
    ...(Number.isInteger(participants) && participants >= 1 && participants <= MAX_PARTICIPANTS ? [] : [`--participants must be a whole number from 1 to ${MAX_PARTICIPANTS}`]),
    ...(Number.isInteger(waves) && waves >= 1 && waves <= MAX_WAVES ? [] : [`--waves must be a whole number from 1 to ${MAX_WAVES}`]),
    ...(/^[a-z][a-z0-9-]{1,40}$/.test(values.study) ? [] : ['--study must be 2–41 lower-case letters, digits and hyphens, starting with a letter']),
  ];
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\nUsage: npm run pont -- demo-cohort --participants 10000 --waves 3 [--study ${DEFAULT_STUDY_ID}] [--seed ${DEFAULT_SEED}]`);
    return 2;
  }

  try {
    const target = useTargetTable(process.env);
    console.log(`Generating ${participants.toLocaleString('en-GB')} synthetic participants × ${waves} waves into study ${values.study}, ${target}, seed "${values.seed}"…`);
    let shown = 0;
    const result = await createDemoCohort({ studyId: values.study, participants, waves, seed: values.seed }, (progress) => {
      // About every tenth of the cohort: enough to see it move, few enough lines for a log.
      const step = Math.floor((progress.participants * 10) / participants);
      if (step > shown) {
        shown = step;
        console.log(`  ${progress.participants.toLocaleString('en-GB')} participants, ${progress.items.toLocaleString('en-GB')} items written`);
      }
    });
    console.log(
      `✓ Study ${result.studyId}: ${result.participants.toLocaleString('en-GB')} synthetic participants, ${result.waves} waves, ` +
        `${result.items.toLocaleString('en-GB')} items in ${result.seconds.toFixed(1)} s (${Math.round(result.items / result.seconds).toLocaleString('en-GB')} items/s)`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DemoCohortRefused) {
      console.error(`✗ ${error.message}`);
      return 1;
    }
    if ((error as { code?: string }).code === 'ECONNREFUSED') {
      console.error(`✗ Cannot reach DynamoDB at ${config().DYNAMODB_ENDPOINT}. Is Pont running (npm start)?`);
      return 1;
    }
    throw error;
  }
}

/**
 * The synthetic study's owner: the embedded platform's admin account, so that
 * it appears in the console at once. None in AWS (accounts are in Cognito): an
 * admin then adds themselves on the study's members page.
 */
async function embeddedAdminAsOwner(studyId: string, at: string): Promise<StoredMember | undefined> {
  const admin = await getLocalUser(ADMIN_EMAIL);
  return admin ? firstOwner(studyId, admin, at) : undefined;
}
