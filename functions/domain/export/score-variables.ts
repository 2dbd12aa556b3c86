/** Score variables: a scale's columns in the wide file (with change from baseline), and scores.csv. */
import type { LocalisedText } from '../../contracts/common.js';
import type { InstrumentVersion, Scale } from '../instrument.js';
import { about, columnStem, inWave, maxBytes, type PlanContext, TEXT, uniqueBy, type ValueLabel, type ValueSource, type Variable, type Wave, wavePrefix } from './variable-model.js';

// ---- a scale's columns in the wide file -------------------------------------------------------

export function baselineScaleOf(baseline: Wave | undefined, instrumentId: string, scaleId: string): { instrument: InstrumentVersion; scale: Scale } | undefined {
  const instrument = baseline?.instruments.find((i) => i.id === instrumentId);
  const scale = instrument?.scales?.find((s) => s.id === scaleId);
  return instrument && scale ? { instrument, scale } : undefined;
}

export function wideScaleVariables(
  wave: Wave,
  instrument: InstrumentVersion,
  scale: Scale,
  baseline: { instrument: InstrumentVersion; scale: Scale } | undefined,
  context: PlanContext,
): Variable[] {
  const stem = `${wavePrefix(wave.ordinal)}_${context.scaleNames.get(scaleKey(instrument.id, scale.id))}`;
  const source = { instrumentId: instrument.id, versions: [instrument.version], scaleId: scale.id, waveId: wave.waveId };
  const value = { waveId: wave.waveId, instrumentId: instrument.id, scaleId: scale.id };
  // rows.ts compares a follow-up only with a baseline whose version defines the scale identically.
  const comparable = baseline !== undefined && JSON.stringify(baseline.scale) === JSON.stringify(scale);
  const notCompared = baseline && !comparable
    ? ` No change from baseline: the baseline used ${instrument.id} ${baseline.instrument.version}, which defines this scale differently from ${instrument.version}.`
    : '';
  const variables: Variable[] = [
    {
      name: `${stem}_score`,
      kind: 'score',
      type: 'numeric',
      label: inWave(wave.name, scale.title),
      valueLabels: [],
      missingValues: [],
      source,
      derivation: scoringRule(instrument, scale) + notCompared,
      value: { from: 'score', field: 'score', ...value },
    },
  ];
  if (scale.bands && scale.bands.length > 0) {
    variables.push({
      name: `${stem}_band`,
      kind: 'score',
      type: 'string',
      label: inWave(wave.name, about(scale.title, TEXT.band)),
      valueLabels: bandLabels(scale),
      missingValues: [],
      width: maxBytes(scale.bands.map((band) => band.id)),
      source,
      derivation: `The band the score falls in (inclusive ranges): ${scale.bands.map((b) => `${b.id} ${b.min}–${b.max}`).join(', ')}.`,
      value: { from: 'score', field: 'band', ...value },
    });
  }
  if (baseline && comparable) {
    variables.push({
      name: `${stem}_change`,
      kind: 'score',
      type: 'numeric',
      label: inWave(wave.name, about(scale.title, TEXT.change)),
      valueLabels: [],
      missingValues: [],
      source,
      derivation: changeRule(wave, instrument, baseline),
      value: { from: 'score', field: 'change', ...value },
    });
    if (scale.meaningfulChange) {
      variables.push({
        name: `${stem}_meaningful`,
        kind: 'score',
        type: 'numeric',
        label: inWave(wave.name, about(scale.title, TEXT.meaningful)),
        valueLabels: yesNo(),
        missingValues: [],
        source,
        derivation: `1 when the change from baseline is at least ${scale.meaningfulChange.threshold} points either way (${scale.meaningfulChange.source}), 0 when it is smaller; empty when there is no change to judge.`,
        value: { from: 'score', field: 'meaningfulChange', ...value },
      });
    }
  }
  return variables;
}

/**
 * The stem of each scale's score columns: its id, unless two instruments of
 * the design share a scale id, when both are prefixed with their instrument.
 */
export function scaleColumnNames(waves: readonly Wave[]): Map<string, string> {
  const owners = new Map<string, Set<string>>();
  for (const instrument of waves.flatMap((wave) => wave.instruments)) {
    for (const scale of instrument.scales ?? []) {
      const set = owners.get(scale.id) ?? new Set<string>();
      set.add(instrument.id);
      owners.set(scale.id, set);
    }
  }
  const names = new Map<string, string>();
  for (const [scaleId, instrumentIds] of owners) {
    for (const instrumentId of instrumentIds) {
      names.set(scaleKey(instrumentId, scaleId), instrumentIds.size > 1 ? `${columnStem(instrumentId)}_${scaleId}` : scaleId);
    }
  }
  return names;
}

function scaleKey(instrumentId: string, scaleId: string): string {
  return `${instrumentId}/${scaleId}`;
}

// ---- scores.csv -------------------------------------------------------------------------------

