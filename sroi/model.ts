/**
 * The SROI model file: a study's impact map as versioned JSON (issue #7).
 *
 * Stakeholders, inputs (the investment) and outcomes, each outcome with an
 * indicator computed from a dataset export (or a count entered by hand), its
 * financial proxy, and the value map's duration, drop-off, deadweight,
 * attribution and displacement; then the analysis settings. docs/sroi.md
 * explains every field and formula; docs/sroi-example-model.json is a
 * worked example.
 *
 * This zod schema is the one definition of the format; the JSON Schema in
 * docs/sroi-model.schema.json is generated from it (npm run pont -- sroi
 * schema) for editor completion. Checks that need more than one field (ids
 * referenced, price years in the index, ranges around their central value)
 * are in checkModelReferences below, and checks against a dataset in
 * indicators.ts; all name the field they are about.
 */
import { z } from 'zod';

/**
 * The one built-in financial proxy: HM Treasury, Green Book supplementary
 * guidance "Wellbeing Guidance for Appraisal" (2021). Openly licensed (OGL),
 * unlike HACT's Social Value Bank, whose values must never be shipped here.
 */
export const GREEN_BOOK_WELLBY = {
  value: 13_000,
  low: 10_000,
  high: 16_000,
  priceYear: 2019,
  source:
    'HM Treasury, Green Book supplementary guidance: Wellbeing Guidance for Appraisal (2021). One WELLBY = one point of life satisfaction (0–10) for one person for one year: £13,000 central, range £10,000–£16,000, 2019 prices.',
} as const;

const ID_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
const Id = z.string().regex(ID_PATTERN, 'use lower-case letters, digits and hyphens, starting with a letter');
const Text = z.string().trim().min(1, 'must not be empty');
const Year = z.number().int('must be a whole calendar year, e.g. 2025').min(1900, 'must be a calendar year, e.g. 2025').max(2200, 'must be a calendar year, e.g. 2025');
const Percent = z.number().min(0, 'must not be negative').max(100, 'must be at most 100 (it is a percentage)');
const Pounds = z.number().min(0, 'must not be negative');
const WholeYears = z.number().int('must be a whole number of years').min(1, 'must be at least 1 year');

const Range = z
  .strictObject({
    low: z.number().meta({ description: 'Lowest plausible value' }),
    high: z.number().meta({ description: 'Highest plausible value' }),
  })
  .refine((range) => range.low <= range.high, { message: 'low must not be greater than high' });

const WaveId = Text.meta({ description: 'A wave id as in the dataset (the wave column of scores.csv, e.g. "baseline")' });
const InstrumentId = Text.meta({ description: 'An instrument id as in the dataset (e.g. "swemwbs", "ons4")' });
const ScaleId = Text.meta({ description: 'A scale id of that instrument (the scale column of scores.csv)' });

const ScoreChangeIndicator = z
  .strictObject({
    kind: z.literal('score-change').meta({
      description:
        "Participants whose score on a scale improved from the baseline to a follow-up, as the dataset's change, direction and meaningful_change columns say",
    }),
    instrument: InstrumentId,
    scale: ScaleId,
    fromWave: WaveId.meta({ description: "The study's baseline wave: the export measures every change from each participant's baseline" }),
    toWave: WaveId,
    rule: z.enum(['meaningful-improvement', 'improved-by-at-least']).meta({
      description:
        "meaningful-improvement: improved by at least the scale's own meaningful-change threshold (meaningful_change = 1 and direction = improved); improved-by-at-least: improved by at least `threshold` score points",
    }),
    threshold: z.number().positive('must be more than 0').optional().meta({ description: 'Score points; only with rule improved-by-at-least' }),
  })
  .meta({ title: 'score-change' });

const BandExitIndicator = z
  .strictObject({
    kind: z.literal('band-exit').meta({ description: 'Participants in one of fromBands at fromWave and in none of them at toWave' }),
    instrument: InstrumentId,
    scale: ScaleId,
    fromWave: WaveId,
    toWave: WaveId,
    fromBands: z.array(Text).min(1, 'name at least one band').meta({ description: 'Band ids as in the band column of scores.csv, e.g. ["low"]' }),
  })
  .meta({ title: 'band-exit' });

const WellbyIndicator = z
  .strictObject({
    kind: z.literal('wellby').meta({
      description:
        'WELLBYs: the net change in life satisfaction (0–10) from fromWave to toWave, summed over the participants scored at both (improvements minus declines); value it with the built-in WELLBY proxy',
    }),
    instrument: InstrumentId.default('ons4'),
    scale: ScaleId.default('life_satisfaction'),
    fromWave: WaveId,
    toWave: WaveId,
  })
  .meta({ title: 'wellby' });

