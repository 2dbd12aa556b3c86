/**
 * A synthetic cohort: made-up care leavers answering the shipped instruments
 * over a baseline and follow-up waves, for benchmarks, demos and trying the
 * analysis before real data exists (`npm run pont -- demo-cohort`).
 *
 * Each participant has two hidden traits: a wellbeing level, and their
 * engagement with the new framework of support. Wellbeing drives ONS4 (anxiety
 * the other way) and SWEMWBS; engagement drives the care-leaver-engagement
 * items and moves wellbeing between waves, so change from baseline has
 * something to find. Who completes, drops out or declines depends on both, as
 * in real studies. Nothing here is data about anyone: codes start with SYN-,
 * free text is marked as a synthetic example, and the study is marked synthetic.
 *
 * Pure: the same seed gives the same participants and answers (dates count
 * back from `now`). The records are the storage modules' own types; the
 * imports below are type-only, so this module never loads AWS.
 */
import type { Language, LocalisedText } from '../functions/contracts/common.js';
import type { Answers } from '../functions/contracts/respondent.js';
import type { DisclosureControl, HierarchyLevel, ParticipantAttribute } from '../functions/contracts/studies.js';
import type { ConsentRecord } from '../functions/storage/consents.js';
import type { ParticipantLink } from '../functions/storage/links.js';
import type { Participant } from '../functions/storage/participants.js';
import type { StoredResponse } from '../functions/storage/responses.js';
import type { InstrumentPin, Wave } from '../functions/storage/studies.js';
import type { InstrumentVersion } from '../functions/domain/instrument.js';

export const DEFAULT_SEED = 'pont';

/** Every wave pins the shipped versions, in the order a respondent meets them. */
export const DEMO_COHORT_INSTRUMENTS: InstrumentPin[] = [
  { id: 'ons4', version: '1.1.0' },
  { id: 'swemwbs', version: '1.1.0' },
  { id: 'care-leaver-engagement', version: '0.1.0' },
  { id: 'context', version: '1.2.0' },
];

export const DEMO_COHORT_TITLE: LocalisedText = {
  en: 'Synthetic cohort (made-up data, not real people)',
  cy: "Carfan synthetig (data wedi'u creu, nid pobl go iawn)",
};

export const DEMO_COHORT_CONSENT_VERSION = 'synthetic-consent-1';

/** SWEMWBS needs a registration reference before a wave may run it; a synthetic study has none to record. */
const SYNTHETIC_REGISTRATION = 'SYNTHETIC: no registration (made-up data; a real study records its own reference)';

/** Targets the generator aims at; tests check the cohort lands near them. */
export const COHORT_TARGETS = {
  baselineCompletion: 0.85,
  /** Of those who completed the baseline, the share who complete each follow-up. */
  retention: 0.7,
  /** Of those who completed the baseline, the share who later withdraw from future waves. */
  withdrawal: 0.015,
} as const;

const DAY_MS = 24 * 3600_000;
const WINDOW_DAYS = 42;

export type CohortOptions = {
  studyId: string;
  participants: number;
  /** Baseline plus follow-ups at +6, +12, … months. */
  waves: number;
  seed: string;
  now: Date;
  /** The published versions of DEMO_COHORT_INSTRUMENTS. */
  instruments: InstrumentVersion[];
};

export type CohortDesign = {
  attributes: ParticipantAttribute[];
  /** How exports may coarsen its quasi-identifiers: local authority kept exact first. */
  disclosureControl: DisclosureControl;
  waves: Wave[];
  createdAt: string;
};

/** A link as issued; the token (and so its hash) is made by whoever stores it. */
export type SyntheticLink = Omit<ParticipantLink, 'tokenHash'> & {
  /** True when the participant withdrew later: withdrawal deletes the token item and keeps the link item. */
  revoked: boolean;
};

export type SyntheticParticipant = {
  participant: Participant;
  links: SyntheticLink[];
  consents: ConsentRecord[];
  responses: StoredResponse[];
};

// ---------------------------------------------------------------------------
// The study: declared attributes and waves

/** Follow-up k is centred on k × 6 months after the participant's baseline, open three weeks either side. */
const followUpCentreDays = (k: number) => Math.round(k * 182.5);

