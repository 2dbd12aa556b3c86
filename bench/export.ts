/**
 * Dataset export at scale (issues #6 and #24): 10,000 participants × 3 waves ×
 * 60 items, every participant exported, end to end, against the floor it
 * cannot beat: a bare paginated DynamoDB Query over the same items; and the
 * same design with 2,500 participants, so that how the export's time and
 * peak memory grow with the cohort shows (memory should not).
 *
 * The demo cohort (npm run pont -- demo-cohort) asks 34 items a wave and loses
 * participants to drop-out, so this bench writes a study of its own: the
 * demo cohort's attributes and waves, the four shipped instruments plus a
 * bench-only one of 26 more questions (60 item columns a wave), and every
 * participant completing every wave. Answers are random but valid, with the
 * context questionnaire's quasi-identifiers drawn unevenly so that small-cell
 * protection has work to do.
 *
 * Run alone with `npx tsx bench/export.ts` (starts its own in-memory platform).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { INSTRUMENTS_DIR } from '../cli/instrument-files.js';
import type { Answers } from '../functions/contracts/respondent.js';
import { cohortDesign, DEMO_COHORT_CONSENT_VERSION, DEMO_COHORT_INSTRUMENTS, randomStream, type Random } from '../cli/synthetic-cohort.js';
import { planVariables } from '../functions/domain/export/variables.js';
import { loadInstrumentText } from '../functions/domain/instrument-check.js';
import type { InstrumentFile, InstrumentVersion } from '../functions/domain/instrument.js';
import { batchWriteItems, type Item } from '../cli/bulk-load.js';
import { getInstrumentVersion, publishInstrumentVersion } from '../functions/storage/instruments.js';
import { participantItem } from '../functions/storage/participants.js';
import { responseItem } from '../functions/storage/responses.js';
import { createStudyWithConsent, createWave, listWaves, type Wave } from '../functions/storage/studies.js';
import { responsePagesOfWave } from '../functions/storage/wave-index.js';
import { REPO_ROOT, startPlatform } from '../infra/local/platform.js';
import { DEMO_CONSENT_TEXT, DEMO_SUPPORT_CONTACTS, publishShippedInstruments } from '../infra/local/seed.js';
import { figure, type Row } from './stats.js';
import { testInstrumentFile } from '../tests/support/instrument-file.js';

const exec = promisify(execFile);
const PARTICIPANTS = Number(process.env.BENCH_EXPORT_PARTICIPANTS ?? 10_000);
/**
 * A smaller cohort of the same study design, exported too, so that how the export's time and peak memory
 * grow with the number of participants shows (issue #24: memory must stay flat).
 */
const SMALL_PARTICIPANTS = Number(process.env.BENCH_EXPORT_SMALL_PARTICIPANTS ?? Math.min(2_500, Math.floor(PARTICIPANTS / 4)));
const WAVES = 3;
const ITEMS_PER_WAVE = 60;
/**
 * Interleaved pairs of a bare Query and an export. Each pair took about 85 s (a Query of 30-36 s, an export
 * of 47-54 s): with 3, the whole bench took 658-676 s, over its 10-minute limit; with 2 the spread of the
 * pairs still shows, and the ratio is judged on each.
 */
const RUNS = 2;
/** Exports of the smaller cohort (about 5 s each), before the pairs. */
const SMALL_RUNS = 2;
const DAY_MS = 86_400_000;

type ExportRun = { ms: number; phases: Record<string, number>; maxRssMB: number; bytes: number; participants: number; responses: number };