const ManualIndicator = z
  .strictObject({
    kind: z.literal('manual').meta({ description: 'A quantity entered by hand, with where it comes from' }),
    quantity: z.number().min(0, 'must not be negative'),
    source: Text.meta({ description: 'Where the quantity comes from (records, another study…)' }),
  })
  .meta({ title: 'manual' });

export const Indicator = z.discriminatedUnion('kind', [ScoreChangeIndicator, BandExitIndicator, WellbyIndicator, ManualIndicator]);
export type Indicator = z.infer<typeof Indicator>;
export type DatasetIndicator = Exclude<Indicator, { kind: 'manual' }>;

const EnteredProxy = z
  .strictObject({
    kind: z.literal('entered').meta({ description: 'A value the analyst enters, with its source and price year' }),
    value: Pounds.meta({ description: '£ per unit of the quantity per year, in the prices of priceYear' }),
    source: Text.meta({ description: 'Where the value comes from. Never a value from HACT’s Social Value Bank: its licence forbids it here' }),
    priceYear: Year.meta({ description: 'The year whose prices the value is in; uprated to settings.priceYear with settings.priceIndex' }),
    description: z.string().optional(),
  })
  .meta({ title: 'entered' });

const WellbyProxy = z
  .strictObject({
    kind: z.literal('wellby').meta({ description: `The Green Book WELLBY: £${GREEN_BOOK_WELLBY.value} per point of life satisfaction per person per year (range £${GREEN_BOOK_WELLBY.low}–£${GREEN_BOOK_WELLBY.high}), ${GREEN_BOOK_WELLBY.priceYear} prices` }),
  })
  .meta({ title: 'wellby' });

export const Proxy = z.discriminatedUnion('kind', [EnteredProxy, WellbyProxy]);
export type Proxy = z.infer<typeof Proxy>;

/** Ranges for the sensitivity analysis and the Monte Carlo run; each must contain its central value. */
const OutcomeSensitivity = z.strictObject({
  deadweightPercent: Range.optional(),
  attributionPercent: Range.optional(),
  displacementPercent: Range.optional(),
  dropOffPercent: Range.optional(),
  durationYears: Range.optional(),
  proxyValue: Range.optional().meta({ description: "£, in the proxy's own price year" }),
  quantityPercent: z.number().min(0).max(100).optional().meta({ description: 'The quantity varies by ± this per cent' }),
});

const Outcome = z.strictObject({
  id: Id,
  stakeholder: Id.meta({ description: 'The id of a stakeholder listed in stakeholders' }),
  description: Text.meta({ description: 'The change the stakeholder experiences' }),
  indicator: Indicator,
  scaling: z
    .strictObject({
      cohortSize: z.number().int('must be a whole number of people').positive('must be at least 1'),
      source: Text.meta({ description: 'Where the cohort size comes from' }),
    })
    .optional()
    .meta({ description: "Scale the respondents' result to the whole cohort: quantity = count ÷ respondents × cohortSize" }),
  proxy: Proxy,
  startYear: z
    .number()
    .int('must be a whole year')
    .min(1, 'must be 1 (during the activity) or later')
    .default(1)
    .meta({ description: 'The year the benefit starts: 1 = during the activity, 2 = the year after, and so on' }),
  durationYears: WholeYears.meta({ description: 'How many years the outcome lasts, counted from startYear' }),
  dropOffPercent: Percent.meta({ description: 'Yearly decline from the outcome’s second year on' }),
  deadweightPercent: Percent.meta({ description: 'How much would have happened anyway' }),
  attributionPercent: Percent.meta({ description: 'How much is owed to others' }),
  displacementPercent: Percent.meta({ description: 'How much displaces other outcomes' }),
  assumptionSources: z.string().optional().meta({ description: 'Where the deadweight, attribution, displacement, drop-off and duration come from' }),
  sensitivity: OutcomeSensitivity.optional(),
});
export type Outcome = z.infer<typeof Outcome>;

const SensitivitySettings = z.strictObject({
  percentagePoints: z.number().min(0).max(100).default(10).meta({ description: 'Deadweight, attribution, displacement and drop-off vary by ± this many points (within 0–100) unless an outcome states its range' }),
  proxyPercent: z.number().min(0).max(100).default(25).meta({ description: 'Entered proxies vary by ± this per cent unless an outcome states its range (the WELLBY uses the Green Book range)' }),
  quantityPercent: z.number().min(0).max(100).default(20).meta({ description: 'Quantities vary by ± this per cent unless an outcome states its own' }),
  durationYears: z.number().int().min(0).default(1).meta({ description: 'Durations vary by ± this many years (at least 1 year)' }),
  discountRatePercent: Range.default({ low: 1.5, high: 5.5 }).meta({ description: 'The discount rate’s range, in per cent' }),
  investmentPercent: z.number().min(0).max(100).default(10).meta({ description: 'The investment varies by ± this per cent' }),
});

