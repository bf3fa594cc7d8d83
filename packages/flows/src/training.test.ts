// A small flow learns two moons: held-out NLL below a stated bound within a fixed number of steps
// (fixed seeds), with a flat tensor count.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { StandardNormal, TransformedDistribution, affineCoupling, chain, mlp, rationalQuadraticSpline, maskedAutoregressive, made, reverse, type Bijector } from './index.js';
import { twoMoons } from '../test/data.js';

const train = tf.keep(tf.tensor2d(twoMoons(2048, 11)));
const test = tf.keep(tf.tensor2d(twoMoons(2000, 12)));

function fit(flow: Bijector, steps: number, lr: number, batch: number): { nll: number; countAfterStep2: number; countAtEnd: number } {
  const dist = new TransformedDistribution(new StandardNormal([2]), flow);
  const opt = tf.train.adam(lr);
  const n = train.shape[0]!;
  let countAfterStep2 = 0;
  for (let step = 0; step < steps; step++) {
    tf.tidy(() => {
      const start = (step * batch) % n;
      const x = tf.slice(train, [start, 0], [Math.min(batch, n - start), 2]);
      opt.minimize(() => tf.neg(tf.mean(dist.logProb(x))) as tf.Scalar, false, dist.trainableVariables);
    });
    if (step === 2) countAfterStep2 = tf.memory().numTensors; // Adam's slots exist from step 1
  }
  const countAtEnd = tf.memory().numTensors;
  const nll = tf.tidy(() => tf.neg(tf.mean(dist.logProb(test))).dataSync()[0]!);
  opt.dispose();
  return { nll, countAfterStep2, countAtEnd };
}

// A standard normal fitted to standardized data scores log(2πe) ≈ 2.84 nats; the two-moons density itself
// (arc length 2π, noise sd 0.05 across it, then standardized) has entropy ≈ log 2π + ½ log(2πe·0.05²)
// − log(0.867·0.497) ≈ 1.1 nats, the best achievable held-out NLL. The bound sits between the two.
// Measured: 1.73 on cpu, 1.73 on wasm (seeds through deriveSeed; 1.64 / 1.81 with the earlier seed scheme): the same
// seeds and data, but the backends round sums differently
// and 300 Adam steps amplify that into different trajectories; 2.0 leaves room for it while still
// requiring a clearly non-Gaussian fit.
it('RealNVP (4 affine couplings, hidden 32) reaches a held-out NLL < 2.0 nats on two moons in 300 steps', () => {
  const flow = chain(...[0, 1, 2, 3].map((i) => affineCoupling({ mask: i % 2 ? [0, 1] : [1, 0], conditioner: mlp({ inputs: 2, hidden: [32, 32], outputs: 4, seed: 10 + i }), logScaleBound: (s) => tf.mul(2, tf.tanh(tf.div(s, 2))) })));
  const r = fit(flow, 300, 5e-3, 256);
  console.log('RealNVP held-out NLL', r.nll);
  expect(r.countAtEnd).toBe(r.countAfterStep2);
  expect(r.nll).toBeLessThan(2.0);
  flow.dispose();
});
