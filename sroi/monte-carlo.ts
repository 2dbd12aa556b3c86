/**
 * Monte Carlo: every parameter of the sensitivity analysis drawn at once,
 * independently, from a triangular distribution over its range with its
 * central value as the mode, many times; the SROI ratio of each draw makes
 * the distribution. Seeded (mulberry32), so the same model and seed give
 * the same figures on any machine.
 *
 * Computed in floating point (see exact.ts): the figures are statistics of
 * a sample, and the float error is far below what they can resolve.
 */
import { calculate, type Assumptions } from './calculate.js';
import { floatArithmetic, type Exact } from './exact.js';
import { inFloatingPoint, withParameters, type Parameter } from './sensitivity.js';

export type MonteCarloSummary = {
  iterations: number;
  seed: number;
  mean: number;
  standardDeviation: number;
  min: number;
  max: number;
  /** Percentiles of the ratio, linear interpolation between order statistics (as a spreadsheet's PERCENTILE.INC). */
  percentiles: { p5: number; p10: number; p25: number; p50: number; p75: number; p90: number; p95: number };
  /** Share of draws whose ratio is below 1:1. */
  shareBelowOne: number;
  histogram: { from: number; to: number; count: number }[];
};

const HISTOGRAM_BINS = 20;

/** A small, well-tested 32-bit generator: uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A draw from the triangular distribution (low, mode, high) by inverting its distribution function. */
export function triangular(u: number, low: number, mode: number, high: number): number {
  if (high <= low) return low;
  const split = (mode - low) / (high - low);
  return u < split ? low + Math.sqrt(u * (high - low) * (mode - low)) : high - Math.sqrt((1 - u) * (high - low) * (high - mode));
}

export function runMonteCarlo(base: Assumptions<Exact>, parameters: readonly Parameter[], iterations: number, seed: number): MonteCarloSummary {
  const random = mulberry32(seed);
  const floatBase = inFloatingPoint(base);
  const ranges = parameters.map((p) => ({ parameter: p, low: p.low.toNumber(), mode: p.central.toNumber(), high: p.high.toNumber() }));

  const ratios: number[] = [];
  for (let i = 0; i < iterations; i++) {
    // One uniform number per parameter per draw, in the parameters' order, so a seed fixes every draw.
    const draws = ranges.map(({ parameter, low, mode, high }) => ({ parameter, value: triangular(random(), low, mode, high) }));
    ratios.push(calculate(floatArithmetic, withParameters(floatArithmetic, floatBase, draws)).ratio);
  }
  return summarise(ratios, seed);
}

export function summarise(ratios: number[], seed: number): MonteCarloSummary {
  const sorted = [...ratios].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((sum, r) => sum + r, 0) / n;
  const variance = n > 1 ? sorted.reduce((sum, r) => sum + (r - mean) ** 2, 0) / (n - 1) : 0;
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  const width = (max - min) / HISTOGRAM_BINS;
  const histogram =
    width === 0
      ? [{ from: min, to: max, count: n }]
      : Array.from({ length: HISTOGRAM_BINS }, (_, i) => ({ from: min + i * width, to: i === HISTOGRAM_BINS - 1 ? max : min + (i + 1) * width, count: 0 }));
  if (width > 0) for (const r of sorted) histogram[Math.min(HISTOGRAM_BINS - 1, Math.floor((r - min) / width))]!.count += 1;
  return {
    iterations: n,
    seed,
    mean: round(mean),
    standardDeviation: round(Math.sqrt(variance)),
    min: round(min),
    max: round(max),
    percentiles: {
      p5: round(percentile(sorted, 0.05)),
      p10: round(percentile(sorted, 0.1)),
      p25: round(percentile(sorted, 0.25)),
      p50: round(percentile(sorted, 0.5)),
      p75: round(percentile(sorted, 0.75)),
      p90: round(percentile(sorted, 0.9)),
      p95: round(percentile(sorted, 0.95)),
    },
    shareBelowOne: round(sorted.filter((r) => r < 1).length / n),
    histogram: histogram.map((bin) => ({ from: round(bin.from), to: round(bin.to), count: bin.count })),
  };
}

/** Six decimals: ratios are shown to two, and a sample cannot resolve more. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** PERCENTILE.INC: the value at rank p × (n − 1), interpolated. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (rank - below) * (sorted[above]! - sorted[below]!);
}
