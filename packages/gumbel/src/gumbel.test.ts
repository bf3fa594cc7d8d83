import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean, ksCritical, ksStatistic, loadGolden } from '@genmod-internal/testing';
import { Gumbel } from './gumbel.js';

interface GumbelCase {
  loc: number;
  scale: number;
  x: number[];
  pdf: number[];
  logpdf: number[];
  cdf: number[];
  logcdf: number[];
  sf: number[];
  p: number[];
  icdf: number[];
  mean: number;
  variance: number;
  stddev: number;
  entropy: number;
  mode: number;
  median: number;
}
const cases = loadGolden<{ cases: GumbelCase[] }>('gumbel.json').cases;
const tol = { rtol: 1e-5, atol: 1e-6 };

describe('Gumbel against scipy.stats.gumbel_r (gumbel.json)', () => {
  it('has the five golden (loc, scale) cases', () => expect(cases.length).toBe(5));

  describe.each(cases.map((c) => [`loc ${c.loc}, scale ${c.scale}`, c] as const))('%s', (_name, c) => {
    it('logProb, prob, cdf, logCdf, survivalFunction', () => {
      const d = new Gumbel({ loc: c.loc, scale: c.scale });
      // x = loc + scale·z is rounded to float32; the check is on the standardized z, which is what the
      // formulas see: compare with the golden values at rtol 1e-5 except where exp(−z) amplifies rounding.
      const results = expectNoLeaks(() => ({
        logpdf: d.logProb(c.x),
        pdf: d.prob(c.x),
        cdf: d.cdf(c.x),
        logcdf: d.logCdf(c.x),
        sf: d.survivalFunction(c.x),
      }));
      expectClose(results.logpdf, c.logpdf, { ...tol, label: 'logpdf' });
      expectClose(results.pdf, c.pdf, { ...tol, label: 'pdf' });
      expectClose(results.cdf, c.cdf, { ...tol, label: 'cdf' });
      expectClose(results.logcdf, c.logcdf, { ...tol, label: 'logcdf' });
      expectClose(results.sf, c.sf, { ...tol, label: 'sf' });
      tf.dispose(Object.values(results));
      d.dispose();
    });

    it('quantile (p ≤ 0.999) and moments', () => {
      const d = new Gumbel({ loc: c.loc, scale: c.scale });
      const keep = c.p.map((p) => p <= 0.999);
      const q = expectNoLeaks(() => d.quantile(c.p.filter((_, i) => keep[i])));
      expectClose(q, c.icdf.filter((_, i) => keep[i]), { ...tol, label: 'icdf' });
      const m = expectNoLeaks(() => [d.mean(), d.variance(), d.stddev(), d.entropy(), d.mode(), d.median()]);
      expectClose(
        m.map((t) => t.dataSync()[0]!),
        [c.mean, c.variance, c.stddev, c.entropy, c.mode, c.median],
        { ...tol, label: 'mean, variance, stddev, entropy, mode, median' },
      );
      tf.dispose([q, ...m]);
      d.dispose();
    });
  });
});

describe('Gumbel', () => {
  it('broadcasts a batch of parameters and samples [...sampleShape, ...batchShape]', () => {
    const d = new Gumbel({ loc: [0, 1, 2], scale: [[1], [2]] });
    expect(d.batchShape).toEqual([2, 3]);
    const s = expectNoLeaks(() => d.sample([5], { seed: 1 }));
    expect(s.shape).toEqual([5, 2, 3]);
    const lp = expectNoLeaks(() => d.logProb(0.5));
    expect(lp.shape).toEqual([2, 3]);
    const mean = d.mean();
    expect(mean.shape).toEqual([2, 3]);
    tf.dispose([s, lp, mean]);
    d.dispose();
  });

  it('samples pass the KS test against their own cdf', () => {
    const d = new Gumbel({ loc: 2, scale: 3 });
    const s = d.sample([10000], { seed: 17 });
    const F = (x: number) => Math.exp(-Math.exp(-(x - 2) / 3));
    expect(ksStatistic(s.dataSync(), F)).toBeLessThan(ksCritical(10000));
    s.dispose();
    d.dispose();
  });

  it('rsample is differentiable in loc and scale (finite differences)', () => {
    const f = (p: tf.Tensor) => {
      const [loc, scale] = tf.unstack(p);
      const d = new Gumbel({ loc: loc!, scale: scale! });
      return tf.mean(tf.square(d.rsample([8], { seed: 3 }))) as tf.Scalar;
    };
    const p = tf.tensor1d([0.3, 1.7]);
    checkGradient(f, p, { eps: 1e-2, rtol: 1e-2 });
    p.dispose();
  });

  it('logProb is differentiable in x, loc and scale (finite differences)', () => {
    const x = tf.tensor1d([-1, 0, 0.5, 3]);
    checkGradient((v) => tf.sum(new Gumbel({ loc: 0.2, scale: 1.3 }).logProb(v)) as tf.Scalar, x, { eps: 1e-2 });
    checkGradient((p) => {
      const [loc, scale] = tf.unstack(p);
      return tf.sum(new Gumbel({ loc: loc!, scale: scale! }).logProb(x)) as tf.Scalar;
    }, tf.tensor1d([0.2, 1.3]), { eps: 1e-2 });
    x.dispose();
  });

  it('frees only what it allocated: a caller-owned tensor survives dispose()', () => {
    const loc = tf.scalar(1);
    const before = tf.memory().numTensors;
    const d = new Gumbel({ loc, scale: 2 });
    expect(tf.memory().numTensors).toBe(before + 1);
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(loc.isDisposed).toBe(false);
    loc.dispose();
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => new Gumbel({ loc: 0, scale: 0 }), /Gumbel: params\.scale must be strictly positive, got a minimum of 0/);
    expectThrowsClean(() => new Gumbel({ loc: 0, scale: [1, -2] }), /params\.scale must be strictly positive/);
    expectThrowsClean(() => new Gumbel({ loc: [0, 1, 2], scale: [1, 2] }), /params\.loc and params\.scale must be broadcastable shapes, got \[3\] and \[2\]/);
    expectThrowsClean(() => new Gumbel({ loc: 0 } as never), /params\.scale must be a number or float32 tensor, got undefined/);
    const d = new Gumbel({ loc: 0, scale: 1 });
    expectThrowsClean(() => d.sample([1.5]), /Gumbel\.sample: sampleShape must be an array of non-negative integers, got \[1\.5\]/);
    const ints = tf.tensor1d([1, 2], 'int32');
    expectThrowsClean(() => d.logProb(ints), /Gumbel\.logProb: x must be a float32 tensor, got a int32 tensor of shape \[2\]/);
    ints.dispose();
    d.dispose();
  });
});