export function cohortDesign(options: Pick<CohortOptions, 'studyId' | 'waves' | 'now' | 'instruments'>): CohortDesign {
  const { studyId, waves, now } = options;
  const lastFollowUpEnds = waves > 1 ? followUpCentreDays(waves - 1) + WINDOW_DAYS / 2 : 0;
  // Far enough back that every window, even of the latest baseline completer, has closed by now,
  // and so have the few months in which a withdrawal after the baseline falls.
  const daysBack = WINDOW_DAYS + Math.max(lastFollowUpEnds, WITHDRAWAL_DAYS.to) + 14;
  const baselineOpens = new Date(startOfUtcDay(now).getTime() - daysBack * DAY_MS + 9 * 3600_000);
  const registrations = Object.fromEntries(options.instruments.filter((i) => i.licence.requiresRegistration).map((i) => [i.id, SYNTHETIC_REGISTRATION]));
  const common = { studyId, instruments: DEMO_COHORT_INSTRUMENTS, consentVersion: DEMO_COHORT_CONSENT_VERSION, ...(Object.keys(registrations).length ? { registrations } : {}) };
  return {
    attributes: declaredAttributes(options.instruments),
    disclosureControl: disclosureControl(options.instruments),
    createdAt: new Date(baselineOpens.getTime() - 14 * DAY_MS).toISOString(),
    waves: Array.from({ length: waves }, (_, ordinal): Wave =>
      ordinal === 0
        ? {
            ...common,
            waveId: 'baseline',
            ordinal,
            name: { en: 'Baseline', cy: 'Llinell sylfaen' },
            window: { kind: 'fixed', opensAt: baselineOpens.toISOString(), closesAt: new Date(baselineOpens.getTime() + WINDOW_DAYS * DAY_MS).toISOString() },
          }
        : {
            ...common,
            waveId: `follow-up-${ordinal}`,
            ordinal,
            name: { en: `Follow-up ${ordinal} (${ordinal * 6} months)`, cy: `Dilyniant ${ordinal} (${ordinal * 6} mis)` },
            window: { kind: 'relative', opensAfterDays: followUpCentreDays(ordinal) - WINDOW_DAYS / 2, openForDays: WINDOW_DAYS },
          },
    ),
  };
}

/**
 * Rough relative numbers of care leavers per local authority: big urban
 * councils dominate and rural ones are small, so a few attribute combinations
 * hold fewer than five participants and an export's k-anonymity has work to do.
 * Illustrative weights, not statistics.
 */
const LOCAL_AUTHORITY_WEIGHTS: Record<string, number> = {
  cardiff: 1000, rhondda_cynon_taf: 650, swansea: 520, newport: 450, caerphilly: 400, bridgend: 340, neath_port_talbot: 340,
  torfaen: 290, carmarthenshire: 280, vale_of_glamorgan: 260, gwynedd: 250, flintshire: 250, wrexham: 250, blaenau_gwent: 220,
  pembrokeshire: 220, powys: 210, conwy: 210, merthyr_tydfil: 190, denbighshire: 190, monmouthshire: 170, isle_of_anglesey: 140,
  ceredigion: 90,
};

const AGE_BANDS = { age_16_17: 0.2, age_18_20: 0.5, age_21_25: 0.3 };

const PLACEMENT_TYPES: Record<string, { weight: number; label: LocalisedText }> = {
  foster_care: { weight: 0.6, label: { en: 'Foster care', cy: 'Gofal maeth' } },
  kinship_care: { weight: 0.14, label: { en: 'Kinship care (family or friends)', cy: 'Gofal gan berthnasau (teulu neu ffrindiau)' } },
  residential: { weight: 0.12, label: { en: "Children's home", cy: 'Cartref plant' } },
  supported_lodgings: { weight: 0.1, label: { en: 'Supported lodgings', cy: 'Llety â chymorth' } },
  other: { weight: 0.04, label: { en: 'Other', cy: 'Arall' } },
};

/** Local authority and age band take their values and labels from the context instrument, so answers and attributes agree. */
function declaredAttributes(instruments: InstrumentVersion[]): ParticipantAttribute[] {
  const choicesOf = (name: string) => contextChoices(instruments, name).filter((c) => c.value !== OUTSIDE_WALES);
  return [
    {
      id: 'local_authority',
      label: { en: 'Local authority', cy: 'Awdurdod lleol' },
      values: choicesOf('ctx_local_authority').map((c) => ({ value: c.value, label: c.text })),
      quasiIdentifier: true,
    },
    {
      id: 'age_band',
      label: { en: 'Age band at baseline', cy: 'Band oedran ar y llinell sylfaen' },
      values: choicesOf('ctx_age_band').map((c) => ({ value: c.value, label: c.text })),
      quasiIdentifier: true,
    },
    {
      id: 'placement_type',
      label: { en: 'Last placement before leaving care', cy: 'Lleoliad olaf cyn gadael gofal' },
      values: Object.entries(PLACEMENT_TYPES).map(([value, { label }]) => ({ value, label })),
      quasiIdentifier: true,
    },
  ];
}

