/**
 * Issue 14 ("Numerical edges"): the Monte Carlo KL path of the ELBO with encoder log-variances far out
 * (|logVar| up to 150, where σ = e^(logVar/2) under- or overflows float32 and σ² does long before). The
 * reference is the closed form of log q(z|x) − log p(z) evaluated in float64 at the float32 draw
 * z = fl(μ + fl(σ·ε)) the ELBO actually scores (for tiny σ that draw is μ itself, so −½ε² drops out: a
 * property of the float32 sample, not of the formula).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bernoulliLogLikelihood, elbo, standardNormalPrior } from './index.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
// log q(z) − log p(z) per latent, float64, at z = μ + σ·ε with log σ = logVar/2
const f32 = Math.fround;
const klTerm64 = (mu: number, logVar: number, eps: number) => {
  const sigma = Math.exp(logVar / 2);
  const z = f32(f32(mu) + f32(f32(sigma) * f32(eps))); // the float32 draw
  const u = (z - f32(mu)) / sigma;
  return -0.5 * u * u - logVar / 2 - HALF_LOG_2PI - (-0.5 * z * z - HALF_LOG_2PI);
};

describe('elbo with the Monte Carlo KL at extreme log-variances (issue 14)', () => {
  // logVar within the range where the true KL is a finite float32 (z² must not overflow: logVar ≤ ~80)
  const logVars = [-150, -100, -88, -60, 0, 40, 80];
  const mu = [0.5, -0.25];
  const eps = [0.7, -1.3];

  it.each(logVars)('logVar = %d: finite KL equal to the float64 closed form, finite gradients', (lv) => {
    const x = tf.tensor2d([[1, 0, 1]]);
    const loc = tf.variable(tf.tensor2d([mu]));
    const logVar = tf.variable(tf.fill([1, 2], lv));
    const prior = standardNormalPrior([2]);
    const encode = () => ({ loc: loc as tf.Tensor, logVar: logVar as tf.Tensor });
    const decode = (z: tf.Tensor) => tf.matMul(tf.tanh(z), tf.ones([2, 3]));
    const noise = tf.tensor2d([eps]);
    const r = elbo({ x, encode, decode, likelihood: bernoulliLogLikelihood, prior, noise, analyticKl: false });
    const kl = r.kl.dataSync()[0]!;
    const ref = klTerm64(mu[0]!, lv, eps[0]!) + klTerm64(mu[1]!, lv, eps[1]!);
    expect(Math.abs(kl - ref)).toBeLessThanOrEqual(1e-5 * (Math.abs(lv) + 1) + 1e-5 * Math.abs(ref));
    const { value, grads } = tf.variableGrads(() => elbo({ x, encode, decode, likelihood: bernoulliLogLikelihood, prior, noise, analyticKl: false }).loss, [loc, logVar]);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    // ∂KL/∂logVar_j = −½ + ½·z_j·σ_j·ε_j: far below 0 it is −½ exactly (σ·z underflows)
    if (lv <= -88) {
      const gLv = Array.from(grads[logVar.name]!.dataSync());
      for (const gj of gLv) expect(Math.abs(gj - -0.5)).toBeLessThan(1e-6);
    }
    tf.dispose([x, loc, logVar, noise, r.elbo, r.loss, r.reconstruction, r.kl, value, ...Object.values(grads)]);
    prior.dispose?.();
  });
});
