/** The synthetic cohort: reproducible, plausibly correlated, near its attrition targets, and valid for the server. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateAnswers } from '../../functions/domain/answer-validation.js';
import {
  cohortDesign,
  COHORT_TARGETS,
  DEMO_COHORT_INSTRUMENTS,
  syntheticParticipants,
  type CohortOptions,
  type SyntheticParticipant,
} from '../../cli/synthetic-cohort.js';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import { waveStatus } from '../../functions/domain/progress.js';
import { disclosureControlProblems } from '../../functions/domain/export/disclosure-control.js';
import { DisclosureControl } from '../../functions/contracts/studies.js';
import { participantWindow } from '../../functions/domain/wave-window.js';

const REPO_ROOT = join(import.meta.dirname, '../..');
const instruments = DEMO_COHORT_INSTRUMENTS.map((pin) => {
  const file = join(REPO_ROOT, 'instruments', pin.id, `${pin.version}.json`);
  return loadInstrumentText(readFileSync(file, 'utf8'), file);
});
const options = (overrides: Partial<CohortOptions> = {}): CohortOptions => ({
  studyId: 'synthetic',
  participants: 4000,
  waves: 3,
  seed: 'unit-test',
  now: new Date('2026-05-01T12:00:00Z'),
  instruments,
  ...overrides,
});

const cohort = [...syntheticParticipants(options())];
const design = cohortDesign(options());

/** Each participant's status in a wave, exactly as the progress view derives it. */
function statusIn(p: SyntheticParticipant, waveId: string) {
  return waveStatus({
    invited: p.links.some((l) => l.waveId === waveId),
    opened: p.links.some((l) => l.waveId === waveId && l.openedAt),
    consent: p.consents.find((c) => c.waveId === waveId)?.decision ?? null,
    responses: p.responses.filter((r) => r.waveId === waveId).map((r) => r.status),
    instrumentCount: DEMO_COHORT_INSTRUMENTS.length,
    withdrawn: !!p.participant.withdrawnAt,
  });
}

const completed = (p: SyntheticParticipant, waveId: string, instrumentId: string) =>
  p.responses.find((r) => r.waveId === waveId && r.instrumentId === instrumentId && r.status === 'complete');

