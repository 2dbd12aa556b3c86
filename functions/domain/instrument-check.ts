/**
 * Everything `pont instrument validate` checks, as one pure function:
 * the file format, the survey as survey-core reads it, bilingual text,
 * expressions, the HTML it shows (instrument-markup.ts: an allow-list, https
 * links only), that it uses only what Pont runs end to end (question-support.ts),
 * and that every scale fits the questions it scores.
 * Every problem names its JSON path and says what to do.
 */
import { ConditionsParser, Model, Serializer, type Question } from 'survey-core';
import { InstrumentFile, Privacy, Scale, toInstrumentVersion, type InstrumentVersion } from './instrument.js';
import { answerProblem } from './answer-validation.js';
import { markupProblems } from './instrument-markup.js';
import { entryOf, supportProblems, surveyNodes } from './question-support.js';

export type InstrumentProblem = { path: string; message: string };

export type InstrumentCheck = { ok: true; instrument: InstrumentVersion } | { ok: false; problems: InstrumentProblem[] };

export function checkInstrumentText(text: string): InstrumentCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return checkInstrument(value);
}

/**
 * No instrument nests JSON anywhere near this deep (the shipped ones reach 9);
 * the checks below walk the survey recursively, so a deeper file is refused
 * first instead of overflowing the stack.
 */
const MAX_NESTING = 64;

export function checkInstrument(value: unknown): InstrumentCheck {
  if (nestingDepth(value, MAX_NESTING) > MAX_NESTING) {
    return { ok: false, problems: [{ path: '(file)', message: `the JSON is nested more than ${MAX_NESTING} levels deep: no survey needs that` }] };
  }
  const parsed = InstrumentFile.safeParse(value);
  const problems: InstrumentProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message }));

  // The survey and each well-formed scale are checked even when other parts of the
  // file are wrong, so a researcher sees every problem in one run.
  const file = (value ?? {}) as Record<string, unknown>;
  const survey = file.survey;
  if (survey !== null && typeof survey === 'object' && !Array.isArray(survey)) {
    const model = new Model(survey);
    for (const error of model.jsonErrors ?? []) {
      problems.push({ path: 'survey', message: `survey-core: ${error.message}` });
    }
    walkSurveyJson(survey as Record<string, unknown>, 'survey', ['survey'], problems);
    problems.push(...markupProblems(survey, 'survey'));
    const unsupported = supportProblems(survey as Record<string, unknown>);
    problems.push(...unsupported.map(({ path, message }) => ({ path, message })));
    checkDefaultValues(survey as Record<string, unknown>, model, new Set(unsupported.map((p) => p.path)), problems);
    // Questions inside a matrix's cells or a dynamic panel are not the survey's own (and are refused above): each row would count them again.
    const names = model.getAllQuestions(false, false, false).map((q) => q.getValueName());
    for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
      problems.push({ path: 'survey', message: `two questions store their answer as "${name}": give each question its own name` });
    }
    const scales = Array.isArray(file.scales) ? file.scales : [];
    scales.forEach((candidate, index) => {
      const scale = Scale.safeParse(candidate);
      if (scale.success) checkScale(scale.data, `scales[${index}]`, model, problems);
    });
    const privacy = Privacy.safeParse(file.privacy);
    if (file.privacy !== undefined && privacy.success) checkPrivacy(privacy.data, model, problems);
    const scaleIds = scales.map((s) => (s as { id?: unknown })?.id);
    for (const duplicate of scaleIds.filter((id, i) => id !== undefined && scaleIds.indexOf(id) !== i)) {
      problems.push({ path: 'scales', message: `scale id "${String(duplicate)}" is used twice; give each scale its own id` });
    }
  }
  const notice = parsed.success ? parsed.data.licence.notice : undefined;
  if (notice && !JSON.stringify(survey ?? {}).includes(JSON.stringify(notice).slice(1, -1))) {
    problems.push({ path: 'licence.notice', message: 'every copy must carry this notice: show it word for word in the survey (e.g. an html element)' });
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, instrument: toInstrumentVersion(parsed.data) };
}