export async function benchExport(log: (line: string) => void): Promise<Row[]> {
  const studyId = `bench-export-${Date.now().toString(36)}`;
  const smallStudyId = `${studyId}-small`;
  const generated = await createBenchStudy(studyId, PARTICIPANTS);
  log(`  generated ${generated.items.toLocaleString('en-GB')} items (${generated.itemColumns} item columns a wave) in ${generated.seconds.toFixed(1)} s`);
  const generatedSmall = await createBenchStudy(smallStudyId, SMALL_PARTICIPANTS);
  log(`  generated ${generatedSmall.items.toLocaleString('en-GB')} items of the ${SMALL_PARTICIPANTS.toLocaleString('en-GB')}-participant study in ${generatedSmall.seconds.toFixed(1)} s`);
  const waves = await listWaves(studyId);

  // The floor: the same pages, read and dropped.
  const bareQuery = async (of = waves) => {
    const started = performance.now();
    let items = 0;
    await Promise.all(of.map(async (wave) => {
      for await (const page of responsePagesOfWave(studyId, wave.waveId)) items += page.length;
    }));
    return { ms: performance.now() - started, items };
  };
  const exportOnce = async (of: string) => {
    const { stdout } = await exec(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, 'bench/export-child.ts'), of], { env: process.env, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as ExportRun;
  };
  const phasesOf = (run: ExportRun) => JSON.stringify(run.phases, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v));

  await bareQuery(waves.slice(0, 1)); // warm-up: DynamoDB Local's read path, on a third of the items (a whole pass took 22-40 s)
  const smallExports: ExportRun[] = [];
  for (let run = 0; run < SMALL_RUNS; run++) {
    smallExports.push(await exportOnce(smallStudyId));
    log(`  ${SMALL_PARTICIPANTS.toLocaleString('en-GB')} participants, run ${run + 1}: export ${Math.round(smallExports.at(-1)!.ms)} ms, peak ${Math.round(smallExports.at(-1)!.maxRssMB)} MB; phases began at ${phasesOf(smallExports.at(-1)!)}`);
  }
  const queries: number[] = [];
  const exports: ExportRun[] = [];
  let items = 0;
  for (let run = 0; run < RUNS; run++) {
    // Interleaved, so a slow spell on the shared machine hits both alike.
    const query = await bareQuery();
    queries.push(query.ms);
    items = query.items;
    exports.push(await exportOnce(studyId));
    log(`  run ${run + 1}: query ${Math.round(query.ms)} ms, export ${Math.round(exports.at(-1)!.ms)} ms, peak ${Math.round(exports.at(-1)!.maxRssMB)} MB; phases began at ${phasesOf(exports.at(-1)!)}`);
  }
  const ratios = exports.map((e, i) => e.ms / queries[i]!);
  const last = exports.at(-1)!;
  const lastSmall = smallExports.at(-1)!;
  const scale =
    `${PARTICIPANTS.toLocaleString('en-GB')} participants × ${WAVES} waves × ${generated.itemColumns} items (5 instruments a wave, every wave completed): ` +
    `${items.toLocaleString('en-GB')} responses, ${last.participants.toLocaleString('en-GB')} exported participants, zip ${(last.bytes / 1e6).toFixed(1)} MB`;
  const smallScale =
    `the same design with ${SMALL_PARTICIPANTS.toLocaleString('en-GB')} participants: ${lastSmall.responses.toLocaleString('en-GB')} responses, ` +
    `${lastSmall.participants.toLocaleString('en-GB')} exported participants, zip ${(lastSmall.bytes / 1e6).toFixed(1)} MB`;

  // How peak memory grows with the cohort: each run of the larger cohort against the smaller one's median, per 1,000 participants.
  const smallPeak = figure(smallExports.map((e) => e.maxRssMB)).median;
  const thousands = (PARTICIPANTS - SMALL_PARTICIPANTS) / 1000;
  const growth = figure(exports.map((e) => (e.maxRssMB - smallPeak) / thousands));
  const peak = figure(exports.map((e) => e.maxRssMB)).median;
  const growthInWords =
    growth.median > 0.05
      ? `${growth.median.toFixed(1)} MB per 1,000 participants above it (${Math.round(growth.median)} KB a participant, so 1,024 MB at about ${(Math.round((PARTICIPANTS + ((1024 - peak) / growth.median) * 1000) / 1000) * 1000).toLocaleString('en-GB')})`
      : 'no more at this size: flat in the number of participants';
  // Targets as the issues state them, never moved by the bench: 30 s end to end (the datasets issue) and, since
  // DynamoDB Local's read speed sets the floor (22 s here at 60 items a wave), ≤ 1.5 × the bare Query (issue #24).
  // A Lambda export worker stops at 15 minutes whatever the target says.
  return [
    { area: 'Dataset export', measure: 'Export, end to end (zip ready)', unit: 'ms', figure: figure(exports.map((e) => e.ms)), target: { op: '<=', value: 30_000 }, note: scale },
    { area: 'Dataset export', measure: 'Bare paginated Query over the same items', unit: 'ms', figure: figure(queries), note: 'waves read in parallel, as the export does' },
    { area: 'Dataset export', measure: 'Export ÷ bare Query', unit: 'x', figure: figure(ratios), target: { op: '<=', value: 1.5 } },
    {
      area: 'Dataset export',
      measure: 'Peak memory of the export process',
      unit: 'MB',
      figure: figure(exports.map((e) => e.maxRssMB)),
      target: { op: '<=', value: 1024 },
      note: `max RSS of a Node process doing only the export (a 1 GB Lambda's bound); ${Math.round(smallPeak)} MB at ${SMALL_PARTICIPANTS.toLocaleString('en-GB')} participants, ${growthInWords}`,
    },
    { area: 'Dataset export', measure: `Export of ${SMALL_PARTICIPANTS.toLocaleString('en-GB')} participants, end to end`, unit: 'ms', figure: figure(smallExports.map((e) => e.ms)), note: smallScale },
    { area: 'Dataset export', measure: `Peak memory of the export of ${SMALL_PARTICIPANTS.toLocaleString('en-GB')} participants`, unit: 'MB', figure: figure(smallExports.map((e) => e.maxRssMB)) },
    {
      area: 'Dataset export',
      measure: `Peak memory growth per 1,000 participants (${SMALL_PARTICIPANTS.toLocaleString('en-GB')} to ${PARTICIPANTS.toLocaleString('en-GB')})`,
      unit: 'MB',
      figure: growth,
      note: `each run of ${PARTICIPANTS.toLocaleString('en-GB')} participants against the median of ${SMALL_PARTICIPANTS.toLocaleString('en-GB')}; 0 is flat (the run-to-run spread of a peak is a few MB)`,
    },
  ];
}

