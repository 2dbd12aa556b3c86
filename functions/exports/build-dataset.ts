/**
 * Builds a study's dataset package (issue #6) with memory bounded whatever
 * the study's size:
 *
 *  1. read: each wave's responses stream from the wave index one 1 MB page at
 *     a time (waves in parallel); each response is pseudonymised at once and
 *     appended to one of 16 bucket files chosen by its pseudonym's first hex
 *     digit. Participant codes are never written to disk.
 *  2. protect: k-anonymity over the quasi-identifiers of the participants
 *     who appear (a few values each: small).
 *  3. write: bucket by bucket (each about 1/16 of the data), group by
 *     pseudonym, sort, build rows and append them to the three CSV files.
 *     Rows come out ordered by pseudonym, which is random, so row order says
 *     nothing about participant codes or the order they were imported in.
 *  4. pack: the CSVs, codebook, load scripts and README into one zip.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import yazl from 'yazl';
import type { Answers } from '../contracts/respondent.js';
import type { ExportOptions } from '../contracts/exports.js';
import { csvCell } from '../domain/csv.js';
import { codebookCsv, codebookJson } from '../domain/export/codebook.js';
import { quasiIdentifierSettings, type QuasiIdentifierSettings } from '../domain/export/disclosure-control.js';
import { protectQuasiIdentifiers, type QuasiIdentifier, type QuasiValue } from '../domain/export/k-anonymity.js';
import { newPseudonymKey, pseudonymiser } from '../domain/export/pseudonyms.js';
import { packageReadme, type PackageFacts } from '../domain/export/readme.js';
import { ParticipantRowBuilder, quasiIdentifierIds, type Cell, type ExportedResponse } from '../domain/export/rows.js';
import { loadR, loadSps } from '../domain/export/scripts.js';
import { DATASET_FILES, encodeItemValue, planVariables, studyPrivacy, wavePrefix, type DatasetVariables, type StudyDesign, type Variable } from '../domain/export/variables.js';
import { studyPseudonymKey } from '../storage/exports.js';
import { getInstrumentVersion } from '../storage/instruments.js';
import { listParticipants, type Participant } from '../storage/participants.js';
import { getStudy, listWaves } from '../storage/studies.js';
import { responsePagesOfWave } from '../storage/wave-index.js';
import { ExportNotPossible } from '../domain/export/export-not-possible.js';

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

const BUCKETS = 16;
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
  // Read while the waves stream: a study's participant list is one more paginated query.
  // An export for a data access group holds that group's participants only: the others' responses are dropped as unknown.
  const { group } = options;
  const participants = listParticipants(studyId).then(
    (list) => new Map(list.filter((p) => !group || p.attributes?.[group.attribute] === group.value).map((p) => [p.participantCode, p])),
  );

  const scratch = mkdtempSync(join(input.workDir, 'export-'));
  try {
    const read = await readIntoBuckets(design, participants, pseudonym, scratch, options, quasiItemVariables, input.onProgress);
    const quasiIdentifiers = quasiIdentifiersOf(quasiIdentifierSettings(design, privacy, study.disclosureControl), variables, quasiItemVariables);
    const protection = protectQuasiIdentifiers(
      quasiIdentifiers.map((q) => q.definition),
      new Map(
        [...read.people].map(([pid, person]) => [
          pid,
          // Which waves they answered shows in every row of the wide file: it is part of what k must hold for.
          { pattern: design.waves.map((wave) => (person.waves.has(wave.waveId) ? '1' : '0')).join(''), values: quasiIdentifiers.map((q) => q.valuesOf(person)) },
        ]),
      ),
      options.k,
    );
    const builder = new ParticipantRowBuilder(variables, design.waves, (pid, id, value) => protection.protectedValue(pid, id, value));
    const csvFiles = await writeCsvFiles(variables, builder, read, scratch, input.onProgress);

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
      { name: PACKAGE_FILES.long, file: csvFiles.long },
      { name: PACKAGE_FILES.wide, file: csvFiles.wide },
      { name: PACKAGE_FILES.scores, file: csvFiles.scores },
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

/** What phase 1 keeps in memory per participant who appears: small, whatever their answers. */
type Person = {
  participantCode: string;
  attributes: Record<string, string | undefined>;
  baselineCompletedAt?: string;
  /** The waves with an exported response. */
  waves: Set<string>;
  /** Quasi-identifier answers by wave and question (quasiItemKey). */
  quasiItems: Map<string, QuasiValue>;
};

const quasiItemKey = (waveId: string, itemName: string) => `${waveId}\u0000${itemName}`;

type ReadResult = { bucketFiles: string[]; people: Map<string, Person>; partialLeftOut: number };

