// The empirical order of Euler and Heun on the probability-flow ODE in σ, with the exact denoiser of Gaussian
// data N(μ, s²I) (test/sigma-oracle.ts) against the exact flow map.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { eulerSample, finalSample, heunSample, karrasSigmas, linearSchedule } from './index.js';
import { gaussianOracle, MU, S } from '../test/sigma-oracle.js';

const base = linearSchedule(1000);
afterAll(() => base.dispose());

describe('empirical order on the probability-flow ODE', () => {
  // For N(μ, s²I) data the flow keeps (x_σ − μ)/√(s² + σ²) constant: from x_σmax = x_T·√(1 + σ_max²) the exact
  // state at σ_min is μ + (x_σmax − μ)·√(s² + σ_min²)/√(s² + σ_max²). Compared at σ_min (the step before the
  // last), so the final Euler step to 0 does not enter.
  const B = 64;
  const xT = tf.keep(tf.randomNormal([B, 2], 0, 1, 'float32', 11));
  afterAll(() => xT.dispose());

  async function errorAtSigmaMin(sampler: typeof eulerSample, n: number): Promise<number> {
    const sigmas = karrasSigmas(base, n);
    const sMax = sigmas[0]!;
    const sMin = sigmas[n - 1]!;
    let atMin: number[] | undefined;
    const x = await finalSample(sampler(gaussianOracle(base, MU, S), [B, 2], base, { sigmas, xT }), (s) => {
      if (s.index === 1) {
        expect(s.sigma).toBe(sMin);
        atMin = Array.from(s.x.dataSync());
      }
    });
    x.dispose();
    const x0 = xT.dataSync();
    let sq = 0;
    for (let i = 0; i < B * 2; i++) {
      const mu = MU[i % 2]!;
      const xsMax = x0[i]! * Math.sqrt(1 + sMax * sMax);
      const exact = mu + ((xsMax - mu) * Math.sqrt(S * S + sMin * sMin)) / Math.sqrt(S * S + sMax * sMax);
      const got = atMin![i]! * Math.sqrt(1 + sMin * sMin); // the yielded latent back to x_σ
      sq += (got - exact) ** 2;
    }
    return Math.sqrt(sq / (B * 2));
  }

  it.each([
    ['Euler', 1, eulerSample, [8, 16, 32]],
    ['Heun', 2, heunSample, [16, 32, 64]],
  ] as const)('%s converges at order %d on Karras grids (n, 2n, 4n steps)', async (name, order, sampler, ns) => {
    const errors: number[] = [];
    for (const n of ns) errors.push(await errorAtSigmaMin(sampler, n));
    const orders = [Math.log2(errors[0]! / errors[1]!), Math.log2(errors[1]! / errors[2]!)];
    console.log(`${name}: errors ${errors.map((e) => e.toExponential(3)).join(', ')} at n = ${ns.join(', ')}; orders ${orders.map((o) => o.toFixed(3)).join(', ')}`);
    for (const o of orders) expect(Math.abs(o - order), `${name} order ${o}`).toBeLessThan(0.35);
    expect(errors[2]!, 'the finest error stays well above float32 noise').toBeGreaterThan(1e-4);
  });
});