function pearson(pairs: [number, number][]): number {
  const mean = (i: 0 | 1) => pairs.reduce((sum, pair) => sum + pair[i], 0) / pairs.length;
  const [mx, my] = [mean(0), mean(1)];
  let sxy = 0, sxx = 0, syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const sum = (values: unknown[]) => values.reduce((total: number, v) => total + (v as number), 0);

describe('the synthetic cohort', () => {
  it('is the same for the same seed, and different for another', () => {
    const again = [...syntheticParticipants(options({ participants: 50 }))];
    const other = [...syntheticParticipants(options({ participants: 50, seed: 'another' }))];

    expect(again).toEqual(cohort.slice(0, 50));
    expect(other).not.toEqual(again);
  });

  it('gives every participant a synthetic code and the attributes the study declares', () => {
    const declared = new Map(design.attributes.map((a) => [a.id, a.values.map((v) => v.value)]));

    expect([...declared.keys()]).toEqual(['local_authority', 'age_band', 'placement_type']);
    expect(design.attributes.every((a) => a.quasiIdentifier)).toBe(true);
    expect(declared.get('local_authority')).toHaveLength(22);
    const undeclared = cohort.flatMap(({ participant }) =>
      Object.entries(participant.attributes ?? {}).filter(([id, value]) => !declared.get(id)?.includes(value)),
    );
    expect(cohort.every(({ participant }) => /^SYN-\d{5}$/.test(participant.participantCode))).toBe(true);
    expect(undeclared).toEqual([]);
  });

  it('declares hierarchies that fit its attributes and the context questionnaire, local authority kept exact first', () => {
    const published = new Map([['context', instruments.filter((i) => i.id === 'context')]]);

    expect(disclosureControlProblems(DisclosureControl.parse(design.disclosureControl), design.attributes, [], published)).toEqual([]);
    expect(Object.entries(design.disclosureControl).filter(([, c]) => c.priority !== undefined)).toEqual([['local_authority', expect.objectContaining({ priority: 1 })]]);
    // Every Welsh local authority in exactly one region.
    const regions = design.disclosureControl.local_authority!.levels![0]!.groups;
    expect(regions.flatMap((g) => g.members).sort()).toEqual(design.attributes.find((a) => a.id === 'local_authority')!.values.map((v) => v.value).sort());
  });

  it('leaves a few small combinations of quasi-identifiers, for k-anonymity to deal with', () => {
    const cells = new Map<string, number>();
    for (const { participant } of cohort) {
      const key = JSON.stringify(participant.attributes);
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }

    expect([...cells.values()].filter((n) => n < 5).length).toBeGreaterThan(5);
    expect(Math.max(...cells.values())).toBeGreaterThan(100);
  });

  it('correlates the answers as real data would', () => {
    const baseline = cohort.flatMap((p) => {
      const ons4 = completed(p, 'baseline', 'ons4');
      const swemwbs = completed(p, 'baseline', 'swemwbs');
      return ons4 && swemwbs ? [{ ons4: ons4.answers, swemwbsRaw: sum(Object.values(swemwbs.answers)) }] : [];
    });
    const lifeSatisfaction = (r: (typeof baseline)[number]) => r.ons4.ons4_life_satisfaction as number;

    expect(pearson(baseline.map((r) => [lifeSatisfaction(r), r.swemwbsRaw]))).toBeGreaterThan(0.3);
    expect(pearson(baseline.map((r) => [lifeSatisfaction(r), r.ons4.ons4_anxiety as number]))).toBeLessThan(-0.2);
    expect(pearson(baseline.map((r) => [lifeSatisfaction(r), r.ons4.ons4_happiness as number]))).toBeGreaterThan(0.3);
  });

  it('moves wellbeing between waves with engagement: the engaged improve more', () => {
    const enablers = ['cle_listened_to', 'cle_understood', 'cle_views_count', 'cle_know_who_to_contact', 'cle_get_replies', 'cle_kept_informed', 'cle_pathway_plan_say'];
    const pairs = cohort.flatMap((p): [number, number][] => {
      const before = completed(p, 'baseline', 'ons4');
      const after = completed(p, 'follow-up-2', 'ons4');
      const engagement = completed(p, 'follow-up-1', 'care-leaver-engagement');
      if (!before || !after || !engagement) return [];
      const agreement = enablers.map((name) => engagement.answers[name]).filter((v): v is number => typeof v === 'number');
      const change = (after.answers.ons4_life_satisfaction as number) - (before.answers.ons4_life_satisfaction as number);
      return [[change, sum(agreement) / agreement.length]];
    });

    expect(pearson(pairs)).toBeGreaterThan(0.1);
  });

  it('completes the baseline and keeps participants at follow-ups near the targets, with some partial, declined and withdrawn', () => {
    const baseline = cohort.map((p) => statusIn(p, 'baseline'));
    const completedBaseline = cohort.filter((_, i) => baseline[i] === 'completed');
    const everCompletedBaseline = cohort.filter((p) => p.responses.filter((r) => r.waveId === 'baseline' && r.status === 'complete').length === DEMO_COHORT_INSTRUMENTS.length);

    expect(everCompletedBaseline.length / cohort.length).toBeCloseTo(COHORT_TARGETS.baselineCompletion, 1);
    for (const waveId of ['follow-up-1', 'follow-up-2']) {
      const retained = completedBaseline.filter((p) => statusIn(p, waveId) === 'completed').length / completedBaseline.length;
      expect(Math.abs(retained - COHORT_TARGETS.retention)).toBeLessThan(0.03);
    }
    for (const status of ['in_progress', 'declined', 'invited', 'opened'] as const) {
      expect(baseline.filter((s) => s === status).length).toBeGreaterThan(10);
    }
    const withdrawn = cohort.filter((p) => p.participant.withdrawnAt);
    expect(withdrawn.length / everCompletedBaseline.length).toBeLessThan(0.04);
    // Those who withdraw completed the baseline first: it stays completed, and a later wave shows the withdrawal.
    expect(completedBaseline.length).toBe(everCompletedBaseline.length);
    expect(withdrawn.filter((p) => statusIn(p, 'follow-up-2') === 'withdrawn').length).toBeGreaterThan(10);
    // Withdrawal deletes their tokens; their links stay on record.
    expect(withdrawn.every((p) => p.links.every((l) => l.revoked))).toBe(true);
  });

  it('answers each wave inside the participant’s window, spread over weeks, and nothing after now', () => {
    const now = options().now.getTime();
    const daysAfterBaseline: Record<string, number[]> = { 'follow-up-1': [], 'follow-up-2': [] };
    const outside: string[] = [];
    for (const p of cohort) {
      for (const response of p.responses) {
        const wave = design.waves.find((w) => w.waveId === response.waveId)!;
        const window = participantWindow(wave.window, p.participant.baselineCompletedAt)!;
        if (!(response.savedAt >= window.opensAt && response.savedAt < window.closesAt && Date.parse(response.savedAt) < now)) outside.push(response.savedAt);
        if (response.waveId !== 'baseline' && response.instrumentId === 'ons4' && response.status === 'complete') {
          daysAfterBaseline[response.waveId]!.push((Date.parse(response.savedAt) - Date.parse(p.participant.baselineCompletedAt!)) / 86_400_000);
        }
      }
      if (p.participant.withdrawnAt && Date.parse(p.participant.withdrawnAt) >= now) outside.push(p.participant.withdrawnAt);
    }
    expect(outside).toEqual([]);
    const baselineDays = cohort.flatMap((p) => (p.participant.baselineCompletedAt ? [Date.parse(p.participant.baselineCompletedAt)] : []));
    expect((Math.max(...baselineDays) - Math.min(...baselineDays)) / 86_400_000).toBeGreaterThan(21);
    for (const [waveId, months] of [['follow-up-1', 6], ['follow-up-2', 12]] as const) {
      const days = daysAfterBaseline[waveId]!;
      const median = days.sort((a, b) => a - b)[Math.floor(days.length / 2)]!;
      expect(Math.abs(median - months * 30.4)).toBeLessThan(21);
    }
  });

  it('gives free text only now and then, and marks it as synthetic', () => {
    const engagement = cohort.flatMap((p) => p.responses.filter((r) => r.instrumentId === 'care-leaver-engagement' && r.status === 'complete'));
    const comments = engagement.flatMap((r) => (r.answers.cle_anything_else ? [r.answers.cle_anything_else as string] : []));

    expect(comments.length).toBeGreaterThan(0);
    expect(comments.length / engagement.length).toBeLessThan(0.1);
    expect(comments.every((c) => c.startsWith('[Synthetic example]'))).toBe(true);
    expect(engagement.some((r) => r.answers.cle_sw_trust === 'not_applicable')).toBe(true);
    expect(engagement.some((r) => r.answers.cle_listened_to === 'prefer_not_to_say')).toBe(true);
  });

  it('gives answers the server accepts for the pinned versions: complete ones in full, partial ones in shape', () => {
    // Validation runs survey-core (a few hundred responses a second): a sample, with every partial response among the first thousand.
    const responses = cohort.slice(0, 1000).flatMap((p) => p.responses);
    const sample = [...responses.slice(0, 400), ...responses.slice(400).filter((r) => r.status === 'partial')];
    expect(sample.filter((r) => r.status === 'partial').length).toBeGreaterThan(20);

    const invalid = sample.flatMap((response) => {
      const instrument = instruments.find((i) => i.id === response.instrumentId && i.version === response.instrumentVersion)!;
      const problems = validateAnswers(instrument, response.answers, { complete: response.status === 'complete', language: response.language });
      if (response.contentHash !== instrument.contentHash) problems.push({ path: '(contentHash)', message: 'is not the pinned version' });
      return problems.length > 0 ? [{ response: `${response.participantCode} ${response.waveId} ${response.instrumentId}`, problems }] : [];
    });
    expect(invalid).toEqual([]);
  });

  it('pins the shipped versions in every wave: a fixed baseline in the past, follow-ups relative to it', () => {
    expect(design.waves.map((w) => [w.waveId, w.ordinal, w.window.kind])).toEqual([
      ['baseline', 0, 'fixed'],
      ['follow-up-1', 1, 'relative'],
      ['follow-up-2', 2, 'relative'],
    ]);
    expect(design.waves.every((w) => w.instruments === DEMO_COHORT_INSTRUMENTS && w.registrations?.swemwbs)).toBe(true);
  });
});