/**
 * Welsh local authorities by police force area (North Wales, Dyfed-Powys,
 * South Wales, Gwent): four statutory areas everyone in Welsh services knows,
 * each holding enough of a cohort (the smallest, Dyfed-Powys, about 12% of
 * this one) to keep groups of five at a few hundred participants. The seven
 * regional partnership boards, social care's own footprint, would leave Powys
 * alone at 3%, and the four corporate joint committees Mid Wales at two
 * councils.
 */
const POLICE_FORCE_AREAS: { value: string; label: LocalisedText; members: string[] }[] = [
  { value: 'north_wales', label: { en: 'North Wales', cy: 'Gogledd Cymru' }, members: ['conwy', 'denbighshire', 'flintshire', 'gwynedd', 'isle_of_anglesey', 'wrexham'] },
  { value: 'dyfed_powys', label: { en: 'Mid and West Wales (Dyfed-Powys)', cy: 'Canolbarth a Gorllewin Cymru (Dyfed-Powys)' }, members: ['carmarthenshire', 'ceredigion', 'pembrokeshire', 'powys'] },
  {
    value: 'south_wales',
    label: { en: 'South Wales (Swansea to Cardiff)', cy: "De Cymru (Abertawe i Gaerdydd)" },
    members: ['bridgend', 'cardiff', 'merthyr_tydfil', 'neath_port_talbot', 'rhondda_cynon_taf', 'swansea', 'vale_of_glamorgan'],
  },
  { value: 'gwent', label: { en: 'Gwent (South East Wales)', cy: 'Gwent (De-ddwyrain Cymru)' }, members: ['blaenau_gwent', 'caerphilly', 'monmouthshire', 'newport', 'torfaen'] },
];

const OUTSIDE_WALES = 'outside_wales';

/** Local authority → police force area → Wales; a move out of Wales stays one at every level. */
function localAuthorityLevels(values: readonly string[]): HierarchyLevel[] {
  const outside = values.includes(OUTSIDE_WALES) ? [{ value: OUTSIDE_WALES, label: { en: 'Outside Wales', cy: 'Y tu allan i Gymru' }, members: [OUTSIDE_WALES] }] : [];
  return [
    { id: 'region', label: { en: 'Police force area', cy: 'Ardal heddlu' }, groups: [...POLICE_FORCE_AREAS, ...outside] },
    { id: 'wales', label: { en: 'Wales', cy: 'Cymru' }, groups: [{ value: 'wales', label: { en: 'Wales', cy: 'Cymru' }, members: POLICE_FORCE_AREAS.flatMap((area) => area.members) }, ...outside] },
  ];
}

const TWO_AGE_BANDS: HierarchyLevel[] = [
  {
    id: 'two_bands',
    label: { en: 'Two age bands', cy: 'Dau fand oedran' },
    groups: [
      { value: 'age_16_20', label: { en: '16 to 20', cy: '16 i 20' }, members: ['age_16_17', 'age_18_20'] },
      { value: 'age_21_25', label: { en: '21 to 25', cy: '21 i 25' }, members: ['age_21_25'] },
    ],
  },
];

const PLACEMENT_LEVELS: HierarchyLevel[] = [
  {
    id: 'family_based',
    label: { en: 'Family-based or not', cy: 'Teuluol neu beidio' },
    groups: [
      { value: 'family_based', label: { en: 'Family-based (foster or kinship care)', cy: 'Teuluol (gofal maeth neu gan berthnasau)' }, members: ['foster_care', 'kinship_care'] },
      { value: 'not_family_based', label: { en: "Children's home, supported lodgings or other", cy: 'Cartref plant, llety â chymorth neu arall' }, members: ['residential', 'supported_lodgings', 'other'] },
    ],
  },
];

/** The study's hierarchies: the attributes and the context questionnaire's answers to the same questions coarsen alike. */
function disclosureControl(instruments: InstrumentVersion[]): DisclosureControl {
  const authorities = contextChoices(instruments, 'ctx_local_authority').map((c) => c.value);
  return {
    local_authority: { priority: 1, levels: localAuthorityLevels(authorities.filter((value) => value !== OUTSIDE_WALES)) },
    age_band: { levels: TWO_AGE_BANDS },
    placement_type: { levels: PLACEMENT_LEVELS },
    ctx_local_authority: { instrument: 'context', levels: localAuthorityLevels(authorities) },
    ctx_age_band: { instrument: 'context', levels: TWO_AGE_BANDS },
  };
}