// ---------------------------------------------------------------------------
// The bench's study

/**
 * Publishes the instruments, creates the study (marked synthetic) and its
 * waves, and bulk-loads every participant with every wave completed.
 */
export async function createBenchStudy(studyId: string, participants: number): Promise<{ items: number; itemColumns: number; seconds: number }> {
  const started = performance.now();
  const now = new Date();
  await publishShippedInstruments(INSTRUMENTS_DIR, DEMO_COHORT_INSTRUMENTS);
  const shipped = await Promise.all(DEMO_COHORT_INSTRUMENTS.map(async (pin) => (await getInstrumentVersion(pin.id, pin.version)) as InstrumentVersion));
  const shippedColumns = itemColumnsOf(studyId, shipped);
  const extra = benchInstrument(ITEMS_PER_WAVE - shippedColumns);
  await publishInstrumentVersion(extra, now.toISOString());
  const instruments = [...shipped, extra];
  const itemColumns = itemColumnsOf(studyId, instruments);
  if (itemColumns !== ITEMS_PER_WAVE) throw new Error(`bench: the study has ${itemColumns} item columns a wave, not ${ITEMS_PER_WAVE}`);

  // The demo cohort's attributes and waves, each wave pinning the bench instrument too.
  const design = cohortDesign({ studyId, waves: WAVES, now, instruments: shipped });
  const waves: Wave[] = design.waves.map((wave) => ({ ...wave, instruments: [...wave.instruments, { id: extra.id, version: extra.version }] }));
  await createStudyWithConsent(
    { studyId, title: { en: 'Export bench (made-up data)', cy: "Mainc allforio (data wedi'u creu)" }, supportContacts: DEMO_SUPPORT_CONTACTS, attributes: design.attributes, synthetic: true, createdAt: design.createdAt },
    { studyId, version: DEMO_COHORT_CONSENT_VERSION, text: DEMO_CONSENT_TEXT, createdAt: design.createdAt },
    undefined,
  );
  for (const wave of waves) await createWave(wave);

  const baselineOpens = Date.parse((waves[0]!.window as { opensAt: string }).opensAt);
  const attributeValues = Object.fromEntries(design.attributes.map((a) => [a.id, a.values.map((v) => v.value)]));
  function* items(): Generator<Item> {
    const width = Math.max(5, String(participants).length);
    for (let index = 0; index < participants; index++) {
      const random = randomStream(`bench#${index}`);
      const participantCode = `SYN-${String(index + 1).padStart(width, '0')}`;
      const person = {
        localAuthority: skewed(random, attributeValues.local_authority!),
        ageBand: skewed(random, attributeValues.age_band!),
        placement: skewed(random, attributeValues.placement_type!),
        gender: random() < 0.97 ? (random() < 0.5 ? 'woman_or_girl' : 'man_or_boy') : 'non_binary_or_another_way',
        language: random() < 0.2 ? ('cy' as const) : ('en' as const),
      };
      const baselineAt = baselineOpens + Math.floor(random() * 40 * DAY_MS);
      yield participantItem({
        studyId,
        participantCode,
        attributes: { local_authority: person.localAuthority, age_band: person.ageBand, placement_type: person.placement },
        language: person.language,
        baselineCompletedAt: new Date(baselineAt).toISOString(),
        createdAt: design.createdAt,
      });
      for (const [ordinal, wave] of waves.entries()) {
        const completedAt = new Date(baselineAt + (ordinal === 0 ? 0 : Math.round(ordinal * 182.5 + (random() - 0.5) * 40) * DAY_MS)).toISOString();
        for (const instrument of instruments) {
          const answers = instrument.id === 'context' ? contextAnswers(random, person) : answersTo(random, instrument);
          yield responseItem({
            studyId,
            participantCode,
            waveId: wave.waveId,
            instrumentId: instrument.id,
            instrumentVersion: instrument.version,
            contentHash: instrument.contentHash,
            answers,
            status: 'complete',
            language: person.language,
            savedAt: completedAt,
            completedAt,
            revision: 1,
          });
        }
      }
    }
  }
  const written = await batchWriteItems(items());
  return { items: written, itemColumns, seconds: (performance.now() - started) / 1000 };
}