const Settings = z.strictObject({
  priceYear: Year.meta({ description: 'The price year of the analysis: every proxy and input is uprated to it' }),
  priceIndex: z
    .strictObject({
      source: Text.meta({ description: 'Where the index comes from, e.g. HM Treasury GDP deflators, with the release date' }),
      values: z
        .record(z.string().regex(/^\d{4}$/, 'use four-digit years as keys'), z.number().positive('an index value must be more than 0'))
        .meta({ description: 'Index value per year, e.g. { "2019": 100, "2025": 120.5 }: a value in year y prices × index[priceYear] ÷ index[y]' }),
    })
    .optional()
    .meta({ description: 'Needed when any proxy or input is in another price year than priceYear' }),
  discountRatePercent: Percent.default(3.5).meta({ description: 'HM Treasury Green Book social time preference rate: 3.5% (a setting, as the rate is under review)' }),
  analysisPeriodYears: z.number().int('must be a whole number of years').min(1, 'must be at least 1 year').max(100, 'must be at most 100 years').meta({
    description: 'Years 1 … N are valued and discounted; outcome years beyond N are left out',
  }),
  sensitivity: SensitivitySettings.prefault({}),
  monteCarlo: z
    .strictObject({
      iterations: z.number().int().min(100, 'run at least 100 iterations').max(100_000, 'run at most 100,000 iterations').default(10_000),
      seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).meta({ description: 'The same seed gives the same distribution' }),
    })
    .prefault({}),
});

export const SroiModel = z.strictObject({
  $schema: z.string().optional(),
  id: Id,
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'use a semantic version such as 1.0.0').meta({ description: "The model's own version: change it whenever an assumption changes" }),
  title: Text,
  description: z.string().optional(),
  study: z.string().optional().meta({ description: 'The study id the model is for; a dataset from another study is refused' }),
  settings: Settings,
  stakeholders: z
    .array(z.strictObject({ id: Id, name: Text, description: z.string().optional() }))
    .min(1, 'list at least one stakeholder'),
  inputs: z
    .array(
      z.strictObject({
        description: Text,
        value: Pounds.meta({ description: '£ invested' }),
        stakeholder: Id.optional().meta({ description: 'Who provides it (a stakeholder id)' }),
        priceYear: Year.optional().meta({ description: 'Defaults to settings.priceYear' }),
        source: z.string().optional(),
      }),
    )
    .min(1, 'list at least one input (the investment)'),
  outcomes: z.array(Outcome).min(1, 'list at least one outcome'),
});
export type SroiModel = z.infer<typeof SroiModel>;

export type ModelProblem = { path: string; message: string };

export type ModelCheck = { ok: true; model: SroiModel } | { ok: false; problems: ModelProblem[] };

/** Parses and checks a model (already read from JSON); every problem names its field. */
export function checkSroiModel(value: unknown): ModelCheck {
  const parsed = SroiModel.safeParse(value);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: inPlainWords(issue) })) };
  const problems = checkModelReferences(parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, model: parsed.data };
}