/** A context question's answer choices, "prefer not to say" left out. */
function contextChoices(instruments: InstrumentVersion[], name: string): { value: string; text: LocalisedText }[] {
  const question = surveyQuestions(instrumentById(instruments, 'context')).find((q) => q.name === name);
  return ((question?.choices ?? []) as { value: string; text: LocalisedText }[]).filter((c) => c.value !== 'prefer_not_to_say');
}

// ---------------------------------------------------------------------------
// Participants

/**
 * The cohort's participants one at a time, so a loader can write them as
 * they come without holding 10,000 of them in memory. Each participant draws
 * from a random stream of their own (seed and index), so any one of them can
 * be reproduced alone.
 */
export function* syntheticParticipants(options: CohortOptions, design = cohortDesign(options)): Generator<SyntheticParticipant> {
  const instruments = DEMO_COHORT_INSTRUMENTS.map((pin) => instrumentById(options.instruments, pin.id, pin.version));
  const width = Math.max(5, String(options.participants).length);
  for (let index = 0; index < options.participants; index += 1) {
    const code = `SYN-${String(index + 1).padStart(width, '0')}`;
    yield syntheticParticipant(randomStream(`${options.seed}#${index}`), code, options.studyId, design, instruments);
  }
}

type Traits = {
  localAuthority: string;
  ageBand: string;
  placement: string;
  gender: string;
  language: Language;
  /** Hidden wellbeing at baseline, standard normal-ish. */
  wellbeing: number;
  /** Hidden engagement with the new framework, correlated with wellbeing at baseline. */
  engagement: number;
};

/** How far a participant got in one wave. */
type Outcome = 'invited' | 'opened' | 'declined' | 'consented' | 'in_progress' | 'completed';

function syntheticParticipant(random: Random, participantCode: string, studyId: string, design: CohortDesign, instruments: InstrumentVersion[]): SyntheticParticipant {
  const traits = drawTraits(random);
  const result: SyntheticParticipant = {
    participant: {
      studyId,
      participantCode,
      attributes: { local_authority: traits.localAuthority, age_band: traits.ageBand, placement_type: traits.placement },
      createdAt: design.createdAt,
    },
    links: [],
    consents: [],
    responses: [],
  };
  const [baseline, ...followUps] = design.waves;
  const baselineOpens = Date.parse((baseline!.window as { opensAt: string }).opensAt);

  // Baseline: everyone is invited, links issued two days before the window opens.
  const baselineOutcome = drawOutcome(random, clamp(COHORT_TARGETS.baselineCompletion + 0.05 * traits.engagement, 0.05, 0.98), BASELINE_SHORTFALL);
  const baselineAnswered = answerWave(random, result, traits, baseline!, instruments, {
    issuedAt: baselineOpens - 2 * DAY_MS,
    opensAt: baselineOpens,
    outcome: baselineOutcome,
    wellbeing: traits.wellbeing,
    engagement: traits.engagement,
  });
  // As saveResponse does: relative windows count from the first completed baseline instrument.
  const baselineCompletedAt = result.responses.find((r) => r.status === 'complete')?.completedAt;
  if (baselineCompletedAt) result.participant.baselineCompletedAt = baselineCompletedAt;

  // A few who completed the baseline withdraw from future waves at some point before the last follow-up.
  const withdrawsAfter =
    baselineAnswered === 'completed' && random() < COHORT_TARGETS.withdrawal ? Math.floor(random() * Math.max(1, followUps.length)) : undefined;

  let wellbeing = traits.wellbeing;
  let previous: Outcome = baselineOutcome;
  for (const wave of followUps) {
    const k = wave.ordinal;
    // Engagement with the framework moves wellbeing: the engaged improve, others drift back.
    wellbeing = 0.8 * wellbeing + 0.25 * traits.engagement + 0.05 + 0.55 * random.normal();
    const engagement = traits.engagement + 0.1 * k + 0.3 * random.normal();
    if (!baselineCompletedAt || withdrawsAfter !== undefined && k > withdrawsAfter) break;
    const window = wave.window as { opensAfterDays: number };
    const opensAt = Date.parse(baselineCompletedAt) + window.opensAfterDays * DAY_MS;
    // People drop in and out: those who answered last time are likelier to answer again,
    // weighted so that about COHORT_TARGETS.retention of baseline completers complete each follow-up.
    const base = baselineAnswered !== 'completed' ? 0.35 : k === 1 ? COHORT_TARGETS.retention : previous === 'completed' ? 0.83 : 0.4;
    const outcome = drawOutcome(random, clamp(base + 0.06 * traits.engagement, 0.02, 0.98), FOLLOW_UP_SHORTFALL);
    answerWave(random, result, traits, wave, instruments, { issuedAt: opensAt, opensAt, outcome, wellbeing, engagement });
    previous = outcome;
  }

  if (withdrawsAfter !== undefined) {
    const after = Date.parse(baselineCompletedAt!) + (withdrawsAfter === 0 ? 0 : followUpCentreDays(withdrawsAfter)) * DAY_MS;
    result.participant.withdrawnAt = iso(after + (WITHDRAWAL_DAYS.from + random() * (WITHDRAWAL_DAYS.to - WITHDRAWAL_DAYS.from)) * DAY_MS);
    for (const link of result.links) link.revoked = true;
  }
  const lastResponse = result.responses.at(-1);
  if (lastResponse) result.participant.language = lastResponse.language;
  return result;
}