/** The item columns one wave running these instruments has in the wide file. */
function itemColumnsOf(studyId: string, instruments: InstrumentVersion[]): number {
  const plan = planVariables(
    { studyId, title: { en: 'x', cy: 'x' }, attributes: [], waves: [{ waveId: 'baseline', ordinal: 0, name: { en: 'x', cy: 'x' }, instruments }] },
    { includeFreeText: false },
  );
  return plan.wide.filter((v) => v.kind === 'item').length;
}

/** bench-extra: `count` questions, mostly 1–5 agreement ratings and a few string-coded choices, as a study's own questionnaire might be. */
function benchInstrument(count: number): InstrumentVersion {
  const choices = [
    { value: 'yes', text: { en: 'Yes', cy: 'Ydw' } },
    { value: 'no', text: { en: 'No', cy: 'Nac ydw' } },
    { value: 'prefer_not_to_say', text: { en: 'Prefer not to say', cy: "Mae'n well gen i beidio â dweud" } },
  ];
  const elements = Array.from({ length: count }, (_, i) => {
    const name = `bx_item_${String(i + 1).padStart(2, '0')}`;
    const title = { en: `Bench statement ${i + 1}`, cy: `Datganiad mainc ${i + 1}` };
    return i % 5 === 4 ? { type: 'radiogroup', name, title, choices } : { type: 'rating', name, title, rateMin: 1, rateMax: 5 };
  });
  const file: InstrumentFile = testInstrumentFile({
    id: 'bench-extra',
    title: { en: 'Bench questions (made up)', cy: "Cwestiynau mainc (wedi'u creu)" },
    description: { en: 'Questions for the export benchmark only', cy: 'Cwestiynau ar gyfer y meincnod allforio yn unig' },
    source: 'Pont bench (bench/export.ts)',
    survey: { pages: [0, 1].map((page) => ({ name: `page_${page + 1}`, elements: elements.filter((_, i) => i % 2 === page) })) },
  });
  return loadInstrumentText(JSON.stringify(file), 'bench-extra@1.0.0');
}

