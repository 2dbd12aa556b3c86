/** The export's own variables: the pseudonym, the row's wave and instrument, status, language, and the study's declared attributes. */
import type { LocalisedText } from '../../contracts/common.js';
import type { ParticipantAttribute } from '../../contracts/studies.js';
import { about, columnStem, inWave, maxBytes, type PlanOptions, prefixed, type QuasiIdentifierLabels, SPECIAL_CODES, TEXT, uniqueBy, type Variable, type Wave } from './variable-model.js';

/** Pseudonyms are "p" and 16 hex digits (pseudonyms.ts); 64 leaves room should that grow. */
const PSEUDONYM_WIDTH = 64;

export function pseudonymVariable(options: PlanOptions): Variable {
  const key = options.studyStableKey
    ? "the study's stable key, kept by the platform so that this study's exports can be joined (its use is audited)"
    : 'a key made for this export and then discarded, so this export cannot be joined with any other';
  return {
    name: 'pid',
    kind: 'pseudonym',
    type: 'string',
    label: TEXT.pid,
    valueLabels: [],
    missingValues: [],
    width: PSEUDONYM_WIDTH,
    derivation: `Export pseudonym: HMAC-SHA-256 of the participant code under ${key}. Participant codes never leave the platform.`,
    value: { from: 'pseudonym' },
  };
}

/** wave, wave_ordinal, days_since_baseline, instrument, instrument_version: the first columns of the long and scores files. */
export function rowDesignVariables(waves: readonly Wave[]): Variable[] {
  const instruments = uniqueBy(
    waves.flatMap((wave) => wave.instruments),
    (instrument) => instrument.id,
  );
  const versions = [...new Set(waves.flatMap((wave) => wave.instruments.map((i) => i.version)))];
  return [
    {
      name: 'wave',
      kind: 'design',
      type: 'string',
      label: TEXT.wave,
      valueLabels: waves.map((wave) => ({ value: wave.waveId, label: wave.name })),
      missingValues: [],
      width: maxBytes(waves.map((wave) => wave.waveId)),
      value: { from: 'wave' },
    },
    {
      name: 'wave_ordinal',
      kind: 'design',
      type: 'numeric',
      label: TEXT.waveOrdinal,
      valueLabels: waves.map((wave) => ({ value: wave.ordinal, label: wave.name })),
      missingValues: [],
      derivation: "The wave's place in the study: 0 for the baseline, 1, 2 … for the follow-ups in order.",
      value: { from: 'waveOrdinal' },
    },
    daysSinceBaselineVariable({}),
    {
      name: 'instrument',
      kind: 'design',
      type: 'string',
      label: TEXT.instrument,
      valueLabels: instruments.map((instrument) => ({ value: instrument.id, label: instrument.title })),
      missingValues: [],
      width: maxBytes(instruments.map((instrument) => instrument.id)),
      value: { from: 'instrument' },
    },
    instrumentVersionVariable({}, versions),
  ];
}

export function daysSinceBaselineVariable(where: { waveId?: string; prefix?: string; waveName?: LocalisedText }): Variable {
  return {
    name: prefixed(where.prefix, 'days_since_baseline'),
    kind: 'design',
    type: 'numeric',
    label: inWave(where.waveName, TEXT.daysSinceBaseline),
    valueLabels: [],
    missingValues: [],
    ...(where.waveId && { source: { waveId: where.waveId } }),
    derivation:
      "Whole days between this participant's baseline completion and their completion of this wave (0 at baseline). Calendar dates are not exported.",
    value: { from: 'daysSinceBaseline', ...(where.waveId && { waveId: where.waveId }) },
  };
}

export function instrumentVersionVariable(where: { waveId?: string; instrumentId?: string; prefix?: string; waveName?: LocalisedText; title?: LocalisedText }, versions: string[]): Variable {
  const stem = where.instrumentId ? `${columnStem(where.instrumentId)}_version` : 'instrument_version';
  return {
    name: prefixed(where.prefix, stem),
    kind: 'design',
    type: 'string',
    label: inWave(where.waveName, where.title ? about(where.title, TEXT.instrumentVersion) : TEXT.instrumentVersion),
    valueLabels: [],
    missingValues: [],
    width: maxBytes(versions),
    ...(where.instrumentId && { source: { instrumentId: where.instrumentId, versions, waveId: where.waveId } }),
    value: { from: 'instrumentVersion', ...(where.waveId && { waveId: where.waveId }), ...(where.instrumentId && { instrumentId: where.instrumentId }) },
  };
}