async function readIntoBuckets(
  design: StudyDesign,
  participants: Promise<ReadonlyMap<string, Participant>>,
  pseudonym: (code: string) => string,
  scratch: string,
  options: ExportOptions,
  quasiItemVariables: ReadonlyMap<string, Variable>,
  onProgress: BuildInput['onProgress'],
): Promise<ReadResult> {
  const bucketFiles = Array.from({ length: BUCKETS }, (_, i) => join(scratch, `bucket-${i.toString(16)}.jsonl`));
  const buckets = bucketFiles.map((file) => new LineWriter(file));
  const people = new Map<string, Person>();
  const pseudonyms = new Map<string, string>();
  let responses = 0;
  let partialLeftOut = 0;
  let lastReport = 0;
  await onProgress?.({ phase: 'reading', done: 0, total: null });

  await Promise.all(
    design.waves.map(async (wave) => {
      for await (const page of responsePagesOfWave(design.studyId, wave.waveId)) {
        for (const item of page) {
          if (item.status !== 'complete' && !options.includePartial) {
            partialLeftOut += 1;
            continue;
          }
          let pid = pseudonyms.get(item.participantCode);
          if (!pid) {
            pid = pseudonym(item.participantCode);
            pseudonyms.set(item.participantCode, pid);
            people.set(pid, { participantCode: item.participantCode, attributes: {}, waves: new Set(), quasiItems: new Map() });
          }
          people.get(pid)!.waves.add(wave.waveId);
          const { answersJson, participantCode: _code, ...meta } = item;
          if (quasiItemVariables.size > 0) rememberQuasiItems(people.get(pid)!, wave.waveId, JSON.parse(answersJson) as Answers, quasiItemVariables);
          // The answers go to disk as the stored text, unparsed: phase 3 parses each line once.
          await buckets[parseInt(pid.charAt(1), 16)]!.write(`[${JSON.stringify(pid)},${JSON.stringify({ ...meta, waveId: wave.waveId })},${answersJson}]`);
          responses += 1;
        }
        if (responses - lastReport >= 5000) {
          lastReport = responses;
          await onProgress?.({ phase: 'reading', done: responses, total: null });
        }
      }
    }),
  );
  await Promise.all(buckets.map((bucket) => bucket.close()));
  if (pseudonyms.size !== people.size) throw new Error('Two participants share an export pseudonym; run the export again');
  const known = await participants;
  for (const [pid, person] of people) {
    const participant = known.get(person.participantCode);
    // Responses without their participant record are left over from an interrupted erasure: never exported.
    if (!participant) people.delete(pid);
    else Object.assign(person, { attributes: participant.attributes ?? {}, baselineCompletedAt: participant.baselineCompletedAt });
  }
  return { bucketFiles, people, partialLeftOut };
}

/**
 * Answers kept per participant for the quasi-identifier items only (a handful
 * of short codes), coded as their cells will be: an age as its band, so small
 * cells are judged on what the files show.
 */
function rememberQuasiItems(person: Person, waveId: string, answers: Answers, variables: ReadonlyMap<string, Variable>): void {
  for (const [name, variable] of variables) {
    if (!Object.hasOwn(answers, name)) continue;
    const value = encodeItemValue(variable, answers[name]);
    if (value !== null) person.quasiItems.set(quasiItemKey(waveId, name), value);
  }
}

type QuasiIdentifierSource = { definition: QuasiIdentifier; valuesOf(person: Person): QuasiValue[] };

/**
 * The study's quasi-identifiers: its declared attributes marked as such, and
 * the questions it names or its instruments mark (e.g. gender in the context
 * questionnaire), each question once with its column in every wave that asks it.
 */
function quasiIdentifiersOf(settings: QuasiIdentifierSettings, variables: DatasetVariables, quasiItemVariables: ReadonlyMap<string, Variable>): QuasiIdentifierSource[] {
  const sources: QuasiIdentifierSource[] = [...settings.attributes].map(([attributeId, setting]) => ({
    definition: { id: quasiIdentifierIds.attribute(attributeId), columns: [attributeId], hierarchy: setting.hierarchy, ...(setting.priority !== undefined ? { priority: setting.priority } : {}) },
    valuesOf: (person) => [person.attributes[attributeId] ?? null],
  }));
  for (const itemName of quasiItemVariables.keys()) {
    const setting = settings.items.get(itemName);
    if (!setting) continue;
    // The waves that ask it are those whose wide columns hold it (the first column of a question that makes several).
    const columns = new Map<string, string>();
    for (const v of variables.wide) if (v.value.from === 'item' && v.value.itemName === itemName && v.value.waveId && !columns.has(v.value.waveId)) columns.set(v.value.waveId, v.name);
    sources.push({
      definition: { id: quasiIdentifierIds.item(itemName), columns: [...columns.values()], hierarchy: setting.hierarchy, ...(setting.priority !== undefined ? { priority: setting.priority } : {}) },
      valuesOf: (person) => [...columns.keys()].map((waveId) => person.quasiItems.get(quasiItemKey(waveId, itemName)) ?? null),
    });
  }
  return sources;
}

