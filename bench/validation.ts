/**
 * (c) Server-side validation throughput per shipped instrument: how many final
 * submissions per second one core can check with validateAnswers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Model, type Question } from 'survey-core';
import { validateAnswers } from '../functions/domain/answer-validation.js';
import { loadInstrumentText } from '../functions/domain/instrument-check.js';
import type { InstrumentVersion } from '../functions/domain/instrument.js';
import { REPO_ROOT } from '../infra/local/platform.js';
import { figure, median, yieldToEventLoop, type Row } from './stats.js';

const WARM_UP = 200;
const RUNS = 5;
const PER_RUN = 500;

/** Every instruments/<id>/<version>.json, loaded and checked as the platform loads it. */
export function shippedInstruments(): InstrumentVersion[] {
  const dir = join(REPO_ROOT, 'instruments');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(dir, entry.name))
        .filter((name) => name.endsWith('.json'))
        .map((name) => join(dir, entry.name, name)),
    )
    .map((file) => loadInstrumentText(readFileSync(file, 'utf8'), file));
}

/** A plausible answer to one question: its first choice, its lowest rating, some text. Undefined: no answer. */
function answerFor(question: Question): unknown {
  const q = question as unknown as Record<string, any>;
  const first = (items: { value: unknown }[] | undefined) => items?.[0]?.value;
  switch (question.getType()) {
    case 'rating':
      return q.rateValues.length > 0 ? first(q.rateValues) : q.rateMin;
    case 'radiogroup':
    case 'dropdown':
      return first(q.choices);
    case 'checkbox':
    case 'tagbox':
      return [first(q.choices)];
    case 'ranking':
      return q.choices.map((c: { value: unknown }) => c.value);
    case 'boolean':
      return q.valueTrue ?? true;
    case 'comment':
      return 'Things are going all right, thanks.';
    case 'text':
      return q.inputType === 'number' || q.inputType === 'range' ? Number(q.min ?? 1) : 'All right';
    case 'matrix':
      return Object.fromEntries(q.rows.map((row: { value: unknown }) => [String(row.value), first(q.columns)]));
    case 'multipletext':
      return Object.fromEntries(q.items.map((item: { name: string }) => [item.name, 'All right']));
    default:
      return undefined; // html, expression…: nothing to answer
  }
}

/**
 * A complete, valid response: every visible question answered. Answers to
 * questions hidden by visibleIf are dropped until nothing changes.
 */
export function completeAnswers(instrument: InstrumentVersion): Record<string, unknown> {
  const model = new Model(instrument.survey);
  const answers: Record<string, unknown> = {};
  for (const question of model.getAllQuestions(false)) {
    const value = answerFor(question);
    if (value !== undefined) answers[question.getValueName()] = value;
  }
  for (let changed = true; changed; ) {
    changed = false;
    model.data = answers;
    for (const question of model.getAllQuestions(false)) {
      if (!question.isVisible && question.getValueName() in answers) {
        delete answers[question.getValueName()];
        changed = true;
      }
    }
  }
  const problems = validateAnswers(instrument, answers, { complete: true, language: 'en' });
  if (problems.length > 0) {
    throw new Error(`bench: the generated answers for ${instrument.id} are not valid: ${JSON.stringify(problems)}`);
  }
  return answers;
}

/** Final submissions validated per second, one run of `count`. Yields every 100, as survey-core defers work in microtasks. */
async function validationsPerSecond(instrument: InstrumentVersion, copies: Record<string, unknown>[], count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    validateAnswers(instrument, copies[i % copies.length]!, { complete: true, language: 'en' });
    if (i % 100 === 99) await yieldToEventLoop();
  }
  await yieldToEventLoop();
  return count / ((performance.now() - started) / 1000);
}

export async function benchValidation(log: (line: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const instrument of shippedInstruments()) {
    const answers = completeAnswers(instrument);
    // Each call gets its own object, as each request parses its own body.
    const copies = Array.from({ length: 100 }, () => structuredClone(answers));
    await validationsPerSecond(instrument, copies, WARM_UP);
    const runs: number[] = [];
    for (let run = 0; run < RUNS; run += 1) runs.push(await validationsPerSecond(instrument, copies, PER_RUN));
    const questions = Object.keys(answers).length;
    log(`  validation ${instrument.id}: ${Math.round(median(runs))} responses/s`);
    rows.push({
      area: 'Validation (one core)',
      measure: `${instrument.id}@${instrument.version} (${questions} answers), complete submissions validated`,
      unit: 'responses/s',
      figure: figure(runs),
      target: { op: '>=', value: 200 },
    });
  }
  return rows;
}