/** A value of a list, the first ones far more likely than the last (big councils, common bands), so some combinations are rare. */
function skewed(random: Random, values: readonly string[]): string {
  const weights = values.map((_, i) => 1 / (i + 1));
  let roll = random() * weights.reduce((sum, w) => sum + w, 0);
  for (const [i, weight] of weights.entries()) {
    roll -= weight;
    if (roll < 0) return values[i]!;
  }
  return values.at(-1)!;
}

type BenchPerson = { localAuthority: string; ageBand: string; gender: string };

/** Context answers that agree with the attributes, as a participant's would; a few "prefer not to say" and moves. */
function contextAnswers(random: Random, person: BenchPerson): Answers {
  const orPreferNot = (value: string) => (random() < 0.02 ? 'prefer_not_to_say' : value);
  return {
    ctx_age_band: orPreferNot(person.ageBand),
    ctx_gender: person.gender,
    ctx_living_situation: orPreferNot(['foster_carers', 'supported_accommodation', 'own_tenancy', 'family_or_friends'][Math.floor(random() * 4)]!),
    ctx_local_authority: orPreferNot(random() < 0.03 ? 'outside_wales' : person.localAuthority),
    ctx_education_employment: orPreferNot(['in_education', 'in_training', 'in_work', 'looking_for_work'][Math.floor(random() * 4)]!),
  };
}

/** A random valid answer to every rating and choice question of an instrument; "prefer not to say" now and then where offered. */
function answersTo(random: Random, instrument: InstrumentVersion): Answers {
  const answers: Answers = {};
  const walk = (elements: unknown) => {
    for (const element of (elements ?? []) as Record<string, any>[]) {
      if (element.type === 'panel') walk(element.elements);
      else if (element.type === 'rating') {
        const values: unknown[] = element.rateValues?.length ? element.rateValues.map((v: any) => v.value ?? v) : range(element.rateMin ?? 1, element.rateMax ?? 5);
        answers[element.name] = values[Math.floor(random() * values.length)] as number;
      } else if (element.type === 'radiogroup' || element.type === 'dropdown') {
        const values = (element.choices as any[]).map((c) => c.value ?? c);
        const answerable = values.filter((v) => v !== 'prefer_not_to_say' && v !== 'not_applicable');
        const special = values.filter((v) => !answerable.includes(v));
        answers[element.name] = special.length > 0 && random() < 0.03 ? special[0] : answerable[Math.floor(random() * answerable.length)];
      }
    }
  };
  for (const page of (instrument.survey.pages ?? []) as { elements?: unknown }[]) walk(page.elements);
  return answers;
}

function range(min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const platform = await startPlatform({ port: 0, host: '127.0.0.1', seed: false });
  try {
    const rows = await benchExport(console.log);
    for (const row of rows) console.log(`${row.measure}: median ${row.figure.median.toFixed(2)} ${row.unit} (runs ${row.figure.runs.map((r) => r.toFixed(1)).join(', ')})${row.note ? `; ${row.note}` : ''}`);
  } finally {
    await platform.stop();
  }
}
