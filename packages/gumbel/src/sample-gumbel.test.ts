import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectFinite, expectNoLeaks, expectThrowsClean, ksCritical, ksStatistic, loadGolden, zCritical } from '@genmod-internal/testing';
import { sampleGumbel } from './sample-gumbel.js';
import { EULER_GAMMA } from './gumbel.js';
import { gumbelFromUniform } from './internal/noise.js';

const gumbelCdf = (loc: number, scale: number) => (x: number) => Math.exp(-Math.exp(-(x - loc) / scale));

describe('sampleGumbel', () => {
  it('matches the golden standard transform g = −log(−log u)', () => {
    const st = loadGolden('gumbel.json').standard_transform as { u: number[]; g_from_u: number[] };
    // u = 0.999999 is not a float32: 1 − fround(u) is off by 1.3%, so g there is compared with the exact
    // transform of the float32 input (in float64), as is any u whose float32 rounding moves min(u, 1 − u) by over 1e−6.
    const close = st.u.map((u) => Math.abs(Math.fround(u) - u) <= 1e-6 * Math.min(u, 1 - u));
    const g = gumbelFromUniform(tf.tensor1d(st.u));
    const expected = st.u.map((u, i) => (close[i] ? st.g_from_u[i]! : -Math.log(-Math.log(Math.fround(u)))));
    expectClose(g, expected, { rtol: 1e-5, atol: 1e-6, label: 'g_from_u' });
    g.dispose();
  });

  it('stays finite when the uniform draw is exactly 0 or 1', () => {
    const g = gumbelFromUniform(tf.tensor1d([0, 1, 1 - 2 ** -24, 2 ** -149]));
    expectFinite(g, 'g at the ends of [0, 1]');
    const v = g.dataSync();
    expect(v[0]).toBeCloseTo(-Math.log(-Math.log(2 ** -126)), 4); // clamped to the smallest normal
    expect(v[1]).toBeCloseTo(-Math.log(-Math.log(1 - 2 ** -24)), 2); // clamped to 1 − 2⁻²⁴
    g.dispose();
  });

  it.each([
    [0, 1, 1],
    [1.5, 0.5, 2],
    [-3, 4, 3],
  ])('passes the KS test against Gumbel(%d, %d) (N = 10000, alpha 1e-3, seed %d)', (loc, scale, seed) => {
    const n = 10000;
    const x = expectNoLeaks(() => sampleGumbel([n], { loc, scale, seed }));
    const values = x.dataSync();
    x.dispose();
    expect(ksStatistic(values, gumbelCdf(loc, scale))).toBeLessThan(ksCritical(n));
    // secondary moment checks (STAT_CHECKS.md §1)
    let mean = 0;
    for (const v of values) mean += v / n;
    let s2 = 0;
    for (const v of values) s2 += (v - mean) ** 2 / (n - 1);
    const variance = (Math.PI ** 2 * scale ** 2) / 6;
    expect(Math.abs(mean - (loc + EULER_GAMMA * scale))).toBeLessThan((zCritical() * Math.sqrt(variance)) / Math.sqrt(n));
    expect(Math.abs(s2 - variance)).toBeLessThan(zCritical() * variance * Math.sqrt(4.4 / n));
  });

  it('rejects a wrong scale (the KS test has power)', () => {
    const n = 10000;
    const x = sampleGumbel([n], { loc: 1.5, scale: 0.6, seed: 2 });
    expect(ksStatistic(x.dataSync(), gumbelCdf(1.5, 0.5))).toBeGreaterThan(ksCritical(n));
    x.dispose();
  });

  it('is reproducible with a seed and varies without one', () => {
    const a = sampleGumbel([64], { seed: 42 });
    const b = sampleGumbel([64], { seed: 42 });
    const c = sampleGumbel([64], { seed: 43 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });

  it('broadcasts loc and scale against the shape', () => {
    const x = sampleGumbel([4, 3], { loc: [0, 10, 100], scale: [[1], [1], [1], [1]], seed: 5 });
    expect(x.shape).toEqual([4, 3]);
    const v = x.arraySync() as number[][];
    for (const row of v) expect(row[2]! - row[0]!).toBeGreaterThan(50);
    x.dispose();
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => sampleGumbel([2, -1]), /sampleGumbel: shape must be an array of non-negative integers, got \[2, -1\]/);
    expectThrowsClean(() => sampleGumbel([2], { seed: NaN }), /sampleGumbel: options\.seed must be a finite number or a string, got NaN/);
    const ints = tf.tensor1d([1, 2], 'int32');
    expectThrowsClean(() => sampleGumbel([2], { loc: ints }), /options\.loc must be a float32 tensor, got a int32 tensor of shape \[2\]/);
    ints.dispose();
  });
});
