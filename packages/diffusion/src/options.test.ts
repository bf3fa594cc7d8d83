// Strict options: every options / params bag of the public API refuses an unknown key before allocating
// anything, suggesting the valid key nearest a misspelling.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, it } from 'vitest';
import { expectThrowsClean } from '@genmod-internal/testing';
import * as api from './index.js';

const schedule = api.linearSchedule(10);
const x0 = tf.keep(tf.tensor2d([[0.5, -0.2], [0.1, 0.9]]));
const denoiser = (xt: tf.Tensor) => tf.mul(xt, 0.5);
afterAll(() => {
  x0.dispose();
  schedule.dispose();
});

/** [function, call with a bad key, the key, the suggestion (undefined: none is near)] */
const rows: [fn: string, call: () => unknown, key: string, near: string | undefined][] = [
  ['scheduleFromBetas', () => api.scheduleFromBetas([0.1], { timestep: [0] } as never), 'timestep', 'timesteps'],
  ['scheduleFromAlphasCumprod', () => api.scheduleFromAlphasCumprod([0.5], { timesteps: [0], offset: 1 } as never), 'offset', undefined],
  ['linearSchedule', () => api.linearSchedule(10, { betaStrat: 1e-4 } as never), 'betaStrat', 'betaStart'],
  ['scaledLinearSchedule', () => api.scaledLinearSchedule(10, { betaend: 0.01 } as never), 'betaend', 'betaEnd'],
  ['cosineSchedule', () => api.cosineSchedule(10, { maxbeta: 0.9 } as never), 'maxbeta', 'maxBeta'],
  ['sigmoidSchedule', () => api.sigmoidSchedule(10, { tua: 1 } as never), 'tua', 'tau'],
  ['leadingTimesteps', () => api.leadingTimesteps(10, 2, { ofset: 1 } as never), 'ofset', 'offset'],
  ['qSample', () => api.qSample(x0, 1, schedule, { sed: 1 } as never), 'sed', 'seed'],
  ['predictX0AndEps', () => api.predictX0AndEps(x0, x0, 1, schedule, { predicton: 'v' } as never), 'predicton', 'prediction'],
  ['sinusoidalTimestepEmbedding', () => api.sinusoidalTimestepEmbedding([1, 2], 4, { maxPeriods: 100 } as never), 'maxPeriods', 'maxPeriod'],
  ['diffusionLoss', () => api.diffusionLoss(denoiser, x0, schedule, { minSnrGama: 5 } as never), 'minSnrGama', 'minSnrGamma'],
  ['variationalBound', () => api.variationalBound(denoiser, x0, schedule, { strat: 2 } as never), 'strat', 'strata'],
  ['dynamicThreshold', () => api.dynamicThreshold(x0, { percentil: 0.9 } as never), 'percentil', 'percentile'],
  ['ddpmSample', () => api.ddpmSample(denoiser, [2, 2], schedule, { varience: 'beta' } as never), 'varience', 'variance'],
  ['ddimSample', () => api.ddimSample(denoiser, [2, 2], schedule, { etta: 1 } as never), 'etta', 'eta'],
  ['ddimSample', () => api.ddimSample(denoiser, [2, 2], schedule, { clipx0: true } as never), 'clipx0', 'clipX0'],
  ['dpmSolverSample', () => api.dpmSolverSample(denoiser, [2, 2], schedule, { oder: 2 } as never), 'oder', 'order'],
  ['karrasSigmas', () => api.karrasSigmas(schedule, 4, { roh: 7 } as never), 'roh', 'rho'],
  ['eulerSample', () => api.eulerSample(denoiser, [2, 2], schedule, { chrun: 1 } as never), 'chrun', 'churn'],
  ['heunSample', () => api.heunSample(denoiser, [2, 2], schedule, { sigma: [1, 0] } as never), 'sigma', 'sigmas'],
  ['eulerAncestralSample', () => api.eulerAncestralSample(denoiser, [2, 2], schedule, { quantise: true } as never), 'quantise', 'quantize'],
  ['classifierFreeGuidance', () => api.classifierFreeGuidance(denoiser, [1, 2], { scale: 2, nullCondition: [0], rescal: 0.5 } as never), 'rescal', 'rescale'],
  ['dropCondition', () => api.dropCondition([1, 2], [0], 0.1, { sead: 1 } as never), 'sead', 'seed'],
  ['flowMatchingLoss', () => api.flowMatchingLoss(denoiser, x0, { otCoupled: true } as never), 'otCoupled', 'otCoupling'],
  ['flowSample', () => api.flowSample(denoiser, [2, 2], { step: 4 } as never), 'step', 'steps'],
  ['flowLogLikelihood', () => api.flowLogLikelihood(denoiser, x0, { traces: 'exact' } as never), 'traces', 'trace'],
];

/** Nested bags and params objects: `<fn>: unknown key of <arg> '<key>'`. */
const nested: [fn: string, call: () => unknown, arg: string, key: string, near: string | undefined][] = [
  ['ddpmSample', () => api.ddpmSample(denoiser, [2, 2], schedule, { dynamicThreshold: { percentle: 0.9 } as never }), 'options.dynamicThreshold', 'percentle', 'percentile'],
  ['ddimSample', () => api.ddimSample(denoiser, [2, 2], schedule, { dynamicThreshold: { max: 2 } as never }), 'options.dynamicThreshold', 'max', undefined],
  ['normalKl', () => api.normalKl({ loc: 0, logvar: 0 } as never, { loc: 0, logVar: 0 }), 'p', 'logvar', 'logVar'],
  ['normalKl', () => api.normalKl({ loc: 0, logVar: 0 }, { mean: 0, logVar: 0 } as never), 'q', 'mean', undefined],
  ['flowMatchingLoss', () => api.flowMatchingLoss(denoiser, x0, { logitNormal: { mean: 0, sdt: 1 } as never }), 'options.logitNormal', 'sdt', 'std'],
];

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const hint = (near: string | undefined) => (near === undefined ? ' \\(valid: ' : ` \\(did you mean '${esc(near)}'\\?\\)`);

describe('strict options: an unknown key throws, naming it, and allocates nothing', () => {
  it.each(rows)('%s', (fn, call, key, near) => {
    expectThrowsClean(call, new RegExp(`^${esc(fn)}: unknown option '${esc(key)}'${hint(near)}`));
  });

  it.each(nested)('%s (%s)', (fn, call, arg, key, near) => {
    expectThrowsClean(call, new RegExp(`^${esc(fn)}: unknown key of ${esc(arg)} '${esc(key)}'${hint(near)}`));
  });
});
