/**
 * Builds a study's dataset package (issues #6 and #24) with peak memory flat
 * in the number of participants:
 *
 *  1. read: each wave's responses stream from the wave index one 1 MB page at
 *     a time (waves in parallel), and the participant list a page at a time
 *     beside them; each response is pseudonymised at once and appended to one
 *     of 256 bucket files chosen by its pseudonym's first two hex digits.
 *     Participant codes are never written to disk. What stays in memory per
 *     participant is a fixed handful of numbers in typed arrays (the Cohort):
 *     which waves they answered, their attributes and quasi-identifier
 *     answers as interned value ids, their baseline date, plus their code and
 *     pseudonym.
 *  2. protect: k-anonymity over the quasi-identifiers of the participants who
 *     appear, handed over as one record per distinct combination of values
 *     (far fewer than participants) and each participant's index into them.
 *  3. write: bucket by bucket (each about 1/256 of the data, so a bucket's
 *     memory stays small up to cohorts far larger than any study's), group by
 *     participant, sort by pseudonym, build rows and append them to the three
 *     CSV files. Rows come out ordered by pseudonym, which is random, so row
 *     order says nothing about participant codes or the order they were
 *     imported in.
 *  4. pack: the CSVs (deflated as they were written), codebook, load scripts
 *     and README into one zip (zip.ts).
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { crc32, createDeflateRaw, type DeflateRaw, type ZlibOptions } from 'node:zlib';
import type { Answers } from '../contracts/respondent.js';
import type { ExportOptions } from '../contracts/exports.js';
import { csvCell } from '../domain/csv.js';
import { codebookCsv, codebookJson } from '../domain/export/codebook.js';
import { quasiIdentifierSettings, type QuasiIdentifierSettings } from '../domain/export/disclosure-control.js';
import { protectQuasiIdentifiers, type QuasiIdentifier, type QuasiRecord, type QuasiRecords, type QuasiValue } from '../domain/export/k-anonymity.js';
import { newPseudonymKey, pseudonymiser } from '../domain/export/pseudonyms.js';
import { packageReadme, type PackageFacts } from '../domain/export/readme.js';
import { ParticipantRowBuilder, quasiIdentifierIds, type Cell, type ExportedResponse } from '../domain/export/rows.js';
import { loadR, loadSps } from '../domain/export/scripts.js';
import { DATASET_FILES, encodeItemValue, planVariables, studyPrivacy, wavePrefix, type DatasetVariables, type StudyDesign, type Variable } from '../domain/export/variables.js';
import { studyPseudonymKey } from '../storage/exports.js';
import { getInstrumentVersion } from '../storage/instruments.js';
import { listParticipantsPage, type Participant } from '../storage/participants.js';
import { getStudy, listWaves } from '../storage/studies.js';
import { responsePagesOfWave, type IndexedResponse } from '../storage/wave-index.js';
import { ExportNotPossible } from '../domain/export/export-not-possible.js';
import { writeZip, ZIP_LEVEL, type DeflatedFile } from './zip.js';

export type ExportProgress = { phase: 'reading' | 'writing' | 'packing'; done: number; total: number | null };

export type BuildInput = {
  studyId: string;
  exportId: string;
  options: ExportOptions;
  now: Date;
  /** A folder for working files; removed afterwards except for the zip. */
  workDir: string;
  onProgress?: (progress: ExportProgress) => void | Promise<void>;
};

export type BuiltPackage = {
  zipFile: string;
  fileName: string;
  facts: PackageFacts;
};

export const PACKAGE_FILES = {
  ...DATASET_FILES,
  codebookCsv: 'codebook.csv',
  codebookJson: 'codebook.json',
  loadR: 'load.R',
  loadSps: 'load.sps',
  readme: 'README.txt',
} as const;

/** Buckets by the pseudonym's first two hex digits: 10,000 participants make about 40 a bucket. */
const BUCKET_DIGITS = 2;
const BUCKETS = 16 ** BUCKET_DIGITS;
/** The participant list is read this many at a time. */
const PARTICIPANTS_PAGE = 1000;
const UTF8_BOM = '\uFEFF';

