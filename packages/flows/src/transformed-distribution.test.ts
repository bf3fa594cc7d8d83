import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean, ksCritical, ksStatistic } from '@genmod-internal/testing';
import { uniformNoise, type ReparameterizedDistribution } from '@genmod-internal/core';
import { TransformedDistribution } from './transformed-distribution.js';
import { StandardNormal } from './standard-normal.js';
import { affine, shift } from './affine.js';
import { exp } from './elementwise.js';
import { chain } from './chain.js';
import { inverseAutoregressive } from './masked-autoregressive.js';
import { made } from './made.js';

const normalLogPdf = (x: number, mu: number, sd: number) => -0.5 * ((x - mu) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);

describe('TransformedDistribution', () => {
  it('an affine flow of N(0, I) is N(b, s²): logProb in closed form', () => {
    const flow = new TransformedDistribution(new StandardNormal([2]), affine({ shift: [1, -2], scale: [0.5, 3] }));
    const y = [[0, 0], [1.3, -5], [2, 4]];
    const lp = expectNoLeaks(() => flow.logProb(y));
    expectClose(lp, y.map(([a, b]) => normalLogPdf(a!, 1, 0.5) + normalLogPdf(b!, -2, 3)), { rtol: 1e-6, atol: 1e-5, label: 'log N(b, s²)' });
    lp.dispose();
    flow.bijector.dispose?.();
  });

  it('exp of a vector base is log-normal: logProb sums the elementwise log-det over the event', () => {
    const flow = new TransformedDistribution(new StandardNormal([3]), exp());
    const y = [[0.5, 1, 2]];
    const lp = flow.logProb(y);
    const expected = y[0]!.reduce((s, v) => s + normalLogPdf(Math.log(v), 0, 1) - Math.log(v), 0);
    expectClose(lp, [expected], { rtol: 1e-6, atol: 1e-5, label: 'log-normal' });
    lp.dispose();
  });

  it('samples have the law of f(z): KS test of exp(z) + 1 against the shifted log-normal CDF (N = 5000)', () => {
    const flow = new TransformedDistribution(new StandardNormal([]), chain(shift(1), exp()));
    const s = flow.sample([5000], { seed: 7 });
    expect(s.shape).toEqual([5000]);
    const erf = (z: number) => {
      // Abramowitz & Stegun 7.1.26 (|error| < 1.5e−7)
      const t = 1 / (1 + 0.3275911 * Math.abs(z));
      const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
      return z >= 0 ? y : -y;
    };
    const cdf = (v: number) => (v <= 1 ? 0 : 0.5 * (1 + erf(Math.log(v - 1) / Math.SQRT2)));
    expect(ksStatistic(Array.from(s.dataSync()), cdf)).toBeLessThan(ksCritical(5000));
    s.dispose();
  });

  it('sampleAndLogProb agrees with logProb of its sample (one forward pass vs one inverse)', () => {
    const net = made({ features: 3, hidden: [8], zeroLast: false, seed: 3 });
    const iaf = inverseAutoregressive({ network: net });
    const flow = new TransformedDistribution(new StandardNormal([3]), iaf);
    const { sample, logProb } = expectNoLeaks(() => flow.sampleAndLogProb([4], { seed: 2 }));
    expect(sample.shape).toEqual([4, 3]);
    const again = flow.logProb(sample);
    expectClose(logProb, again, { rtol: 1e-5, atol: 1e-5, label: 'log p' });
    const same = flow.sample([4], { seed: 2 });
    expectClose(same, sample, { atol: 0, rtol: 0, label: 'same seed, same sample' });
    tf.dispose([sample, logProb, again, same]);
    iaf.dispose();
  });

  it('rsample carries gradients to the bijector variables; any Distribution with rsample works as a base', () => {
    const loc = tf.variable(tf.tensor1d([0.5]));
    const draw = (shape: number[], o?: { seed?: number | string }) => uniformNoise([...shape, 1], o?.seed);
    const base: ReparameterizedDistribution = {
      family: 'Uniform01',
      batchShape: [],
      eventShape: [1],
      support: 'unit-interval',
      sample: draw,
      rsample: draw,
      logProb: (x: tf.Tensor) => tf.sum(tf.zerosLike(x), -1),
    };
    const flow = new TransformedDistribution(base, shift(loc));
    const g = tf.grad(() => tf.mean(flow.rsample!([10], { seed: 1 })))(loc);
    expectClose(g, [1], { atol: 1e-6, rtol: 0, label: 'd mean(z + loc)/d loc' });
    expect(flow.trainableVariables).toEqual([loc]);
    tf.dispose([g, loc]);
  });

  it('names the argument on bad input', () => {
    expectThrowsClean(() => new TransformedDistribution({} as never, exp()), /TransformedDistribution: base must be a distribution \(family, batchShape, eventShape, support, sample, logProb\), got a plain object \(missing family\)/);
    expectThrowsClean(() => new TransformedDistribution(new StandardNormal([1]), {} as never), /TransformedDistribution: bijector must be a bijector/);
    const flow = new TransformedDistribution(new StandardNormal([2]), exp());
    expectThrowsClean(() => flow.sample([-1]), /TransformedDistribution\.sample: sampleShape must be an array of non-negative integers, got \[-1\]/);
    expectThrowsClean(() => flow.logProb([[1, 2, 3]]), /StandardNormal\.logProb: z must be a float32 tensor of shape \[\.\.\., 2\], got a float32 tensor of shape \[1, 3\]/);
    expectThrowsClean(() => new StandardNormal([1.5]), /StandardNormal: eventShape must be an array of non-negative integers, got \[1\.5\]/);
  });
});
