// The two claims of the lesson, with fixed seeds: the kernel density keeps its sample quality while its test
// log-likelihood collapses as ε → 0; the 1 %-model / 99 %-noise mixture keeps its log-likelihood within
// log 100 of the true density's while only about 1 % of its samples are any good.
import { describe, expect, it } from 'vitest';
import { LOG_100, kernelDensity, logMixtureDensity, logSumExp, mean, runExperiment, type Experiment } from './experiment.js';

const STD = 0.02;
const EPSILONS = [100, 10, 1, 0.1, 0.01, 1e-3, 1e-4];
const runs: Experiment[] = [1, 2, 3].map((seed) => runExperiment({ nTrain: 500, nTest: 1000, nSamples: 2000, epsilons: EPSILONS, std: STD, seed }));
const rowsOf = (e: Experiment) => ({ p: e.rows[0]!, kde: e.rows.slice(1, -1), p2: e.rows[e.rows.length - 1]! });

describe('likelihood versus sample quality (ring of 8 Gaussians, σ = 0.02, seeds 1, 2, 3)', () => {
  it.each(runs.map((e, i) => [i + 1, e] as const))('the true density: ≈ 98.9 %% high-quality samples (P(χ²₂ ≤ 9) = 1 − e^−4.5), 8 modes (seed %d)', (_seed, e) => {
    const { p } = rowsOf(e);
    expect(Math.abs(p.quality - (1 - Math.exp(-4.5)))).toBeLessThan(0.012); // 5 binomial standard deviations at n = 2000
    expect(p.modesCovered).toBe(8);
  });

  it.each(runs.map((e, i) => [i + 1, e] as const))('p1: as ε → 0 the quality stays high while the test log-likelihood falls and the training one rises (seed %d)', (_seed, e) => {
    const { p, kde } = rowsOf(e);
    const small = kde.filter((r) => r.epsilon! <= 0.1 * STD * STD + 1e-15); // ε = 0.1σ², …, 1e-4σ², in decreasing order
    expect(small).toHaveLength(4);
    for (const r of small) {
      expect(r.quality).toBeGreaterThan(0.95);
      expect(r.modesCovered).toBe(8);
    }
    for (let i = 1; i < small.length; i++) {
      expect(small[i]!.testLogLikelihood).toBeLessThan(small[i - 1]!.testLogLikelihood);
      expect(small[i]!.trainLogLikelihood).toBeGreaterThan(small[i - 1]!.trainLogLikelihood); // memorization
    }
    const tiny = small[small.length - 1]!;
    expect(tiny.testLogLikelihood).toBeLessThan(p.testLogLikelihood - 100); // far worse than the true density
    expect(tiny.quality).toBeGreaterThan(p.quality - 0.02); // while its samples are as good
    // and for large ε the quality does fall (the metric can tell): 100σ² leaves few samples near a mode
    expect(kde[0]!.quality).toBeLessThan(0.2);
  });

  it.each(runs.map((e, i) => [i + 1, e] as const))('p2: log-likelihood within log 100 of the true density, pointwise and on average, while quality ≈ 1 %% (seed %d)', (_seed, e) => {
    const { p, p2 } = rowsOf(e);
    expect(e.boundSlack).toBeGreaterThanOrEqual(-1e-9); // log p2(x) ≥ log p(x) − log 100 at every point checked
    expect(e.boundPoints).toBeGreaterThan(10_000);
    const gap = p2.testLogLikelihood - (p.testLogLikelihood - LOG_100);
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThan(0.5); // and nearly tight on the data: p2 is not a better model than p
    expect(p2.quality).toBeGreaterThan(0.005);
    expect(p2.quality).toBeLessThan(0.02);
    // the disagreement: p2 has by far the better likelihood than the memorizing kernel density, and far worse samples
    const tiny = rowsOf(e).kde[rowsOf(e).kde.length - 1]!;
    expect(p2.testLogLikelihood).toBeGreaterThan(tiny.testLogLikelihood + 100);
    expect(p2.quality).toBeLessThan(tiny.quality - 0.9);
  });

  it('the log-densities are right: one Gaussian in closed form, logSumExp at the extremes, the kernel density at its own point', () => {
    const lp = logMixtureDensity(Float64Array.from([0.3, -0.4, 5, 5]), Float64Array.from([0, 0]), 0.5);
    expect(lp[0]).toBeCloseTo(-(0.09 + 0.16) / 1 - Math.log(2 * Math.PI * 0.5), 12);
    expect(lp[1]).toBeCloseTo(-50 / 1 - Math.log(2 * Math.PI * 0.5), 10);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([-1e6, -1e6])).toBeCloseTo(-1e6 + Math.log(2), 6);
    // at a training point, with tiny ε, p1 ≈ (1/n)·N(0 | 0, εI): log p1 = −log n − log 2πε
    const train = Float64Array.from([0, 0, 1, 1, -1, 2]);
    const eps = 1e-8;
    expect(kernelDensity(train, eps).logDensity(Float64Array.from([1, 1]))[0]).toBeCloseTo(-Math.log(3) - Math.log(2 * Math.PI * eps), 8);
    expect(mean([1, 2, 6])).toBe(3);
  });

  it('sampling is seeded: the same seed gives the same samples, another seed others', () => {
    const kde = kernelDensity(runs[0]!.train, 1e-6);
    expect(Array.from(kde.sample(50, 7))).toEqual(Array.from(kde.sample(50, 7)));
    expect(Array.from(kde.sample(50, 7))).not.toEqual(Array.from(kde.sample(50, 8)));
    const again = runExperiment({ nTrain: 500, nTest: 1000, nSamples: 2000, epsilons: EPSILONS, std: STD, seed: 1 });
    expect(again.rows).toEqual(runs[0]!.rows);
  });
});