export function scoreFileVariables(waves: readonly Wave[]): Variable[] {
  const scales = uniqueBy(
    waves.flatMap((wave) => wave.instruments.flatMap((instrument) => (instrument.scales ?? []).map((scale) => ({ instrument, scale })))),
    ({ instrument, scale }) => `${instrument.id}@${instrument.version}/${scale.id}`,
  );
  const scaleLabels = uniqueBy(
    scales.map(({ scale }) => ({ value: scale.id, label: scale.title })),
    (label) => label.value,
  );
  const bands = uniqueBy(
    scales.flatMap(({ scale }) => (scale.bands ?? []).map((band) => ({ value: band.id, label: band.label }))),
    (band) => band.value,
  );
  const rules = uniqueBy(
    scales.map(({ instrument, scale }) => `${instrument.id}@${instrument.version} ${scale.id}: ${scoringRule(instrument, scale)}`),
    (rule) => rule,
  );
  const withThreshold = scales.filter(({ scale }) => scale.meaningfulChange);
  const score = (name: string, field: Extract<ValueSource, { from: 'score' }>['field'], label: LocalisedText, rest: Partial<Variable>): Variable => ({
    name,
    kind: 'score',
    type: 'numeric',
    label,
    valueLabels: [],
    missingValues: [],
    value: { from: 'score', field },
    ...rest,
  });
  return [
    {
      name: 'scale',
      kind: 'design',
      type: 'string',
      label: TEXT.scale,
      valueLabels: scaleLabels,
      missingValues: [],
      width: maxBytes(scaleLabels.map((l) => String(l.value))),
      value: { from: 'scale' },
    },
    score('answered', 'answered', TEXT.answered, {
      derivation: 'Items of the scale answered with a value the scale can score; "prefer not to say", "not applicable" and unanswered items do not count.',
    }),
    score('raw', 'raw', TEXT.raw, {
      derivation: 'The sum (prorated as mean × item count when some items are missing) or the mean of the items before any conversion table, reverse items reversed; empty when too few items were answered.',
    }),
    score('score', 'score', TEXT.score, { derivation: `The scale's score by its instrument's rules. ${rules.join(' ')}` }),
    {
      name: 'band',
      kind: 'score',
      type: 'string',
      label: TEXT.band,
      valueLabels: bands,
      missingValues: [],
      width: maxBytes(bands.map((b) => String(b.value))),
      derivation: `The band the score falls in (inclusive ranges): ${scales
        .filter(({ scale }) => scale.bands?.length)
        .map(({ scale }) => `${scale.id}: ${scale.bands!.map((b) => `${b.id} ${b.min}–${b.max}`).join(', ')}`)
        .join('; ')}.`,
      value: { from: 'score', field: 'band' },
    },
    score('baseline_score', 'baselineScore', TEXT.baselineScore, {
      derivation:
        "The same scale's score at this participant's baseline, where the baseline's version of the instrument defines the scale identically; empty at baseline and otherwise.",
    }),
    score('change', 'change', TEXT.change, { derivation: 'score minus baseline_score; empty when either is missing.' }),
    score('meaningful_change', 'meaningfulChange', TEXT.meaningful, {
      valueLabels: yesNo(),
      derivation: `1 when the change reaches the scale's meaningful-change threshold either way, 0 when it does not; empty when the scale has no threshold or there is no change. ${withThreshold
        .map(({ scale }) => `${scale.id}: ${scale.meaningfulChange!.threshold} (${scale.meaningfulChange!.source})`)
        .join('; ')}`.trim(),
    }),
    {
      name: 'direction',
      kind: 'score',
      type: 'string',
      label: TEXT.direction,
      valueLabels: [
        { value: 'improved', label: { en: 'Improved', cy: 'Wedi gwella' } },
        { value: 'worsened', label: { en: 'Worsened', cy: 'Wedi gwaethygu' } },
        { value: 'unchanged', label: { en: 'Unchanged', cy: 'Heb newid' } },
      ],
      missingValues: [],
      width: 'unchanged'.length,
      derivation: "Which way the score moved from baseline, given whether higher or lower is better on the scale; empty when there is no change to judge.",
      value: { from: 'score', field: 'direction' },
    },
  ];
}

/** The scoring rule of a scale, in words, for the codebook. */
function scoringRule(instrument: InstrumentVersion, scale: Scale): string {
  const n = scale.items.length;
  const reverse = scale.reverseItems?.length
    ? `, with ${scale.reverseItems.join(', ')} reversed (${scale.itemValues.min} + ${scale.itemValues.max} − value)`
    : '';
  const method = scale.method;
  let rule: string;
  switch (method.kind) {
    case 'sum':
      rule = `sum of the ${n} items${reverse}, prorated (mean of the answered items × ${n}) when some are missing; scored when at least ${scale.minimumAnswered} of ${n} are answered`;
      break;
    case 'mean':
      rule = `mean of the answered items${reverse}; scored when at least ${scale.minimumAnswered} of ${n} are answered`;
      break;
    case 'conversion':
      rule = `raw sum of the ${n} items${reverse} converted with the table published in: ${method.source}; scored only when all ${n} items are answered`;
      break;
  }
  return `${scale.title.en}: ${rule}. Items: ${scale.items.join(', ')} (${instrument.id} ${instrument.version}); "prefer not to say" and "not applicable" count as unanswered. Range ${scale.scoreRange.min}–${scale.scoreRange.max}, ${scale.direction === 'higher-is-better' ? 'higher is better' : 'lower is better'}.`;
}

function changeRule(wave: Wave, instrument: InstrumentVersion, baseline: { instrument: InstrumentVersion }): string {
  const rule = `${wave.name.en} score minus baseline score; empty when either is missing.`;
  return baseline.instrument.version === instrument.version
    ? rule
    : `${rule} The baseline used ${instrument.id} ${baseline.instrument.version} and this wave ${instrument.version}, which define the scale identically.`;
}

function bandLabels(scale: Scale): ValueLabel[] {
  return (scale.bands ?? []).map((band) => ({
    value: band.id,
    label: { en: `${band.label.en} (${band.min}–${band.max})`, cy: `${band.label.cy} (${band.min}–${band.max})` },
  }));
}

function yesNo(): ValueLabel[] {
  return [
    { value: 1, label: TEXT.yes },
    { value: 0, label: TEXT.no },
  ];
}