/** Loads an instrument or throws one error listing every problem (for seeding and publishing). */
export function loadInstrumentText(text: string, fileName: string): InstrumentVersion {
  const check = checkInstrumentText(text);
  if (check.ok) return check.instrument;
  throw new Error(`${fileName} is not a valid instrument:\n${check.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
}

function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '') || '(root)';
}

// ---- survey JSON: bilingual text and expressions ---------------------------------------------

const parser = new ConditionsParser();

/** The survey-core class of an object found under a property, or undefined when unknown. */
function classOf(item: Record<string, unknown>, declared: string | undefined): string | undefined {
  const type = typeof item.type === 'string' ? item.type : undefined;
  if (type && Serializer.findClass(type)) return type;
  if (type && Serializer.findClass(`${type}validator`)) return `${type}validator`;
  return declared;
}

function walkSurveyJson(json: Record<string, unknown>, path: string, classes: string[], problems: InstrumentProblem[]): void {
  const className = classes[0]!;
  for (const [key, value] of Object.entries(json)) {
    const property = Serializer.findProperty(className, key);
    if (!property) continue; // survey-core reports unknown properties itself
    const here = `${path}.${key}`;
    if (property.isLocalizable) checkBilingual(value, here, problems);
    if ((property.type === 'condition' || property.type === 'expression') && typeof value === 'string' && value.trim() !== '') {
      if (!parser.parseExpression(value)) {
        problems.push({ path: here, message: `the expression "${value}" does not parse: check its braces, quotes and operators` });
      }
    }
    const childClass = property.className ?? property.baseClassName;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        const itemPath = `${here}[${index}]`;
        if (item !== null && typeof item === 'object') {
          const itemClass = classOf(item as Record<string, unknown>, childClass);
          if (itemClass) walkSurveyJson(item as Record<string, unknown>, itemPath, [itemClass], problems);
        } else if (typeof item === 'string' && isChoiceClass(childClass)) {
          problems.push({
            path: itemPath,
            message: `the choice "${item}" would be shown as it is written: use { "value": "${item}", "text": { "en": …, "cy": … } }`,
          });
        }
      });
    } else if (value !== null && typeof value === 'object' && childClass && !property.isLocalizable) {
      walkSurveyJson(value as Record<string, unknown>, here, [classOf(value as Record<string, unknown>, childClass) ?? childClass], problems);
    }
  }
}

function isChoiceClass(className: string | undefined): boolean {
  return !!className && ['itemvalue', 'choiceitem', 'ratingitem', 'matrixcolumn', 'matrixrow', 'checkboxitem', 'imageitemvalue'].includes(className);
}

function checkBilingual(value: unknown, path: string, problems: InstrumentProblem[]): void {
  if (typeof value === 'string') {
    problems.push({ path, message: 'give this text in both languages: { "en": "…", "cy": "…" }' });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const text = value as Record<string, unknown>;
  for (const language of ['en', 'cy']) {
    if (typeof text[language] !== 'string' || (text[language] as string).trim() === '') {
      problems.push({ path: `${path}.${language}`, message: `the ${language === 'en' ? 'English' : 'Welsh'} text is missing` });
    }
  }
}

// ---- default values -------------------------------------------------------------------------

/** Types whose value is not an answer the respondent gives: a default there means nothing to check. */
const NO_DEFAULT = new Set(['html', 'image', 'expression']);

/** A default answer must be one the server would accept at submission, or it is refused when the respondent submits it. */
function checkDefaultValues(survey: Record<string, unknown>, model: Model, refusedPaths: ReadonlySet<string>, problems: InstrumentProblem[]): void {
  const entry = entryOf('defaultValueInvalid');
  for (const node of surveyNodes(survey)) {
    if (node.kind !== 'question' || node.json.defaultValue === undefined || refusedPaths.has(node.path) || NO_DEFAULT.has(String(node.json.type))) continue;
    const question = typeof node.json.name === 'string' ? model.getQuestionByName(node.json.name) : null;
    const problem = question ? answerProblem(question, node.json.defaultValue) : null;
    if (problem) problems.push({ path: `${node.path}.defaultValue`, message: `Pont cannot run ${entry.name}: it ${problem}. ${entry.detail}` });
  }
}

// ---- privacy marks ---------------------------------------------------------------------------

/** Number inputs and choices valued in years can hold an age; anything else cannot be banded. */
function holdsANumber(question: Question): boolean {
  if (question.getType() === 'text') return ['number', 'range'].includes(String((question as unknown as { inputType?: unknown }).inputType));
  return (numericValuesOf(question) ?? []).length > 0;
}

function checkPrivacy(privacy: Privacy, model: Model, problems: InstrumentProblem[]): void {
  for (const list of ['quasiIdentifiers', 'ages'] as const) {
    const names = privacy[list] ?? [];
    for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
      problems.push({ path: `privacy.${list}`, message: `"${name}" is listed twice` });
    }
    names.forEach((name, index) => {
      const question = model.getQuestionByValueName(name) ?? model.getQuestionByName(name);
      const path = `privacy.${list}[${index}]`;
      if (!question) problems.push({ path, message: `there is no question named "${name}" in the survey` });
      else if (list === 'ages' && !holdsANumber(question)) {
        problems.push({ path, message: `"${name}" cannot hold an age in years: use a number input ("inputType": "number") or choices valued in years, or mark it under quasiIdentifiers` });
      }
    });
  }
}

// ---- scales ----------------------------------------------------------------------------------

/** The numeric values a question can take, or undefined when it has none (text, matrix…). */
export function numericValuesOf(question: Question): number[] | undefined {
  const q = question as unknown as {
    rateValues?: { value: unknown }[];
    rateMin?: number;
    rateMax?: number;
    rateStep?: number;
    choices?: { value: unknown }[];
  };
  if (question.getType() === 'rating') {
    if (q.rateValues && q.rateValues.length > 0) return q.rateValues.map((v) => v.value).filter((v): v is number => typeof v === 'number');
    const values: number[] = [];
    for (let v = q.rateMin!; v <= q.rateMax!; v += q.rateStep ?? 1) values.push(v);
    return values;
  }
  if (['radiogroup', 'dropdown'].includes(question.getType())) {
    return (q.choices ?? []).map((c) => c.value).filter((v): v is number => typeof v === 'number');
  }
  return undefined;
}

function checkScale(scale: Scale, path: string, model: Model, problems: InstrumentProblem[]): void {
  const reverse = scale.reverseItems ?? [];
  for (const [list, names] of [['items', scale.items], ['reverseItems', reverse]] as const) {
    for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
      problems.push({ path: `${path}.${list}`, message: `"${name}" is listed twice; it would count twice` });
    }
  }
  const n = scale.items.length;
  const possible =
    scale.method.kind === 'mean'
      ? { min: scale.itemValues.min, max: scale.itemValues.max }
      : scale.method.kind === 'sum'
        ? { min: n * scale.itemValues.min, max: n * scale.itemValues.max }
        : undefined;
  if (possible && (possible.min !== scale.scoreRange.min || possible.max !== scale.scoreRange.max)) {
    problems.push({
      path: `${path}.scoreRange`,
      message: `the ${scale.method.kind} of ${n} item${n === 1 ? '' : 's'} valued ${scale.itemValues.min}–${scale.itemValues.max} runs from ${possible.min} to ${possible.max}: set scoreRange to that`,
    });
  }
  if (scale.meaningfulChange && scale.meaningfulChange.threshold > scale.scoreRange.max - scale.scoreRange.min) {
    problems.push({ path: `${path}.meaningfulChange.threshold`, message: 'is larger than the whole score range' });
  }
  scale.items.forEach((name, index) => {
    const question = model.getQuestionByValueName(name) ?? model.getQuestionByName(name);
    const itemPath = `${path}.items[${index}]`;
    if (!question) {
      problems.push({ path: itemPath, message: `there is no question named "${name}" in the survey` });
      return;
    }
    const values = numericValuesOf(question);
    if (!values || values.length === 0) {
      problems.push({ path: itemPath, message: `"${name}" has no numeric answer values: use a rating, or choices with numeric values` });
      return;
    }
    const expected: number[] = [];
    for (let v = scale.itemValues.min; v <= scale.itemValues.max; v += 1) expected.push(v);
    const sorted = [...new Set(values)].sort((a, b) => a - b);
    if (sorted.join() !== expected.join()) {
      problems.push({
        path: itemPath,
        message: `"${name}" takes the values ${sorted.join(', ')} but the scale's itemValues say ${scale.itemValues.min}–${scale.itemValues.max}`,
      });
    }
  });
  reverse.forEach((name, index) => {
    if (!scale.items.includes(name)) problems.push({ path: `${path}.reverseItems[${index}]`, message: `"${name}" is not one of the scale's items` });
  });
  if (scale.minimumAnswered > scale.items.length) {
    problems.push({ path: `${path}.minimumAnswered`, message: `is more than the ${scale.items.length} items of the scale` });
  }
  if (scale.method.kind === 'conversion') {
    if (scale.minimumAnswered !== scale.items.length) {
      problems.push({ path: `${path}.minimumAnswered`, message: 'a conversion table needs every item answered: set it to the number of items' });
    }
    const lowest = scale.items.length * scale.itemValues.min;
    const highest = scale.items.length * scale.itemValues.max;
    const rawList = scale.method.table.map((row) => row.raw);
    const raws = new Set(rawList);
    for (const raw of new Set(rawList.filter((r, i) => rawList.indexOf(r) !== i))) {
      problems.push({ path: `${path}.method.table`, message: `has two rows for the raw sum ${raw}` });
    }
    for (const raw of raws) {
      if (raw < lowest || raw > highest) problems.push({ path: `${path}.method.table`, message: `has a row for the raw sum ${raw}, which ${n} items cannot add up to` });
    }
    const missing: number[] = [];
    for (let raw = lowest; raw <= highest; raw += 1) if (!raws.has(raw)) missing.push(raw);
    if (missing.length > 0) {
      problems.push({ path: `${path}.method.table`, message: `has no row for the raw sums ${missing.join(', ')}` });
    }
    scale.method.table.forEach((row, index) => {
      if (row.score < scale.scoreRange.min || row.score > scale.scoreRange.max) {
        problems.push({ path: `${path}.method.table[${index}].score`, message: `${row.score} is outside the scoreRange` });
      }
    });
  }
  const bands = [...(scale.bands ?? [])].sort((a, b) => a.min - b.min);
  bands.forEach((band, index) => {
    const bandPath = `${path}.bands[${(scale.bands ?? []).indexOf(band)}]`;
    if (band.min > band.max) problems.push({ path: bandPath, message: 'min is greater than max' });
    if (band.min < scale.scoreRange.min || band.max > scale.scoreRange.max) problems.push({ path: bandPath, message: 'lies outside the scoreRange' });
    const previous = bands[index - 1];
    if (previous && band.min <= previous.max) problems.push({ path: bandPath, message: `overlaps the band "${previous.id}"` });
  });
}

/** How deep objects and arrays nest in `value`, counting no further than just past `limit` (iteratively: any depth is safe). */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}