/** A withdrawal comes this many days after the last wave the participant was asked to answer: before the next one opens. */
const WITHDRAWAL_DAYS = { from: 30, to: 120 };

/** Where those who do not complete a wave stop, relative to each other. */
const BASELINE_SHORTFALL: Record<Exclude<Outcome, 'completed'>, number> = { invited: 0.37, opened: 0.13, declined: 0.2, consented: 0.07, in_progress: 0.23 };
const FOLLOW_UP_SHORTFALL: Record<Exclude<Outcome, 'completed'>, number> = { invited: 0.5, opened: 0.1, declined: 0.1, consented: 0.05, in_progress: 0.25 };

function drawOutcome(random: Random, completes: number, shortfall: Record<Exclude<Outcome, 'completed'>, number>): Outcome {
  return random() < completes ? 'completed' : pick(random, shortfall);
}

function drawTraits(random: Random): Traits {
  const localAuthority = pick(random, LOCAL_AUTHORITY_WEIGHTS);
  const ageBand = pick(random, AGE_BANDS);
  const placement = pick(random, Object.fromEntries(Object.entries(PLACEMENT_TYPES).map(([value, p]) => [value, p.weight])));
  const gender = pick(random, { woman_or_girl: 0.46, man_or_boy: 0.47, non_binary_or_another_way: 0.04, prefer_not_to_say: 0.03 });
  // More Welsh speakers in the north and west.
  const welsh = ({ gwynedd: 0.45, isle_of_anglesey: 0.35, ceredigion: 0.3, carmarthenshire: 0.2, conwy: 0.1, denbighshire: 0.1, powys: 0.08 } as Record<string, number>)[localAuthority] ?? 0.04;
  const shift = ({ residential: -0.3, kinship_care: 0.1, other: -0.1 } as Record<string, number>)[placement] ?? 0;
  const wellbeing = random.normal() + shift + (ageBand === 'age_21_25' ? -0.1 : 0);
  return {
    localAuthority,
    ageBand,
    placement,
    gender,
    language: random() < welsh ? 'cy' : 'en',
    wellbeing,
    engagement: 0.3 * wellbeing + 0.95 * random.normal(),
  };
}

type WaveVisit = { issuedAt: number; opensAt: number; outcome: Outcome; wellbeing: number; engagement: number };

/**
 * One participant's wave, as the respondent path would have stored it: the
 * link, when it was opened, the consent decision, and each instrument
 * answered in turn (the last one partial when they stopped part-way).
 * Returns how far they got.
 */
function answerWave(random: Random, into: SyntheticParticipant, traits: Traits, wave: Wave, instruments: InstrumentVersion[], visit: WaveVisit): Outcome {
  const { studyId, participantCode } = into.participant;
  const { waveId } = wave;
  const link: SyntheticLink = { studyId, participantCode, waveId, issuedAt: iso(visit.issuedAt), revoked: false };
  into.links.push(link);
  if (visit.outcome === 'invited') return visit.outcome;

  const openedAt = respondentTime(random, visit.opensAt);
  link.openedAt = iso(openedAt);
  if (visit.outcome === 'opened') return visit.outcome;

  let clock = openedAt + minutes(random, 0.5, 3);
  const decision = visit.outcome === 'declined' ? 'declined' : 'agreed';
  into.consents.push({ studyId, participantCode, waveId, consentVersion: wave.consentVersion, decision, language: traits.language, decidedAt: iso(clock) });
  if (visit.outcome === 'declined' || visit.outcome === 'consented') return visit.outcome;

  // An in-progress participant completed some instruments and stopped part-way through the next.
  const completedCount = visit.outcome === 'completed' ? instruments.length : Math.floor(random() * instruments.length);
  for (const [position, instrument] of instruments.slice(0, Math.min(completedCount + 1, instruments.length)).entries()) {
    const answers = answersFor(random, instrument.id, traits, wave.ordinal, visit);
    clock += minutes(random, ...MINUTES_PER_INSTRUMENT[instrument.id]!);
    const base = {
      studyId,
      participantCode,
      waveId,
      instrumentId: instrument.id,
      instrumentVersion: instrument.version,
      contentHash: instrument.contentHash,
      language: traits.language,
      savedAt: iso(clock),
      // Loaded as if answered in one sitting and saved once.
      revision: 1,
    };
    if (position < completedCount) {
      into.responses.push({ ...base, answers, status: 'complete', completedAt: iso(clock), pageName: lastPageName(instrument) });
    } else {
      into.responses.push({ ...base, status: 'partial', ...partOf(random, instrument, answers) });
    }
  }
  return visit.outcome;
}