export function statusVariable(where: { waveId?: string; instrumentId?: string; prefix?: string; waveName?: LocalisedText; title?: LocalisedText }): Variable {
  const stem = where.instrumentId ? `${columnStem(where.instrumentId)}_status` : 'status';
  return {
    name: prefixed(where.prefix, stem),
    kind: 'design',
    type: 'string',
    label: inWave(where.waveName, where.title ? about(where.title, TEXT.status) : TEXT.status),
    valueLabels: [
      { value: 'complete', label: { en: 'Complete (submitted)', cy: "Cyflawn (wedi'i gyflwyno)" } },
      { value: 'partial', label: { en: 'Partial (saved, not submitted)', cy: "Rhannol (wedi'i gadw, heb ei gyflwyno)" } },
    ],
    missingValues: [],
    width: 'complete'.length,
    ...(where.instrumentId && { source: { instrumentId: where.instrumentId, waveId: where.waveId } }),
    derivation: 'complete: the participant submitted it; partial: saved but not submitted (exported only when partial responses are asked for).',
    value: { from: 'status', ...(where.waveId && { waveId: where.waveId }), ...(where.instrumentId && { instrumentId: where.instrumentId }) },
  };
}

export function languageVariable(where: { waveId?: string; prefix?: string; waveName?: LocalisedText }): Variable {
  return {
    name: prefixed(where.prefix, 'language'),
    kind: 'design',
    type: 'string',
    label: inWave(where.waveName, TEXT.language),
    valueLabels: [
      { value: 'en', label: { en: 'English', cy: 'Saesneg' } },
      { value: 'cy', label: { en: 'Welsh', cy: 'Cymraeg' } },
    ],
    missingValues: [],
    width: 2,
    ...(where.waveId && { source: { waveId: where.waveId } }),
    value: { from: 'language', ...(where.waveId && { waveId: where.waveId }) },
  };
}

/** A declared attribute; a quasi-identifier one (with its hierarchy) also labels the coarser groups it may be released as. */
export function attributeVariable(attribute: ParticipantAttribute, options: PlanOptions, hierarchy?: QuasiIdentifierLabels): Variable {
  const groups = hierarchy ? hierarchy.groups.filter((g) => !attribute.values.some((v) => v.value === g.value)) : [];
  return {
    name: attribute.id,
    kind: 'attribute',
    type: 'string',
    label: attribute.label,
    valueLabels: [
      ...attribute.values.map((v) => ({ value: v.value, label: v.label })),
      ...groups,
      { value: SPECIAL_CODES.suppressed.string, label: TEXT.suppressed },
    ],
    missingValues: [SPECIAL_CODES.suppressed.string],
    width: maxBytes([...attribute.values.map((v) => v.value), ...groups.map((g) => String(g.value)), SPECIAL_CODES.suppressed.string]),
    source: { attributeId: attribute.id },
    derivation: hierarchy
      ? `Declared by the study for each participant. ${quasiIdentifierDerivation(hierarchy, options.k)}`
      : `Declared by the study for each participant. Not a quasi-identifier${attribute.notQuasiIdentifierBecause ? ` (the study says: ${attribute.notQuasiIdentifierBecause.trim()})` : ''}: exported as declared.`,
    value: { from: 'attribute', attributeId: attribute.id },
  };
}

/** How a quasi-identifier's values were protected, in words, for its codebook entry. */
export function quasiIdentifierDerivation(hierarchy: QuasiIdentifierLabels, k = 5): string {
  return (
    `A quasi-identifier: exact where at least ${k} participants share what each row shows (these values, the other quasi-identifiers and the waves answered), ` +
    `otherwise released as a coarser group along ${hierarchy.levels}, or "${SPECIAL_CODES.suppressed.string}" (-7 in numbers) where no group keeps ${k}. ` +
    'README.txt counts, column by column, the values released exactly, as groups and suppressed.'
  );
}
