// The law of the σ samplers' output for Gaussian data N(μ, s²I) with its exact denoiser (test/sigma-oracle.ts):
// every sampler, prediction and churn setting against the exact law of its chain, and with enough steps
// against the data law, on Karras grids and on (zero-terminal-SNR) trailing schedules.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '@genmod-internal/testing';
import { finalSample, karrasSigmas, linearSchedule, rescaleZeroTerminalSnr, respace, scheduleSigmas, trailingTimesteps } from './index.js';
import { chainLaw, DATA_LAW, expectLaw, gaussianOracle, moments, MU, N, ownSigmas, S, SAMPLERS, type ChainOptions, type Kind } from '../test/sigma-oracle.js';

const base = linearSchedule(1000);
afterAll(() => base.dispose());

describe('every sampler matches its exact chain law and the data law N(μ, s²I) (4000 samples)', () => {
  const configs: [name: string, steps: number, kind: Kind, options: ChainOptions][] = [
    ['Euler', 50, 'euler', {}],
    ['Heun', 20, 'heun', {}],
    ['Euler ancestral', 50, 'ancestral', {}],
    ['Euler ancestral η = 0.5', 50, 'ancestral', { eta: 0.5 }],
    ['Euler with churn 10 below σ = 50', 50, 'euler', { churn: 10, churnSigmaMax: 50 }],
    ['Heun with churn 5, S_noise 1.003', 20, 'heun', { churn: 5, churnNoise: 1.003 }],
  ];

  it.each(configs)('%s on %d Karras steps: ε, x₀ and v give the same samples, with the exact law of the chain', async (name, steps, kind, o) => {
    const sigmas = karrasSigmas(base, steps);
    const want = chainLaw(kind, sigmas, o);
    const samples: tf.Tensor[] = [];
    for (const prediction of ['epsilon', 'x0', 'v'] as const) {
      const x = await finalSample(SAMPLERS[kind](gaussianOracle(base, MU, S, prediction), [N, 2], base, { sigmas, prediction, seed: 21, ...o }));
      expectLaw(moments(x), want, 0, `${name}, ${prediction}`);
      samples.push(x);
    }
    expectClose(samples[1]!, samples[0]!, { atol: 1e-4, rtol: 1e-4, label: `${name}: x₀ vs ε prediction` });
    expectClose(samples[2]!, samples[0]!, { atol: 1e-4, rtol: 1e-4, label: `${name}: v vs ε prediction` });
    tf.dispose(samples);
  });

  // enough steps that the discretisation bias of the chain (computed) is under 2.5% of s: then the data law itself
  it.each([
    ['Euler', 200, 'epsilon', 'euler', {}],
    ['Heun', 50, 'v', 'heun', {}],
    ['Euler ancestral', 300, 'x0', 'ancestral', {}],
    ['Euler with churn 10 below σ = 50', 300, 'v', 'euler', { churn: 10, churnSigmaMax: 50 }],
    ['Heun with churn 5, S_noise 1.003', 60, 'epsilon', 'heun', { churn: 5, churnNoise: 1.003 }],
  ] as const)('%s on %d Karras steps, %s prediction: the data law within sampling error + 0.025·s', async (name, steps, prediction, kind, o) => {
    const sigmas = karrasSigmas(base, steps);
    const chain = chainLaw(kind, sigmas, o);
    expect(Math.abs(chain[0]!.sd - S), `${name}: the chain's own bias`).toBeLessThan(0.025 * S);
    const x = await finalSample(SAMPLERS[kind](gaussianOracle(base, MU, S, prediction), [N, 2], base, { sigmas, prediction, seed: 23, ...o }));
    const got = moments(x);
    expectLaw(got, chain, 0, name);
    expectLaw(got, DATA_LAW, 0.025 * S, name);
    x.dispose();
  });

  // the model is the full schedule's oracle; the samplers run over a respaced schedule's own σ (the default grid)
  const zeroSnrBase = rescaleZeroTerminalSnr(base);
  const respaced = (zero: boolean, n: number) => respace(zero ? zeroSnrBase : base, trailingTimesteps(1000, n));
  afterAll(() => zeroSnrBase.dispose());
  const kinds: [string, Kind, ChainOptions][] = [
    ['Euler', 'euler', {}],
    ['Heun', 'heun', {}],
    ['Euler ancestral', 'ancestral', {}],
    ['Heun with churn 5', 'heun', { churn: 5 }],
  ];
  it.each(kinds.flatMap(([name, kind, o]) => [false, true].map((zero) => [name, zero ? 'a zero-terminal-SNR schedule' : 'the linear schedule', kind, o, zero] as const)))(
    '%s on 25 trailing steps of %s, v prediction: the exact chain law',
    async (name, _what, kind, o, zero) => {
      const schedule = respaced(zero, 25);
      const x = await finalSample(SAMPLERS[kind](gaussianOracle(zero ? zeroSnrBase : base, MU, S, 'v'), [N, 2], schedule, { prediction: 'v', seed: 24, ...o }));
      expectLaw(moments(x), chainLaw(kind, ownSigmas(schedule), o), 0, name);
      x.dispose();
      schedule.dispose();
    },
  );

  it.each([
    ['Euler', 200, 'euler', {}],
    ['Heun', 50, 'heun', {}],
    ['Euler ancestral', 400, 'ancestral', {}],
    ['Heun with churn 5', 50, 'heun', { churn: 5 }],
  ] as const)('%s on %d trailing steps of a zero-terminal-SNR schedule, v prediction: the data law within sampling error + 0.025·s', async (name, n, kind, o) => {
    const schedule = respaced(true, n);
    expect(scheduleSigmas(schedule)[0]).toBeCloseTo(4095.99987792968, 6);
    const chain = chainLaw(kind, ownSigmas(schedule), o);
    expect(Math.abs(chain[0]!.sd - S), `${name}: the chain's own bias`).toBeLessThan(0.025 * S);
    const x = await finalSample(SAMPLERS[kind](gaussianOracle(zeroSnrBase, MU, S, 'v'), [N, 2], schedule, { prediction: 'v', seed: 25, ...o }));
    const got = moments(x);
    expectLaw(got, chain, 0, name);
    expectLaw(got, DATA_LAW, 0.025 * S, name);
    x.dispose();
    schedule.dispose();
  });
});