const MINUTES_PER_INSTRUMENT: Record<string, [number, number]> = {
  ons4: [1, 3],
  swemwbs: [1, 3],
  'care-leaver-engagement': [3, 9],
  context: [1, 2],
};

/** Answers of the pages before the one they stopped on, and some of that page: what autosave would hold. */
function partOf(random: Random, instrument: InstrumentVersion, answers: Answers): { answers: Answers; pageName: string } {
  const pages = surveyPages(instrument).map((page) => ({ name: page.name, questions: page.elements.map((e) => e.name).filter((name) => name in answers) }));
  const stoppedOn = Math.floor(random() * pages.length);
  const kept = pages.slice(0, stoppedOn).flatMap((p) => p.questions);
  const onPage = pages[stoppedOn]!.questions;
  kept.push(...onPage.slice(0, Math.max(1, Math.floor(random() * onPage.length))));
  return { answers: Object.fromEntries(kept.map((name) => [name, answers[name]])), pageName: pages[stoppedOn]!.name };
}

// ---------------------------------------------------------------------------
// Answers

function answersFor(random: Random, instrumentId: string, traits: Traits, ordinal: number, visit: WaveVisit): Answers {
  const w = visit.wellbeing;
  const e = visit.engagement;
  const scale = (centre: number, spread: number, min: number, max: number) => clamp(Math.round(centre + spread * random.normal()), min, max);
  switch (instrumentId) {
    case 'ons4':
      // Care leavers report lower wellbeing than the UK population (about 7.5 out of 10).
      return {
        ons4_life_satisfaction: scale(6.2 + 1.7 * w, 1.3, 0, 10),
        ons4_worthwhile: scale(6.6 + 1.5 * w, 1.4, 0, 10),
        ons4_happiness: scale(6.0 + 1.7 * w, 1.7, 0, 10),
        ons4_anxiety: scale(4.4 - 1.4 * w, 2.2, 0, 10),
      };
    case 'swemwbs':
      return Object.fromEntries(SWEMWBS_ITEMS.map((name) => [name, scale(3.0 + 0.65 * w, 0.75, 1, 5)]));
    case 'care-leaver-engagement': {
      const answers: Answers = {};
      for (const [name, item] of Object.entries(ENGAGEMENT_ITEMS)) {
        const roll = random();
        if (roll < 0.03) answers[name] = 'prefer_not_to_say';
        else if (roll < 0.03 + (item.notApplicable ?? 0)) answers[name] = 'not_applicable';
        else answers[name] = scale(item.centre + item.engagement * e + item.wellbeing * w, item.spread, 1, 5);
      }
      if (random() < 0.06) answers.cle_anything_else = `[Synthetic example] ${SYNTHETIC_COMMENTS[Math.floor(random() * SYNTHETIC_COMMENTS.length)]}`;
      return answers;
    }
    case 'context':
      return contextAnswers(random, traits, ordinal, w);
    default:
      throw new Error(`The synthetic cohort has no answer model for ${instrumentId}`);
  }
}

const SWEMWBS_ITEMS = ['swemwbs_optimistic', 'swemwbs_useful', 'swemwbs_relaxed', 'swemwbs_problems', 'swemwbs_thinking', 'swemwbs_close', 'swemwbs_own_mind'];

/**
 * Each item's typical answer (1–5, agreement), how far engagement and
 * wellbeing move it, and how often it does not apply (no social worker after
 * leaving care, no mental health referral…).
 */
