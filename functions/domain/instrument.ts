/**
 * The instrument file format: SurveyJS JSON plus what a longitudinal study
 * needs on top: identity and version, bilingual metadata, licence and
 * translation status, and scales (how items combine into scores, what the
 * bands are, and what counts as a meaningful change).
 *
 * This zod schema is the one definition of the format; the JSON Schema in
 * instruments/instrument.schema.json is generated from it (npm run pont --
 * instrument schema) for editor completion.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';

const Localised = z
  .strictObject({ en: z.string().min(1), cy: z.string().min(1) })
  .meta({ description: 'Text in English (en) and Welsh (cy)' });

const TranslationStatus = z
  .enum(['official', 'reviewed', 'draft'])
  .meta({ description: "official: the owner's own text; reviewed: checked by a qualified translator; draft: written by the project, not yet reviewed" });

const NumberRange = z
  .strictObject({ min: z.number(), max: z.number() })
  .refine((range) => range.min <= range.max, { message: 'min must not be greater than max' });

const Band = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and underscores'),
  label: Localised,
  min: z.number().meta({ description: 'Lowest score in the band (inclusive)' }),
  max: z.number().meta({ description: 'Highest score in the band (inclusive)' }),
});

const ScoringMethod = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sum').meta({ description: 'Sum of item values; prorated (mean × item count) when some items are missing but at least minimumAnswered are answered' }) }),
  z.strictObject({ kind: z.literal('mean').meta({ description: 'Mean of the answered item values' }) }),
  z.strictObject({
    kind: z.literal('conversion').meta({ description: 'Raw sum of all items looked up in a conversion table (every item must be answered)' }),
    table: z
      .array(z.strictObject({ raw: z.number(), score: z.number() }))
      .min(2)
      .meta({ description: 'One row per possible raw sum' }),
    source: z.string().min(1).meta({ description: 'Where the conversion table is published' }),
  }),
]);

export const Scale = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and underscores'),
  title: Localised,
  items: z.array(z.string().min(1)).min(1).meta({ description: 'Question names whose numeric answers make the score' }),
  reverseItems: z
    .array(z.string().min(1))
    .optional()
    .meta({ description: 'Items scored in reverse: value becomes itemValues.min + itemValues.max − value' }),
  itemValues: NumberRange.meta({ description: 'The numeric values every item takes' }),
  method: ScoringMethod,
  scoreRange: NumberRange.meta({ description: 'Valid range of the score' }),
  minimumAnswered: z.number().int().positive().meta({ description: 'Items that must be answered for a valid score' }),
  direction: z.enum(['higher-is-better', 'lower-is-better']),
  bands: z.array(Band).optional(),
  meaningfulChange: z
    .strictObject({
      threshold: z.number().positive().meta({ description: 'Smallest change in score that counts as meaningful' }),
      source: z.string().min(1),
    })
    .optional(),
});
export type Scale = z.infer<typeof Scale>;

const QuestionName = z.string().min(1).meta({ description: "A question's name (or valueName)" });

/**
 * How every dataset export must treat the answers to identifying questions,
 * whatever the study asks. Part of the instrument's content (and so of its
 * hash): marking a question in a published instrument needs a new version.
 */
export const Privacy = z
  .strictObject({
    quasiIdentifiers: z
      .array(QuestionName)
      .optional()
      .meta({
        description:
          'Questions whose answers could single a participant out when combined with others (age band, gender, local authority…). Every export applies its small-cell protection (k-anonymity) to them, in addition to what the study names.',
      }),
    ages: z
      .array(QuestionName)
      .optional()
      .meta({
        description:
          'Questions that hold an age in whole years (a number input, or choices valued in years). Exports never show the age itself, only its band (under 16, 16–17, 18–20, 21–25, 26 or over), and treat the band as a quasi-identifier.',
      }),
  })
  .meta({ description: 'Identifying questions, and how every dataset export must treat their answers' });
export type Privacy = z.infer<typeof Privacy>;

export const InstrumentFile = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'use lower-case letters, digits and hyphens, starting with a letter'),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'use a semantic version such as 1.0.0'),
  title: Localised.meta({ description: "The researchers' name for the instrument (library, console, exports)" }),
  respondentTitle: Localised.optional().meta({
    description:
      'The heading a respondent sees for this part, in plain words (e.g. "How you\'ve been feeling"); the title when absent. Never an instrument\'s technical name: the respondent\'s phone shows it.',
  }),
  description: Localised,
  source: z.string().min(1).meta({ description: 'Who wrote the instrument, and where it is published' }),
  validated: z.boolean().meta({ description: 'Whether the instrument has been psychometrically validated for this population' }),
  licence: z.strictObject({
    name: z.string().min(1),
    url: z.url().optional(),
    notice: z.string().min(1).optional().meta({ description: 'Text every copy must carry; shown to respondents and in exports' }),
    requiresRegistration: z
      .boolean()
      .optional()
      .meta({ description: "The owners require registration: a study cannot run this in a wave until the registration reference is recorded" }),
  }),
  translations: z.strictObject({ en: TranslationStatus, cy: TranslationStatus }),
  translationNotes: z
    .strictObject({ en: z.string().min(1).optional(), cy: z.string().min(1).optional() })
    .optional()
    .meta({
      description:
        "Where each language's text comes from (an official translation and its source, or the project's own), and what that means for comparing scores across languages",
    }),
  survey: z.record(z.string(), z.unknown()).meta({ description: 'SurveyJS survey JSON; every text is { "en": …, "cy": … }' }),
  scales: z.array(Scale).optional(),
  privacy: Privacy.optional(),
});
export type InstrumentFile = z.infer<typeof InstrumentFile>;

/** A published version as stored: the file plus the hash it is pinned by. */
export type InstrumentVersion = InstrumentFile & { contentHash: string };

/** SHA-256 over canonical JSON (keys sorted), so formatting changes do not change the hash. */
export function contentHash(instrument: InstrumentFile): string {
  const { $schema: _schema, ...content } = instrument;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export function toInstrumentVersion(file: InstrumentFile): InstrumentVersion {
  const { contentHash: _ignored, ...content } = file as InstrumentVersion;
  return { ...content, contentHash: contentHash(content) };
}

/** The JSON Schema researchers' editors use; generated, never edited by hand. */
export function instrumentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(InstrumentFile, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}