/** The checks that look at more than one field. */
function checkModelReferences(model: SroiModel): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });

  const stakeholderIds = new Set<string>();
  model.stakeholders.forEach((s, i) => {
    if (stakeholderIds.has(s.id)) problem(`stakeholders[${i}].id`, `"${s.id}" is used twice; give each stakeholder its own id`);
    stakeholderIds.add(s.id);
  });
  const knownStakeholder = (id: string, path: string) => {
    if (!stakeholderIds.has(id)) problem(path, `"${id}" is not one of the stakeholders (${[...stakeholderIds].join(', ')})`);
  };

  const { priceYear, priceIndex } = model.settings;
  const checkPriceYear = (year: number, path: string) => {
    if (year === priceYear) return;
    if (!priceIndex) problem(path, `${year} differs from settings.priceYear (${priceYear}): add settings.priceIndex with both years to uprate it`);
    else for (const needed of [year, priceYear]) {
      if (priceIndex.values[String(needed)] === undefined) problem(path, `settings.priceIndex.values has no ${needed}: add it to uprate ${year} prices to ${priceYear}`);
    }
  };

  const total = model.inputs.reduce((sum, input) => sum + input.value, 0);
  if (total <= 0) problem('inputs', 'the total investment must be more than £0: the SROI ratio divides by it');
  model.inputs.forEach((input, i) => {
    if (input.stakeholder) knownStakeholder(input.stakeholder, `inputs[${i}].stakeholder`);
    if (input.priceYear !== undefined) checkPriceYear(input.priceYear, `inputs[${i}].priceYear`);
  });

  const outcomeIds = new Set<string>();
  model.outcomes.forEach((outcome, i) => {
    const at = `outcomes[${i}]`;
    if (outcomeIds.has(outcome.id)) problem(`${at}.id`, `"${outcome.id}" is used twice; give each outcome its own id`);
    outcomeIds.add(outcome.id);
    knownStakeholder(outcome.stakeholder, `${at}.stakeholder`);

    const { indicator, proxy } = outcome;
    if (indicator.kind === 'score-change') {
      if (indicator.rule === 'improved-by-at-least' && indicator.threshold === undefined) {
        problem(`${at}.indicator.threshold`, 'rule improved-by-at-least needs a threshold in score points');
      }
      if (indicator.rule === 'meaningful-improvement' && indicator.threshold !== undefined) {
        problem(`${at}.indicator.threshold`, "meaningful-improvement uses the scale's own threshold (the export's meaningful_change flag): remove threshold, or use rule improved-by-at-least");
      }
    }
    if (indicator.kind !== 'manual' && indicator.fromWave === indicator.toWave) {
      problem(`${at}.indicator.toWave`, 'must be another wave than fromWave');
    }
    if (indicator.kind === 'manual' && outcome.scaling) {
      problem(`${at}.scaling`, 'a manual quantity is already the number you mean: remove scaling, or enter the cohort figure as the quantity');
    }
    if (proxy.kind === 'wellby' && indicator.kind !== 'wellby' && indicator.kind !== 'manual') {
      problem(`${at}.proxy`, 'the WELLBY values one point of life satisfaction for one year: use it with a wellby indicator, or a manual quantity counted in WELLBYs');
    }
    checkPriceYear(proxy.kind === 'wellby' ? GREEN_BOOK_WELLBY.priceYear : proxy.priceYear, `${at}.proxy${proxy.kind === 'wellby' ? '' : '.priceYear'}`);

    const ranges = outcome.sensitivity ?? {};
    const percentFields = ['deadweightPercent', 'attributionPercent', 'displacementPercent', 'dropOffPercent'] as const;
    for (const field of percentFields) {
      const range = ranges[field];
      if (range) checkRange(range, outcome[field], 0, 100, `${at}.sensitivity.${field}`, problem);
    }
    if (ranges.durationYears) {
      checkRange(ranges.durationYears, outcome.durationYears, 1, Infinity, `${at}.sensitivity.durationYears`, problem);
      if (!Number.isInteger(ranges.durationYears.low) || !Number.isInteger(ranges.durationYears.high)) {
        problem(`${at}.sensitivity.durationYears`, 'durations are whole years');
      }
    }
    if (ranges.proxyValue) {
      const central = proxy.kind === 'wellby' ? GREEN_BOOK_WELLBY.value : proxy.value;
      checkRange(ranges.proxyValue, central, 0, Infinity, `${at}.sensitivity.proxyValue`, problem);
    }
  });

  const rate = model.settings.sensitivity.discountRatePercent;
  checkRange(rate, model.settings.discountRatePercent, 0, 100, 'settings.sensitivity.discountRatePercent', problem);
  return problems;
}

function checkRange(range: { low: number; high: number }, central: number, min: number, max: number, path: string, problem: (path: string, message: string) => void) {
  if (range.low < min || range.high > max) problem(path, `must lie within ${min}–${max === Infinity ? '∞' : max}`);
  else if (central < range.low || central > range.high) problem(path, `must contain the central value ${central} (low ${range.low}, high ${range.high})`);
}

/** What to write where a field is missing, by the field's name; anything else is "is missing: add it". */
const MISSING: Readonly<Record<string, string>> = {
  source: 'write where this value comes from',
  label: 'give it a label people will read',
  id: 'give it an id (lower-case letters, digits and hyphens)',
  value: 'give the value',
  low: 'give the lowest plausible value',
  high: 'give the highest plausible value',
  priceYear: 'give the year whose prices the value is in, e.g. 2025',
  kind: 'say which kind it is',
};

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text in quotes',
  number: 'a number, without quotes',
  boolean: 'true or false',
  array: 'a list in [ ]',
  object: 'an object in { }',
};

/** The validation library's wording ("Invalid input: expected string, received undefined") in the words the other checks use. */
function inPlainWords(issue: z.core.$ZodIssue): string {
  const field = String(issue.path.at(-1) ?? '');
  // The schema's own messages ("must be a whole number of years") are already words for people.
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    if (/received undefined$/.test(issue.message)) return `is missing: ${MISSING[field] ?? 'add it'}`;
    return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `${issue.keys.map((key) => `"${key}"`).join(', ')} ${issue.keys.length === 1 ? 'is not a field' : 'are not fields'} here: check the spelling (docs/sroi.md lists the fields)`;
  }
  return issue.message;
}

function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '') || '(root)';
}

/** The JSON Schema analysts' editors use (docs/sroi-model.schema.json); generated, never edited by hand. */
export function sroiModelJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SroiModel, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}