const ENGAGEMENT_ITEMS: Record<string, { centre: number; engagement: number; wellbeing: number; spread: number; notApplicable?: number }> = {
  cle_listened_to: { centre: 3.3, engagement: 0.8, wellbeing: 0.2, spread: 0.8 },
  cle_understood: { centre: 3.1, engagement: 0.8, wellbeing: 0.2, spread: 0.8 },
  cle_views_count: { centre: 3.1, engagement: 0.8, wellbeing: 0.2, spread: 0.8 },
  cle_pa_trust: { centre: 3.5, engagement: 0.7, wellbeing: 0.1, spread: 0.9, notApplicable: 0.05 },
  cle_sw_trust: { centre: 3.0, engagement: 0.6, wellbeing: 0.1, spread: 1.0, notApplicable: 0.35 },
  // Agreeing is bad here (the scale reverses it).
  cle_workers_change: { centre: 3.2, engagement: -0.5, wellbeing: 0, spread: 0.9 },
  cle_know_who_to_contact: { centre: 3.6, engagement: 0.7, wellbeing: 0.1, spread: 0.8 },
  cle_get_replies: { centre: 3.1, engagement: 0.7, wellbeing: 0.1, spread: 0.9 },
  cle_kept_informed: { centre: 2.9, engagement: 0.7, wellbeing: 0.1, spread: 0.9 },
  cle_pathway_plan_say: { centre: 3.0, engagement: 0.8, wellbeing: 0.1, spread: 0.9 },
  // Barriers: agreeing means more in the way.
  cle_treated_differently: { centre: 3.0, engagement: -0.2, wellbeing: -0.3, spread: 0.9 },
  cle_rather_not_know: { centre: 3.1, engagement: 0, wellbeing: -0.2, spread: 1.0 },
  cle_label_judged: { centre: 3.0, engagement: -0.2, wellbeing: -0.3, spread: 0.9 },
  cle_lonely: { centre: 2.9, engagement: 0, wellbeing: -0.8, spread: 0.8 },
  cle_people_to_count_on: { centre: 3.4, engagement: 0.3, wellbeing: 0.6, spread: 0.8 },
  cle_mental_health_wait: { centre: 3.4, engagement: -0.3, wellbeing: -0.3, spread: 0.9, notApplicable: 0.3 },
  cle_housing_hard: { centre: 3.2, engagement: -0.3, wellbeing: -0.2, spread: 1.0, notApplicable: 0.15 },
  cle_other_services_hard: { centre: 3.1, engagement: -0.3, wellbeing: -0.2, spread: 0.9, notApplicable: 0.1 },
};

/** Clearly made-up comments, used only now and then: most people leave the box empty. */
const SYNTHETIC_COMMENTS = [
  'More help finding a flat would make a big difference.',
  'My adviser is great but hard to get hold of.',
  'I would like to know who to call at the weekend.',
  'Things have got better since I moved.',
  'Too many forms.',
];

function contextAnswers(random: Random, traits: Traits, ordinal: number, wellbeing: number): Answers {
  const orPreferNot = (value: string, chance = 0.02) => (random() < chance ? 'prefer_not_to_say' : value);
  // Six months older per wave: some move up an age band (16–17 spans two years, 18–20 three).
  const bands = ['age_16_17', 'age_18_20', 'age_21_25'];
  let band = bands.indexOf(traits.ageBand);
  if (band < 2 && random() < (ordinal * 0.5) / (band === 0 ? 2 : 3)) band += 1;
  const ageBand = bands[band]!;
  // A few move council or leave Wales between waves.
  const moved = ordinal > 0 ? random() : 1;
  const localAuthority = moved < 0.02 ? 'outside_wales' : moved < 0.05 ? pick(random, LOCAL_AUTHORITY_WEIGHTS) : traits.localAuthority;
  return {
    ctx_age_band: orPreferNot(ageBand),
    ctx_gender: traits.gender,
    ctx_living_situation: orPreferNot(pick(random, livingSituationWeights(ageBand, traits.placement, wellbeing)), 0.03),
    ctx_local_authority: orPreferNot(localAuthority),
    ctx_education_employment: orPreferNot(pick(random, educationWeights(ageBand, wellbeing)), 0.03),
  };
}

function livingSituationWeights(ageBand: string, placement: string, wellbeing: number): Record<string, number> {
  const weights: Record<string, number> = {
    age_16_17: { foster_carers: 0.45, childrens_home: 0.2, supported_accommodation: 0.22, own_tenancy: 0.01, family_or_friends: 0.08, no_fixed_address: 0.02, somewhere_else: 0.02 },
    age_18_20: { foster_carers: 0.2, childrens_home: 0.03, supported_accommodation: 0.3, own_tenancy: 0.22, family_or_friends: 0.12, no_fixed_address: 0.05, somewhere_else: 0.04 },
    age_21_25: { foster_carers: 0.05, childrens_home: 0, supported_accommodation: 0.12, own_tenancy: 0.58, family_or_friends: 0.14, no_fixed_address: 0.06, somewhere_else: 0.05 },
  }[ageBand]!;
  const scaled = { ...weights };
  if (placement === 'foster_care') scaled.foster_carers! *= 1.5;
  if (placement === 'residential') scaled.childrens_home! *= 3;
  if (placement === 'kinship_care') scaled.family_or_friends! *= 2;
  // Homelessness goes with low wellbeing.
  scaled.no_fixed_address! *= Math.exp(-0.6 * wellbeing);
  return scaled;
}