export async function buildDatasetPackage(input: BuildInput): Promise<BuiltPackage> {
  const { studyId, options } = input;
  const study = await getStudy(studyId);
  if (!study) throw new Error(`There is no study ${studyId}`);
  const design = await studyDesign(studyId, study);
  // The questions the study names, and always those its instruments mark (privacy.ts): by construction, not by remembering to list them.
  const privacy = studyPrivacy(design, study.quasiIdentifierItems ?? []);
  // Planned with free text always, so the README can name the free-text and date questions; they are dropped below unless asked for.
  const planned = planVariables(design, {
    includeFreeText: true,
    studyStableKey: options.studyStableKey,
    quasiIdentifierItems: study.quasiIdentifierItems ?? [],
    ...(study.disclosureControl ? { disclosureControl: study.disclosureControl } : {}),
    k: options.k,
  });
  const freeText = planned.long.filter(isFreeText).map((v) => v.name);
  const dates = planned.long.filter(isDate).map((v) => v.name);
  const variables = options.includeFreeText ? planned : withoutFreeText(planned);
  const quasiItemVariables = new Map(
    privacy.quasiIdentifierItems.flatMap((itemName) => {
      const variable = variables.long.find((v) => v.value.from === 'item' && v.value.itemName === itemName);
      return variable ? [[itemName, variable] as const] : [];
    }),
  );
  const pseudonym = pseudonymiser(options.studyStableKey ? await studyPseudonymKey(studyId, input.now) : newPseudonymKey());
  const cohort = new Cohort(design, [...quasiItemVariables.keys()]);

  const scratch = mkdtempSync(join(input.workDir, 'export-'));
  try {
    const read = await readIntoBuckets(design, cohort, pseudonym, scratch, options, quasiItemVariables, input.onProgress);
    const quasiIdentifiers = quasiIdentifiersOf(quasiIdentifierSettings(design, privacy, study.disclosureControl), variables, quasiItemVariables, cohort);
    const protection = protectQuasiIdentifiers(
      quasiIdentifiers.map((q) => q.definition),
      quasiRecordsOf(cohort, quasiIdentifiers),
      options.k,
    );
    const builder = new ParticipantRowBuilder(
      variables,
      design.waves,
      (pid, id, value) => protection.protectedValue(pid, id, value),
      new Set(quasiIdentifiers.map((q) => q.definition.id)),
    );
    const csvFiles = await writeCsvFiles(variables, builder, cohort, read.bucketFiles, scratch, input.onProgress);

    await input.onProgress?.({ phase: 'packing', done: 0, total: null });
    const facts: PackageFacts = {
      study: { studyId, title: study.title, synthetic: study.synthetic === true },
      exportId: input.exportId,
      exportedAt: input.now.toISOString(),
      options,
      waves: design.waves.map((wave) => ({
        waveId: wave.waveId,
        ordinal: wave.ordinal,
        prefix: wavePrefix(wave.ordinal),
        name: wave.name,
        instruments: wave.instruments.map((i) => ({ id: i.id, version: i.version, contentHash: i.contentHash, title: i.title.en, ...(i.licence.notice ? { notice: i.licence.notice } : {}) })),
      })),
      counts: {
        participants: csvFiles.participants,
        responses: csvFiles.responses,
        partialLeftOut: read.partialLeftOut,
        freeTextItemsLeftOut: options.includeFreeText ? [] : freeText,
        freeTextItemsIncluded: options.includeFreeText ? freeText : [],
        dateItemsLeftOut: options.includeFreeText ? [] : dates,
        dateItemsAsMonths: options.includeFreeText ? dates : [],
      },
      quasiIdentifierItems: { markedByInstruments: privacy.markedByInstruments, namedByStudy: privacy.namedByStudy },
      ageItems: privacy.ageItems,
      notQuasiIdentifiers: (study.attributes ?? []).filter((a) => !a.quasiIdentifier).map((a) => ({ attributeId: a.id, because: a.notQuasiIdentifierBecause ?? null })),
      protection: protection.report,
      files: Object.values(PACKAGE_FILES),
    };
    const fileName = `${study.synthetic ? 'SYNTHETIC-' : ''}pont-${studyId}-${input.exportId}.zip`;
    const zipFile = join(input.workDir, `${input.exportId}.zip`);
    await writeZip(zipFile, [
      { name: PACKAGE_FILES.long, deflated: csvFiles.long },
      { name: PACKAGE_FILES.wide, deflated: csvFiles.wide },
      { name: PACKAGE_FILES.scores, deflated: csvFiles.scores },
      { name: PACKAGE_FILES.codebookCsv, text: UTF8_BOM + codebookCsv(variables) },
      { name: PACKAGE_FILES.codebookJson, text: JSON.stringify(codebookJson(variables, codebookMeta(facts)), null, 2) },
      { name: PACKAGE_FILES.loadR, text: loadR(variables) },
      { name: PACKAGE_FILES.loadSps, text: loadSps(variables) },
      { name: PACKAGE_FILES.readme, text: packageReadme(facts) },
    ]);
    return { zipFile, fileName, facts };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function studyDesign(studyId: string, study: NonNullable<Awaited<ReturnType<typeof getStudy>>>): Promise<StudyDesign> {
  const waves = (await listWaves(studyId)).sort((a, b) => a.ordinal - b.ordinal);
  return {
    studyId,
    title: study.title,
    attributes: study.attributes ?? [],
    waves: await Promise.all(
      waves.map(async (wave) => ({
        waveId: wave.waveId,
        ordinal: wave.ordinal,
        name: wave.name,
        instruments: await Promise.all(
          wave.instruments.map(async (pin) => {
            const version = await getInstrumentVersion(pin.id, pin.version);
            if (!version) throw new ExportNotPossible(`Wave ${wave.waveId} pins ${pin.id}@${pin.version}, which is not published`);
            return version;
          }),
        ),
      })),
    ),
  };
}

/** Numbers, one per participant slot, that grow as participants appear. */
type NumberArray = Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;

const RESPONDED = 1;
const LISTED = 2;
const HAS_BASELINE = 4;

/**
 * What phases 1 to 3 keep in memory per participant: a slot of a few numbers
 * in typed arrays, whatever their answers and however many they are. Values
 * (attributes, quasi-identifier answers) are interned: each distinct value is
 * kept once, and a slot holds its id (0: none).
 */
class Cohort {
  /** Participant code → slot. */
  private readonly slots = new Map<string, number>();
  /** Each slot's pseudonym, once a response of theirs has been read. */
  readonly pseudonyms: (string | undefined)[] = [];
  private capacity = 256;
  /** RESPONDED, LISTED and HAS_BASELINE bits. */
  flags = new Uint8Array(this.capacity);
  /** answered[w][slot]: 1 when they have an exported response at the design's w-th wave. */
  answered: Uint8Array<ArrayBuffer>[];
  /** quasiItems[w][i][slot]: their answer to the i-th quasi-identifier question at the w-th wave (the last read that holds one). */
  quasiItems: Int32Array<ArrayBuffer>[][];
  /** attributes[a][slot]: their value of the design's a-th attribute. */
  attributes: Int32Array<ArrayBuffer>[];
  /** When they completed the baseline (ms since 1970; NaN where that is not a date), with HAS_BASELINE. */
  baselineMs = new Float64Array(this.capacity);
  private readonly valueIds = new Map<unknown, number>();
  private readonly values: unknown[] = [undefined];
  readonly attributeIds: string[];
  readonly waveIndex: Map<string, number>;

  constructor(design: StudyDesign, readonly quasiItemNames: readonly string[]) {
    this.attributeIds = design.attributes.map((a) => a.id);
    this.waveIndex = new Map(design.waves.map((wave, w) => [wave.waveId, w]));
    this.answered = design.waves.map(() => new Uint8Array(this.capacity));
    this.quasiItems = design.waves.map(() => quasiItemNames.map(() => new Int32Array(this.capacity)));
    this.attributes = this.attributeIds.map(() => new Int32Array(this.capacity));
  }

  get size(): number {
    return this.slots.size;
  }

  private byPseudonym: Map<string, number> | undefined;

  /** The slot of a pseudonym read (once every response has been). */
  slotOfPseudonym(pid: string): number {
    this.byPseudonym ??= new Map(this.pseudonyms.flatMap((p, slot) => (p === undefined ? [] : [[p, slot] as const])));
    return this.byPseudonym.get(pid)!;
  }

  slotOf(participantCode: string): number {
    let slot = this.slots.get(participantCode);
    if (slot === undefined) {
      slot = this.slots.size;
      if (slot === this.capacity) this.grow();
      this.slots.set(participantCode, slot);
    }
    return slot;
  }

  intern(value: unknown): number {
    if (value === undefined || value === null) return 0;
    let id = this.valueIds.get(value);
    if (id === undefined) {
      this.valueIds.set(value, (id = this.values.length));
      this.values.push(value);
    }
    return id;
  }

  value(id: number): unknown {
    return this.values[id];
  }

  /** A participant on the list (of the export's data access group, if any). */
  list(participant: Participant): void {
    const slot = this.slotOf(participant.participantCode);
    this.flags[slot]! |= LISTED;
    const attributes = participant.attributes ?? {};
    this.attributeIds.forEach((id, a) => (this.attributes[a]![slot] = Object.hasOwn(attributes, id) ? this.intern(attributes[id]) : 0));
    if (participant.baselineCompletedAt) {
      this.flags[slot]! |= HAS_BASELINE;
      this.baselineMs[slot] = Date.parse(participant.baselineCompletedAt);
    }
  }

  /** Exported: a response was read and they are on the list; responses of anyone else are left over from an interrupted erasure (or of another group). */
  exported(slot: number): boolean {
    return (this.flags[slot]! & (RESPONDED | LISTED)) === (RESPONDED | LISTED);
  }

  /** Their attributes as the row builder reads them: the design's, as the participant list had them. */
  attributesOf(slot: number): Record<string, string | undefined> {
    const attributes: Record<string, string | undefined> = {};
    this.attributeIds.forEach((id, a) => {
      const value = this.attributes[a]![slot]!;
      if (value !== 0) attributes[id] = this.value(value) as string;
    });
    return attributes;
  }

  /** The baseline date as text that reads back as the same instant (the row builder counts whole days from it). */
  baselineOf(slot: number): string | undefined {
    if (!(this.flags[slot]! & HAS_BASELINE)) return undefined;
    const ms = this.baselineMs[slot]!;
    return Number.isNaN(ms) ? 'not a date' : new Date(ms).toISOString();
  }

  private grow(): void {
    this.capacity *= 2;
    const grown = <T extends NumberArray>(array: T): T => {
      const bigger = new (array.constructor as new (length: number) => T)(this.capacity);
      bigger.set(array);
      return bigger;
    };
    this.flags = grown(this.flags);
    this.baselineMs = grown(this.baselineMs);
    this.answered = this.answered.map(grown);
    this.quasiItems = this.quasiItems.map((items) => items.map(grown));
    this.attributes = this.attributes.map(grown);
  }
}

type ReadResult = { bucketFiles: (string | undefined)[]; partialLeftOut: number };

async function readIntoBuckets(
  design: StudyDesign,
  cohort: Cohort,
  pseudonym: (code: string) => string,
  scratch: string,
  options: ExportOptions,
  quasiItemVariables: ReadonlyMap<string, Variable>,
  onProgress: BuildInput['onProgress'],
): Promise<ReadResult> {
  // Opened as first written to: a small study uses a few of them.
  const bucketFiles: (string | undefined)[] = new Array(BUCKETS).fill(undefined);
  const buckets: (LineWriter | undefined)[] = new Array(BUCKETS).fill(undefined);
  const bucket = (index: number) =>
    (buckets[index] ??= new LineWriter((bucketFiles[index] = join(scratch, `bucket-${index.toString(16).padStart(BUCKET_DIGITS, '0')}.jsonl`)), { batchBytes: BUCKET_BATCH_BYTES }));
  let responses = 0;
  let partialLeftOut = 0;
  let lastReport = 0;
  await onProgress?.({ phase: 'reading', done: 0, total: null });

  // Read while the waves stream: a study's participant list is one more paginated query.
  // An export for a data access group holds that group's participants only: the others' responses are dropped as unknown.
  const { group } = options;
  const listed = (async () => {
    let after: string | undefined;
    do {
      const page = await listParticipantsPage(design.studyId, { limit: PARTICIPANTS_PAGE, ...(after !== undefined ? { after } : {}) });
      for (const participant of page.participants) if (!group || participant.attributes?.[group.attribute] === group.value) cohort.list(participant);
      after = page.next ?? undefined;
    } while (after !== undefined);
  })();
  // Awaited below; this only keeps a failure while the waves are read from going unhandled.
  listed.catch(() => undefined);

  const quasiNames = cohort.quasiItemNames;
  // A response can hold a quasi-identifier answer only if its text names the question (or escapes something): the rest are not parsed here.
  const quasiNeedles = quasiNames.map((name) => JSON.stringify(name));
  const mayHoldQuasiItems = (answersJson: string) => answersJson.includes('\\') || quasiNeedles.some((needle) => answersJson.includes(needle));
  const quasiVariables = quasiNames.map((name) => quasiItemVariables.get(name)!);

  const readWaves = () =>
    Promise.all(
      design.waves.map(async (wave, w) => {
        const answered = () => cohort.answered[w]!;
        for await (const page of responsePagesOfWave(design.studyId, wave.waveId)) {
          for (const item of page) {
            if (item.status !== 'complete' && !options.includePartial) {
              partialLeftOut += 1;
              continue;
            }
            const slot = cohort.slotOf(item.participantCode);
            const pid = (cohort.pseudonyms[slot] ??= pseudonym(item.participantCode));
            cohort.flags[slot]! |= RESPONDED;
            answered()[slot] = 1;
            const { answersJson, participantCode: _code, ...meta } = item as IndexedResponse & { waveId?: string };
            if (quasiNames.length > 0 && mayHoldQuasiItems(answersJson)) {
              // Answers kept for the quasi-identifier questions only, coded as their cells will be: an age as its band, so small cells are judged on what the files show.
              const answers = JSON.parse(answersJson) as Answers;
              quasiVariables.forEach((variable, i) => {
                if (!Object.hasOwn(answers, quasiNames[i]!)) return;
                const value = encodeItemValue(variable, answers[quasiNames[i]!]);
                if (value !== null) cohort.quasiItems[w]![i]![slot] = cohort.intern(value);
              });
            }
            // One line a response: the pseudonym, a tab, and the response as phase 3 reads it, the answers as the stored text,
            // unparsed (phase 3 parses each line once, straight into the response it hands the row builder).
            meta.waveId = wave.waveId;
            const metaJson = JSON.stringify(meta);
            await bucket(parseInt(pid.substring(1, 1 + BUCKET_DIGITS), 16)).write(`${pid}\t${metaJson.substring(0, metaJson.length - 1)},"answers":${answersJson}}`);
            responses += 1;
          }
          if (responses - lastReport >= 5000) {
            lastReport = responses;
            await onProgress?.({ phase: 'reading', done: responses, total: null });
          }
        }
      }),
    );
  try {
    await readWaves();
  } catch (error) {
    // A failed read leaves no bucket file open.
    for (const writer of buckets) writer?.destroy();
    throw error;
  }
  await Promise.all(buckets.map((writer) => writer?.close()));
  await listed;
  const pseudonyms = cohort.pseudonyms.filter((pid) => pid !== undefined).sort();
  for (let i = 1; i < pseudonyms.length; i++) if (pseudonyms[i] === pseudonyms[i - 1]) throw new Error('Two participants share an export pseudonym; run the export again');
  return { bucketFiles, partialLeftOut };
}

type QuasiIdentifierSource = { definition: QuasiIdentifier; valuesOf(slot: number): QuasiValue[]; idsOf(slot: number): number[] };

/**
 * The study's quasi-identifiers: its declared attributes marked as such, and
 * the questions it names or its instruments mark (e.g. gender in the context
 * questionnaire), each question once with its column in every wave that asks it.
 */
function quasiIdentifiersOf(settings: QuasiIdentifierSettings, variables: DatasetVariables, quasiItemVariables: ReadonlyMap<string, Variable>, cohort: Cohort): QuasiIdentifierSource[] {
  const value = (id: number) => (id === 0 ? null : (cohort.value(id) as QuasiValue));
  const sources: QuasiIdentifierSource[] = [...settings.attributes].map(([attributeId, setting]) => {
    const a = cohort.attributeIds.indexOf(attributeId);
    const idsOf = (slot: number) => [a < 0 ? 0 : cohort.attributes[a]![slot]!];
    return {
      definition: { id: quasiIdentifierIds.attribute(attributeId), columns: [attributeId], hierarchy: setting.hierarchy, ...(setting.priority !== undefined ? { priority: setting.priority } : {}) },
      idsOf,
      valuesOf: (slot) => idsOf(slot).map(value),
    };
  });
  for (const itemName of quasiItemVariables.keys()) {
    const setting = settings.items.get(itemName);
    if (!setting) continue;
    // The waves that ask it are those whose wide columns hold it (the first column of a question that makes several).
    const columns = new Map<string, string>();
    for (const v of variables.wide) if (v.value.from === 'item' && v.value.itemName === itemName && v.value.waveId && !columns.has(v.value.waveId)) columns.set(v.value.waveId, v.name);
    const i = cohort.quasiItemNames.indexOf(itemName);
    const waves = [...columns.keys()].map((waveId) => cohort.waveIndex.get(waveId)!);
    const idsOf = (slot: number) => waves.map((w) => cohort.quasiItems[w]![i]![slot]!);
    sources.push({
      definition: { id: quasiIdentifierIds.item(itemName), columns: [...columns.values()], hierarchy: setting.hierarchy, ...(setting.priority !== undefined ? { priority: setting.priority } : {}) },
      idsOf,
      valuesOf: (slot) => idsOf(slot).map(value),
    });
  }
  return sources;
}

/**
 * The exported participants' quasi-identifier records, one per distinct
 * combination of answered waves and values: each participant is an index.
 */
function quasiRecordsOf(cohort: Cohort, quasiIdentifiers: readonly QuasiIdentifierSource[]): QuasiRecords {
  const ids: string[] = [];
  const slots: number[] = [];
  for (let slot = 0; slot < cohort.size; slot++) {
    if (!cohort.exported(slot)) continue;
    ids.push(cohort.pseudonyms[slot]!);
    slots.push(slot);
  }
  const records: QuasiRecord[] = [];
  const byKey = new Map<string, number>();
  const recordOf = Int32Array.from(slots, (slot) => {
    // Which waves they answered shows in every row of the wide file: it is part of what k must hold for.
    const pattern = cohort.answered.map((answered) => (answered[slot] ? '1' : '0')).join('');
    const key = `${pattern}|${quasiIdentifiers.map((q) => q.idsOf(slot).join(',')).join('|')}`;
    let record = byKey.get(key);
    if (record === undefined) {
      byKey.set(key, (record = records.length));
      records.push({ pattern, values: quasiIdentifiers.map((q) => q.valuesOf(slot)) });
    }
    return record;
  });
  return { ids, recordOf, records };
}

async function writeCsvFiles(
  variables: DatasetVariables,
  builder: ParticipantRowBuilder,
  cohort: Cohort,
  bucketFiles: readonly (string | undefined)[],
  scratch: string,
  onProgress: BuildInput['onProgress'],
) {
  const writer = (name: string) => new LineWriter(join(scratch, `${name}.deflated`), { deflate: true });
  const writers = { long: writer(PACKAGE_FILES.long), wide: writer(PACKAGE_FILES.wide), scores: writer(PACKAGE_FILES.scores) };
  try {
    return await writeRows(variables, builder, cohort, bucketFiles, writers, onProgress);
  } catch (error) {
    // A failed export (a response the design cannot place, say) leaves no file open.
    for (const writer of Object.values(writers)) writer.destroy();
    throw error;
  }
}

async function writeRows(
  variables: DatasetVariables,
  builder: ParticipantRowBuilder,
  cohort: Cohort,
  bucketFiles: readonly (string | undefined)[],
  writers: Record<'long' | 'wide' | 'scores', LineWriter>,
  onProgress: BuildInput['onProgress'],
) {
  await writers.long.write(UTF8_BOM + csvLine(variables.long.map((v) => v.name)));
  await writers.wide.write(UTF8_BOM + csvLine(variables.wide.map((v) => v.name)));
  await writers.scores.write(UTF8_BOM + csvLine(variables.scores.map((v) => v.name)));
  let participants = 0;
  let responses = 0;
  await onProgress?.({ phase: 'writing', done: 0, total: bucketFiles.length });
  for (const [index, bucketFile] of bucketFiles.entries()) {
    if (bucketFile) {
      // A bucket is small (about 1/256 of the data): read whole, its lines grouped by participant and parsed one participant at a time.
      const byParticipant = new Map<string, string[]>();
      // Read at once, not through the thread pool, where the CSV files' compression keeps it waiting.
      for (const line of readFileSync(bucketFile, 'utf8').split('\r\n')) {
        if (!line) continue;
        const pid = line.substring(0, line.indexOf('\t'));
        const lines = byParticipant.get(pid);
        if (lines) lines.push(line);
        else byParticipant.set(pid, [line]);
      }
      rmSync(bucketFile, { force: true });
      for (const pid of [...byParticipant.keys()].sort()) {
        const slot = cohort.slotOfPseudonym(pid);
        if (!cohort.exported(slot)) continue;
        const exported = byParticipant.get(pid)!.map((line) => JSON.parse(line.substring(line.indexOf('\t') + 1)) as ExportedResponse);
        const rows = builder.build({ pseudonym: pid, attributes: cohort.attributesOf(slot), baselineCompletedAt: cohort.baselineOf(slot), responses: exported });
        for (const row of rows.long) await writers.long.write(csvLine(row));
        responses += rows.long.length;
        if (rows.wide) {
          await writers.wide.write(csvLine(rows.wide));
          participants += 1;
        }
        for (const row of rows.scores) await writers.scores.write(csvLine(row));
      }
    }
    await onProgress?.({ phase: 'writing', done: index + 1, total: bucketFiles.length });
  }
  const [long, wide, scores] = await Promise.all([writers.long.close(), writers.wide.close(), writers.scores.close()]);
  return { long: long!, wide: wide!, scores: scores!, participants, responses };
}

function csvLine(cells: readonly (Cell | string)[]): string {
  const texts = new Array<string>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    // Blanks and numbers need no quoting (a number's text never holds a quote, comma or line break, and only text can be a formula).
    texts[i] = cell === null || cell === undefined ? '' : typeof cell === 'number' ? String(cell) : csvCell(cell);
  }
  return texts.join(',');
}

const isFreeText = (variable: Variable) => variable.value.from === 'item' && variable.value.coding?.kind === 'text';
const isDate = (variable: Variable) => variable.value.from === 'item' && variable.value.coding?.kind === 'month';
/** Free text and date answers go out only when free text is asked for (dates then as months only). */
const leftOutByDefault = (variable: Variable) => isFreeText(variable) || isDate(variable);

function withoutFreeText(variables: DatasetVariables): DatasetVariables {
  return { long: variables.long.filter((v) => !leftOutByDefault(v)), wide: variables.wide.filter((v) => !leftOutByDefault(v)), scores: variables.scores };
}

function codebookMeta(facts: PackageFacts) {
  const { search: _search, ...protection } = facts.protection;
  return {
    studyId: facts.study.studyId,
    synthetic: facts.study.synthetic,
    exportId: facts.exportId,
    exportedAt: facts.exportedAt,
    options: facts.options,
    waves: facts.waves.map(({ waveId, ordinal, prefix, instruments }) => ({ waveId, ordinal, prefix, instruments: instruments.map(({ id, version, contentHash }) => ({ id, version, contentHash })) })),
    /** Small-cell protection and, column by column, the values it released exactly, as coarser groups (by level) and suppressed; blanks (not answered) are never counted. */
    disclosureControl: protection,
  };
}

/**
 * CRLF-terminated lines to a file, handed to the stream a batch at a time (a
 * stream write per line, hundreds of thousands of them in a large export,
 * spent more time in the stream's bookkeeping than in writing), waiting when
 * the disk falls behind. A line is copied into the batch's buffer as it is
 * written, outside the JavaScript heap: a bucket's lines wait thousands of
 * responses for their batch to fill, and kept as strings they all outlived
 * the young generation, so the heap's old generation, and the peak, grew
 * with the study. Memory stays bounded: one batch per open file.
 *
 * With `deflate`, the file holds the lines raw-deflated for the zip (zip.ts),
 * compressed in zlib's threads while the next rows are built: up to
 * DEFLATE_BUFFER bytes wait for them before a write waits.
 */
class LineWriter {
  private readonly stream: WriteStream;
  private readonly deflate: DeflateRaw | undefined;
  private readonly batchBytes: number;
  private batch: Buffer;
  private used = 0;
  private crc32 = 0;
  private size = 0;
  private failure: Error | undefined;

  constructor(
    private readonly file: string,
    options: { batchBytes?: number; deflate?: boolean } = {},
  ) {
    this.batchBytes = options.batchBytes ?? 64 * 1024;
    this.batch = Buffer.allocUnsafe(this.batchBytes);
    this.stream = createWriteStream(file, { mode: 0o600 });
    // Never an unhandled 'error' (a failed export removes its folder while a file may still be opening): a failure
    // surfaces at the next write or at close, and reaches the other stream, so neither waits for ever.
    this.stream.on('error', (error) => {
      this.failure ??= error;
      this.deflate?.destroy(error);
    });
    if (options.deflate) {
      // Node's zlib streams take the stream options too, though its types leave them out.
      const deflateOptions: ZlibOptions & { writableHighWaterMark: number } = { level: ZIP_LEVEL, writableHighWaterMark: DEFLATE_BUFFER };
      const deflate = (this.deflate = createDeflateRaw(deflateOptions));
      deflate.on('error', (error) => {
        this.failure ??= error;
        this.stream.destroy(error);
      });
      deflate.pipe(this.stream);
    }
  }

  async write(line: string): Promise<void> {
    const bytes = Buffer.byteLength(line, 'utf8') + 2;
    if (this.used + bytes > this.batch.length) {
      await this.flush();
      // A line longer than a batch (free text can be long) gets a batch of its own.
      if (bytes > this.batch.length) this.batch = Buffer.allocUnsafe(bytes);
    }
    this.used += this.batch.write(line, this.used, 'utf8');
    this.used += this.batch.write('\r\n', this.used, 'latin1');
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.used === 0) return;
    const chunk = this.batch.subarray(0, this.used);
    // The stream keeps the chunk until it is written: the next lines go to a new batch.
    this.batch = Buffer.allocUnsafe(this.batchBytes);
    this.used = 0;
    this.crc32 = crc32(chunk, this.crc32);
    this.size += chunk.length;
    const target = this.deflate ?? this.stream;
    if (!target.write(chunk)) await once(target, 'drain');
  }

  /** Everything written and on disk; for a deflated file, what the zip must say about it. */
  async close(): Promise<DeflatedFile> {
    await this.flush();
    (this.deflate ?? this.stream).end();
    await finished(this.stream);
    return { file: this.file, crc32: this.crc32, size: this.size, compressedSize: this.stream.bytesWritten };
  }

  /** Closes the file at once, unfinished: the export failed. */
  destroy(): void {
    this.deflate?.destroy();
    this.stream.destroy();
  }
}

/** A bucket's batch: 256 of them are open while the waves are read. */
const BUCKET_BATCH_BYTES = 16 * 1024;
/** Bytes of a CSV file that may wait to be compressed: the rows go on being built meanwhile. */
const DEFLATE_BUFFER = 1024 * 1024;
