import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { modeCoverage } from './mode-coverage.js';
import { gridOfGaussians, ringOfGaussians } from './gaussian-mixtures.js';

describe('modeCoverage', () => {
  it('scores hand-placed samples exactly', () => {
    const centers = [[0, 0], [10, 0], [0, 10]];
    // σ = 1: within 3 of a centre is high quality
    const samples = [
      [0.5, 0.5], [2.9, 0], [3.1, 0], // mode 0: two high quality, one not (3.1 > 3)
      [10, 1], [10, -2.99],            // mode 1: two
      [5, 5],                          // nearest mode 1 or 2 at distance 7.07: not high quality
      [NaN, 0],                        // never high quality
    ];
    const m = modeCoverage(samples, centers, { std: 1, minCount: 2 });
    expect(m.perMode).toEqual([2, 2, 0]);
    expect(m.covered).toEqual([true, true, false]);
    expect(m.modesCovered).toBe(2);
    expect(m.numModes).toBe(3);
    expect(m.highQuality).toBe(4);
    expect(m.numSamples).toBe(7);
    expect(m.highQualityFraction).toBeCloseTo(4 / 7, 12);
    expect(m.minCount).toBe(2);
    // p̂ = (½, ½, 0): KL to uniform(3) = log(3/2)
    expect(m.modeKl).toBeCloseTo(Math.log(1.5), 12);
    // radius scales the 3σ ball; minCount 3 uncovers both modes
    expect(modeCoverage(samples, centers, { std: 1, radius: 3.2 }).perMode).toEqual([3, 2, 0]);
    expect(modeCoverage(samples, centers, { std: 1, minCount: 3 }).modesCovered).toBe(0);
  });

  it('uses PacGAN\'s threshold by default: a fifth of the expected share, at least one', () => {
    const centers = [[0, 0], [10, 0]];
    // 100 samples over 2 modes: expected 50 each, threshold 10
    const samples = [...Array.from({ length: 91 }, () => [0, 0]), ...Array.from({ length: 9 }, () => [10, 0])];
    const m = modeCoverage(samples, centers, { std: 0.1 });
    expect(m.minCount).toBe(10);
    expect(m.modesCovered).toBe(1);
    expect(modeCoverage(samples, centers, { std: 0.1, minShare: 0 }).modesCovered).toBe(2); // VEEGAN's "at least one"
    expect(modeCoverage(samples, centers, { std: 0.1, minShare: 0.18 }).minCount).toBe(9);
    expect(modeCoverage([[0, 0]], centers, { std: 0.1 }).minCount).toBe(1);
  });

  it('mode KL is 0 when spread evenly, log M when collapsed, NaN without high-quality samples', () => {
    const ring = ringOfGaussians();
    const even = ring.centers.flatMap((c) => [c, c]);
    expect(modeCoverage(even, ring.centers, { std: 0.02 }).modeKl).toBeCloseTo(0, 12);
    const collapsed = Array.from({ length: 16 }, () => ring.centers[3]!);
    const m = modeCoverage(collapsed, ring.centers, { std: 0.02 });
    expect(m.modeKl).toBeCloseTo(Math.log(8), 12);
    expect(m.modesCovered).toBe(1);
    expect(m.covered[3]).toBe(true);
    expect(modeCoverage([[0, 0]], ring.centers, { std: 0.02 }).modeKl).toBeNaN();
  });

  it('samples of the ring and the grid themselves cover every mode with P(χ²₂ ≤ 9) high quality', () => {
    const expected = 1 - Math.exp(-4.5); // 0.98889: ‖ε‖² ~ χ²₂ for ε ~ N(0, I₂)
    for (const mix of [ringOfGaussians(), gridOfGaussians(), ringOfGaussians({ modes: 5, radius: 1, std: 0.1 })]) {
      const x = mix.sample(4000, { seed: 11 });
      const m = expectNoLeaks(() => modeCoverage(x, mix.centers, { std: mix.std }));
      expect(m.modesCovered).toBe(mix.centers.length);
      // binomial sd √(p(1−p)/4000) = 0.0017: 4 sd
      expect(Math.abs(m.highQualityFraction - expected)).toBeLessThan(0.007);
      // per-mode counts are multinomial with mean 4000/M: every one within 5 sd
      const mean = (4000 * expected) / mix.centers.length;
      for (const n of m.perMode) expect(Math.abs(n - mean)).toBeLessThan(5 * Math.sqrt(mean));
      x.dispose();
    }
  });

  it('sees a collapsed generator: every sample on three of eight modes', () => {
    const ring = ringOfGaussians({ std: 0.05 });
    const x = ring.sample(3000, { seed: 5 });
    const collapsed = tf.tidy(() => {
      // fold the 8 modes onto the first three by replacing each sample's centre
      const rows = x.arraySync();
      return tf.tensor2d(rows.map((p, i) => {
        const k = i % 3;
        const c = ring.centers[k]!;
        const near = ring.centers.reduce((b, q, j) => ((p[0]! - q[0]!) ** 2 + (p[1]! - q[1]!) ** 2 < (p[0]! - ring.centers[b]![0]!) ** 2 + (p[1]! - ring.centers[b]![1]!) ** 2 ? j : b), 0);
        const d = ring.centers[near]!;
        return [p[0]! - d[0]! + c[0]!, p[1]! - d[1]! + c[1]!];
      }));
    });
    const m = modeCoverage(collapsed, ring.centers, { std: ring.std });
    expect(m.modesCovered).toBe(3);
    expect(m.covered).toEqual([true, true, true, false, false, false, false, false]);
    expect(m.modeKl).toBeCloseTo(Math.log(8 / 3), 2);
    tf.dispose([x, collapsed]);
  });

  it('has the standard geometry and seeded, backend-independent samples', () => {
    const ring = ringOfGaussians();
    expect(ring.centers).toHaveLength(8);
    expect(ring.std).toBe(0.02);
    expect(ring.centers[0]).toEqual([2, 0]);
    expect(ring.centers[2]![0]).toBeCloseTo(0, 12);
    expect(ring.centers[2]![1]).toBeCloseTo(2, 12);
    const grid = gridOfGaussians();
    expect(grid.centers).toHaveLength(25);
    expect(grid.centers[0]).toEqual([-4, -4]);
    expect(grid.centers[24]).toEqual([4, 4]);
    expect(grid.std).toBe(0.05);
    const a = ring.sample(5, { seed: 1 });
    const b = ring.sample(5, { seed: 1 });
    const c = ring.sample(5, { seed: 2 });
    expect(a.shape).toEqual([5, 2]);
    expect(a.dataSync()).toEqual(b.dataSync());
    expect(a.dataSync()).not.toEqual(c.dataSync());
    tf.dispose([a, b, c]);
  });

  it('names mistakes, leaving nothing behind', () => {
    const ring = ringOfGaussians();
    expectThrowsClean(() => modeCoverage([[0, 0]], ring.centers, { std: 0 }), /modeCoverage: options.std must be a finite number > 0, got 0/);
    expectThrowsClean(() => modeCoverage([[0, 0]], ring.centers, undefined as never), /modeCoverage: options must be an object/);
    expectThrowsClean(() => modeCoverage([0, 0], ring.centers, { std: 1 }), /modeCoverage: samples must be of shape \[N, D\] \(rank 2\), got shape \[2\]/);
    expectThrowsClean(() => modeCoverage([[0, 0, 0]], ring.centers, { std: 1 }), /samples must be of dimension D = 2/);
    expectThrowsClean(() => modeCoverage([[0, 0]], [], { std: 1 }), /centers must be of shape \[N, D\]/);
    expectThrowsClean(() => modeCoverage([[0, 0]], ring.centers, { std: 1, minCount: 0 }), /options.minCount must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => modeCoverage([[0, 0]], ring.centers, { std: 1, minShare: -1 }), /options.minShare must be a finite number ≥ 0/);
    const ints = tf.tensor2d([[0, 0]], [1, 2], 'int32');
    expectThrowsClean(() => modeCoverage(ints, ring.centers, { std: 1 }), /samples must be a float32 tensor, got a int32 tensor of shape \[1, 2\]/);
    ints.dispose();
    expectThrowsClean(() => ringOfGaussians({ modes: 0 }), /ringOfGaussians: options.modes must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => gridOfGaussians({ std: -1 }), /gridOfGaussians: options.std must be a finite number > 0, got -1/);
    expectThrowsClean(() => ring.sample(1.5, { seed: 1 }), /ringOfGaussians.sample: n must be an integer ≥ 0, got 1.5/);
    expectThrowsClean(() => ring.sample(2, { seed: null } as never), /ringOfGaussians.sample: options.seed must be a finite number or a string/);
  });
});