function educationWeights(ageBand: string, wellbeing: number): Record<string, number> {
  const weights: Record<string, number> = {
    age_16_17: { in_education: 0.72, in_training: 0.12, in_work: 0.03, looking_for_work: 0.08, unable_to_work_now: 0.03, something_else: 0.02 },
    age_18_20: { in_education: 0.3, in_training: 0.12, in_work: 0.2, looking_for_work: 0.24, unable_to_work_now: 0.09, something_else: 0.05 },
    age_21_25: { in_education: 0.12, in_training: 0.06, in_work: 0.4, looking_for_work: 0.22, unable_to_work_now: 0.14, something_else: 0.06 },
  }[ageBand]!;
  const tilt = (value: string) => (['in_education', 'in_training', 'in_work'].includes(value) ? Math.exp(0.3 * wellbeing) : Math.exp(-0.3 * wellbeing));
  return Object.fromEntries(Object.entries(weights).map(([value, weight]) => [value, weight * tilt(value)]));
}

// ---------------------------------------------------------------------------
// Time

/**
 * When a respondent gets to it: most within the first days of a window, a
 * long tail over the following weeks, mostly afternoons and evenings.
 */
function respondentTime(random: Random, opensAt: number): number {
  const days = Math.min(Math.floor(-Math.log(1 - random()) * 6), WINDOW_DAYS - 3);
  const hour = pick(random, HOURS);
  let time = startOfUtcDay(new Date(opensAt + days * DAY_MS)).getTime() + (Number(hour) + random()) * 3600_000;
  if (time < opensAt) time += DAY_MS;
  return time;
}

const HOURS: Record<string, number> = Object.fromEntries(
  Array.from({ length: 24 }, (_, hour) => [String(hour), hour < 7 ? 0.2 : hour < 12 ? 1 : hour < 16 ? 2 : hour < 23 ? 3 : 1]),
);

const minutes = (random: Random, from: number, to: number) => (from + random() * (to - from)) * 60_000;
const iso = (time: number) => new Date(time).toISOString();
const startOfUtcDay = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

// ---------------------------------------------------------------------------
// Instruments

type SurveyPage = { name: string; elements: { name: string; type: string; choices?: unknown[] }[] };

/** Each instrument's pages and questions (html elements take no answer), read once per instrument. */
const pagesOf = new WeakMap<InstrumentVersion, SurveyPage[]>();

function surveyPages(instrument: InstrumentVersion): SurveyPage[] {
  let pages = pagesOf.get(instrument);
  if (!pages) {
    pages = ((instrument.survey as { pages?: SurveyPage[] }).pages ?? []).map((page) => ({
      name: page.name,
      elements: (page.elements ?? []).filter((e) => e.type !== 'html'),
    }));
    pagesOf.set(instrument, pages);
  }
  return pages;
}

const surveyQuestions = (instrument: InstrumentVersion) => surveyPages(instrument).flatMap((page) => page.elements);
const lastPageName = (instrument: InstrumentVersion) => surveyPages(instrument).at(-1)!.name;

function instrumentById(instruments: InstrumentVersion[], id: string, version?: string): InstrumentVersion {
  const found = instruments.find((i) => i.id === id && (version === undefined || i.version === version));
  if (!found) throw new Error(`The synthetic cohort needs ${id}${version ? `@${version}` : ''}`);
  return found;
}

// ---------------------------------------------------------------------------
// Randomness: a small seeded generator, so a run can be repeated exactly.

export type Random = (() => number) & { normal: () => number };

/** sfc32 seeded through cyrb128: fast, well mixed, and the same in every JavaScript engine. */
export function randomStream(seed: string): Random {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < seed.length; i += 1) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  let a = (h1 ^ h2 ^ h3 ^ h4) >>> 0, b = (h2 ^ h1) >>> 0, c = (h3 ^ h1) >>> 0, d = (h4 ^ h1) >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Box–Muller: a standard normal from two uniforms.
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return Object.assign(next, { normal });
}

/** A value drawn with probability proportional to its weight. */
function pick<Value extends string>(random: Random, weights: Record<Value, number>): Value {
  const entries = Object.entries(weights) as [Value, number][];
  let roll = random() * entries.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of entries) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return entries.at(-1)![0];
}