async function writeCsvFiles(variables: DatasetVariables, builder: ParticipantRowBuilder, read: ReadResult, scratch: string, onProgress: BuildInput['onProgress']) {
  const files = { long: join(scratch, PACKAGE_FILES.long), wide: join(scratch, PACKAGE_FILES.wide), scores: join(scratch, PACKAGE_FILES.scores) };
  const writers = { long: new LineWriter(files.long), wide: new LineWriter(files.wide), scores: new LineWriter(files.scores) };
  await writers.long.write(UTF8_BOM + csvLine(variables.long.map((v) => v.name)));
  await writers.wide.write(UTF8_BOM + csvLine(variables.wide.map((v) => v.name)));
  await writers.scores.write(UTF8_BOM + csvLine(variables.scores.map((v) => v.name)));
  let participants = 0;
  let responses = 0;
  await onProgress?.({ phase: 'writing', done: 0, total: read.bucketFiles.length });
  for (const [index, bucketFile] of read.bucketFiles.entries()) {
    const byParticipant = new Map<string, ExportedResponse[]>();
    for await (const line of createInterface({ input: createReadStream(bucketFile, 'utf8'), crlfDelay: Infinity })) {
      if (!line) continue;
      const [pid, meta, answers] = JSON.parse(line) as [string, Omit<ExportedResponse, 'answers'>, Answers];
      const response: ExportedResponse = { ...meta, answers };
      const list = byParticipant.get(pid);
      if (list) list.push(response);
      else byParticipant.set(pid, [response]);
    }
    for (const pid of [...byParticipant.keys()].sort()) {
      const person = read.people.get(pid);
      if (!person) continue;
      const rows = builder.build({ pseudonym: pid, attributes: person.attributes, baselineCompletedAt: person.baselineCompletedAt, responses: byParticipant.get(pid)! });
      for (const row of rows.long) await writers.long.write(csvLine(row));
      responses += rows.long.length;
      if (rows.wide) {
        await writers.wide.write(csvLine(rows.wide));
        participants += 1;
      }
      for (const row of rows.scores) await writers.scores.write(csvLine(row));
    }
    rmSync(bucketFile, { force: true });
    await onProgress?.({ phase: 'writing', done: index + 1, total: read.bucketFiles.length });
  }
  await Promise.all(Object.values(writers).map((writer) => writer.close()));
  return { ...files, participants, responses };
}

function csvLine(cells: readonly (Cell | string)[]): string {
  return cells.map(csvCell).join(',');
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
 * CRLF-terminated lines to a file, handed to the stream about 64 KB at a time
 * (a stream write per line, hundreds of thousands of them in a large export,
 * spent more time in the stream's bookkeeping than in writing), waiting when
 * the disk falls behind. Memory stays bounded: one batch per open file.
 */
class LineWriter {
  private static readonly BATCH_CHARS = 64 * 1024;
  private readonly stream: WriteStream;
  private batch: string[] = [];
  private batchChars = 0;

  constructor(file: string) {
    this.stream = createWriteStream(file, { encoding: 'utf8', mode: 0o600 });
  }

  async write(line: string): Promise<void> {
    this.batch.push(line, '\r\n');
    this.batchChars += line.length + 2;
    if (this.batchChars >= LineWriter.BATCH_CHARS) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const chunk = this.batch.join('');
    this.batch = [];
    this.batchChars = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

type ZipEntry = { name: string; file: string } | { name: string; text: string };

async function writeZip(target: string, entries: readonly ZipEntry[]): Promise<void> {
  const zip = new yazl.ZipFile();
  // A fixed time: the archive's entries carry no clue to when the data was collected.
  const mtime = new Date('2000-01-01T00:00:00Z');
  for (const entry of entries) {
    if ('file' in entry) zip.addFile(entry.file, entry.name, { mtime, mode: 0o600 });
    else zip.addBuffer(Buffer.from(entry.text, 'utf8'), entry.name, { mtime, mode: 0o600 });
  }
  zip.end();
  const output = createWriteStream(target, { mode: 0o600 });
  zip.outputStream.pipe(output);
  await once(output, 'finish');
}
