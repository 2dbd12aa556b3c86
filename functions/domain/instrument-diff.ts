/**
 * What changed between two versions of an instrument, and whether each scale's
 * scores stay comparable, so that a study pinning one version at baseline and
 * another at follow-up knows what its change scores mean.
 */
import { Model, type Question } from 'survey-core';
import { canonicalJson } from './canonical-json.js';
import type { InstrumentFile, Scale } from './instrument.js';
import { numericValuesOf } from './instrument-check.js';

export type ItemChange =
  | { name: string; kind: 'added' | 'removed' }
  /** Same answer values, different wording (title, description or choice texts). */
  | { name: string; kind: 'reworded'; what: string[] }
  /** Different type or answer values: the same answer may now mean something else. */
  | { name: string; kind: 'rescored'; what: string[] };

export type ScaleComparison = {
  scaleId: string;
  verdict: 'comparable' | 'comparable-but-reworded' | 'not-comparable' | 'added' | 'removed';
  reasons: string[];
};

/**
 * `privacy`: questions newly marked, or no longer marked, as identifying: exports treat their answers differently.
 * `answerRules`: questions that became skippable or required: the scores stay comparable, but how many answers are missing may change.
 */
export type InstrumentDiff = { from: string; to: string; items: ItemChange[]; scales: ScaleComparison[]; privacy: string[]; answerRules: string[] };

type ItemShape = { type: string; values: string; wording: Record<string, string>; required: string };

function itemsOf(instrument: InstrumentFile): Map<string, ItemShape> {
  const model = new Model(instrument.survey);
  const items = new Map<string, ItemShape>();
  for (const question of model.getAllQuestions(false, false, true)) items.set(question.getValueName(), shapeOf(question));
  return items;
}

function shapeOf(question: Question): ItemShape {
  const json = question.toJSON() as Record<string, unknown>;
  const choices = (json.choices ?? json.rateValues ?? json.rows ?? []) as unknown[];
  const columns = (json.columns ?? []) as unknown[];
  const valueOf = (c: unknown) => (c !== null && typeof c === 'object' ? (c as { value?: unknown; name?: unknown }).value ?? (c as { name?: unknown }).name : c);
  const textOf = (c: unknown) => (c !== null && typeof c === 'object' ? (c as { text?: unknown; title?: unknown }).text ?? (c as { title?: unknown }).title : undefined);
  return {
    type: `${question.getType()}${json.inputType ? `:${String(json.inputType)}` : ''}`,
    values: canonicalJson({
      numeric: numericValuesOf(question),
      choices: choices.map(valueOf),
      columns: columns.map(valueOf),
      other: [json.showOtherItem, json.showNoneItem, json.showRefuseItem, json.showDontKnowItem],
    }),
    required: json.isRequired ? 'always' : json.requiredIf ? `when ${String(json.requiredIf)}` : 'never',
    wording: {
      title: canonicalJson(json.title),
      description: canonicalJson(json.description),
      'choice texts': canonicalJson([...choices, ...columns].map(textOf)),
      'rating labels': canonicalJson([json.minRateDescription, json.maxRateDescription]),
    },
  };
}

export function diffInstruments(from: InstrumentFile, to: InstrumentFile): InstrumentDiff {
  const before = itemsOf(from);
  const after = itemsOf(to);
  const items: ItemChange[] = [];
  for (const [name, shape] of before) {
    const next = after.get(name);
    if (!next) {
      items.push({ name, kind: 'removed' });
      continue;
    }
    const rescored = [...(shape.type !== next.type ? ['question type'] : []), ...(shape.values !== next.values ? ['answer values'] : [])];
    if (rescored.length > 0) {
      items.push({ name, kind: 'rescored', what: rescored });
      continue;
    }
    const reworded = Object.keys(shape.wording).filter((key) => shape.wording[key] !== next.wording[key]);
    if (reworded.length > 0) items.push({ name, kind: 'reworded', what: reworded });
  }
  for (const name of after.keys()) if (!before.has(name)) items.push({ name, kind: 'added' });

  const changed = new Map(items.map((item) => [item.name, item]));
  const scaleIds = [...new Set([...(from.scales ?? []), ...(to.scales ?? [])].map((s) => s.id))];
  const scales = scaleIds.map((scaleId) =>
    compareScale(
      scaleId,
      from.scales?.find((s) => s.id === scaleId),
      to.scales?.find((s) => s.id === scaleId),
      changed,
    ),
  );
  return { from: `${from.id}@${from.version}`, to: `${to.id}@${to.version}`, items, scales, privacy: privacyChanges(from, to), answerRules: answerRuleChanges(before, after) };
}

function answerRuleChanges(before: Map<string, ItemShape>, after: Map<string, ItemShape>): string[] {
  const rule = (required: string) => (required === 'never' ? 'optional' : required === 'always' ? 'required' : `required ${required}`);
  const changes: string[] = [];
  for (const [name, shape] of before) {
    const next = after.get(name);
    if (!next || next.required === shape.required) continue;
    changes.push(
      next.required === 'never'
        ? `${name} may now be skipped (it was ${rule(shape.required)}): more of its answers may be missing`
        : `${name} is now ${rule(next.required)} (it was ${rule(shape.required)})`,
    );
  }
  return changes;
}

function privacyChanges(from: InstrumentFile, to: InstrumentFile): string[] {
  const marks = [
    ['quasiIdentifiers', 'a quasi-identifier (small-cell protection in exports)'],
    ['ages', 'an age (exported only as a band)'],
  ] as const;
  const changes: string[] = [];
  for (const [mark, meaning] of marks) {
    const before = new Set(from.privacy?.[mark] ?? []);
    const after = new Set(to.privacy?.[mark] ?? []);
    for (const name of after) if (!before.has(name)) changes.push(`${name} is now marked as ${meaning}`);
    for (const name of before) if (!after.has(name)) changes.push(`${name} is no longer marked as ${meaning}`);
  }
  return changes;
}

function compareScale(scaleId: string, a: Scale | undefined, b: Scale | undefined, changed: Map<string, ItemChange>): ScaleComparison {
  if (!a) return { scaleId, verdict: 'added', reasons: ['the scale is new in this version'] };
  if (!b) return { scaleId, verdict: 'removed', reasons: ['the scale is not in this version'] };
  const reasons: string[] = [];
  const sameSet = (x: string[], y: string[]) => canonicalJson([...x].sort()) === canonicalJson([...y].sort());
  if (!sameSet(a.items, b.items)) reasons.push('its items changed');
  if (!sameSet(a.reverseItems ?? [], b.reverseItems ?? [])) reasons.push('its reverse-scored items changed');
  if (canonicalJson(a.itemValues) !== canonicalJson(b.itemValues)) reasons.push('its item values changed');
  if (canonicalJson(a.method) !== canonicalJson(b.method)) reasons.push('its scoring method or conversion table changed');
  if (a.minimumAnswered !== b.minimumAnswered) reasons.push('its minimum answered items changed');
  const rescored = a.items.filter((item) => changed.get(item)?.kind === 'rescored');
  if (rescored.length > 0) reasons.push(`items rescored: ${rescored.join(', ')}`);
  if (reasons.length > 0) return { scaleId, verdict: 'not-comparable', reasons };

  const reworded = a.items.filter((item) => changed.get(item)?.kind === 'reworded');
  if (reworded.length > 0) {
    return { scaleId, verdict: 'comparable-but-reworded', reasons: [`items reworded: ${reworded.join(', ')}; check the change in wording does not change their meaning`] };
  }
  return { scaleId, verdict: 'comparable', reasons: [] };
}
