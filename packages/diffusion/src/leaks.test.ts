// One table over the whole public API: every function leaves tf.memory().numTensors as it found it, apart
// from what it returns; a schedule's tensors are its own and dispose() frees them.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, expectNoLeaksAsync } from '@genmod-internal/testing';
import * as api from './index.js';

type Call = [name: string, run: () => unknown];
const schedule = api.linearSchedule(20);
const fast = api.respace(schedule, api.trailingTimesteps(20, 5));
// uploaded once, outside the measured calls (ops given an int32 tensor t gather from them)
schedule.tensors();
fast.tensors();
const x0 = tf.keep(tf.tensor2d([[0.5, -0.2], [0.1, 0.9], [-1, 1]]));
const eps = tf.keep(tf.tensor2d([[0.3, 0.1], [-0.2, 0.4], [1, -1]]));
const tTensor = tf.keep(tf.tensor1d([0, 7, 19], 'int32'));
const half = tf.keep(tf.scalar(0.5));
const denoiser = (xt: tf.Tensor) => tf.mul(xt, 0.5);
afterAll(() => {
  tf.dispose([x0, eps, tTensor, half]);
  schedule.dispose();
  fast.dispose();
});

const functions: Call[] = [
  ['qSample', () => api.qSample(x0, [0, 7, 19], schedule, { seed: 1 })],
  ['qSample tensor t', () => api.qSample(x0, tTensor, schedule, { noise: eps })],
  ['qPosterior', () => api.qPosterior(x0, eps, tTensor, schedule)],
  ['predictX0FromEps', () => api.predictX0FromEps(x0, 3, eps, schedule)],
  ['predictEpsFromX0', () => api.predictEpsFromX0(x0, tTensor, eps, schedule)],
  ['predictX0FromV', () => api.predictX0FromV(x0, 3, eps, schedule)],
  ['predictEpsFromV', () => api.predictEpsFromV(x0, 3, eps, schedule)],
  ['velocity', () => api.velocity(x0, eps, tTensor, schedule)],
  ['predictX0AndEps', () => api.predictX0AndEps(eps, x0, 3, schedule, { prediction: 'x0' })],
  ['reverseMeanFromEps', () => api.reverseMeanFromEps(x0, tTensor, eps, schedule)],
  ['sinusoidalTimestepEmbedding', () => api.sinusoidalTimestepEmbedding(tTensor, 8)],
  ['diffusionLoss', () => api.diffusionLoss(denoiser, x0, fast, { seed: 1, prediction: 'v', minSnrGamma: 5 })],
  ['diffusionLoss gradient', () => tf.grad((x: tf.Tensor) => api.diffusionLoss((xt) => tf.mul(xt, x), x0, schedule, { seed: 1 }))(half)],
  ['normalKl', () => api.normalKl({ loc: x0, logVar: 0 }, { loc: eps, logVar: -1 })],
  ['discretizedGaussianLogLikelihood', () => api.discretizedGaussianLogLikelihood(x0, eps, -2)],
  ['variationalBound', () => api.variationalBound(denoiser, x0, fast, { seed: 1 })],
  ['variationalBound stratified', () => api.variationalBound(denoiser, x0, schedule, { seed: 1, strata: 4, decoder: 'gaussian' })],
  ['dynamicThreshold', () => api.dynamicThreshold(x0, { percentile: 0.5 })],
  ['linearSchedule', () => api.linearSchedule(10).T],
  ['scaledLinearSchedule', () => api.scaledLinearSchedule(10).T],
  ['cosineSchedule', () => api.cosineSchedule(10).T],
  ['sigmoidSchedule', () => api.sigmoidSchedule(10).T],
  ['rescaleZeroTerminalSnr', () => api.rescaleZeroTerminalSnr(schedule).T],
  ['scheduleFromBetas', () => api.scheduleFromBetas([0.1]).T],
  ['scheduleFromAlphasCumprod', () => api.scheduleFromAlphasCumprod([0.5]).T],
  ['respace', () => api.respace(schedule, [1, 2]).T],
  ['leadingTimesteps', () => api.leadingTimesteps(10, 2)],
  ['linspaceTimesteps', () => api.linspaceTimesteps(10, 2)],
  ['trailingTimesteps', () => api.trailingTimesteps(10, 2)],
  ['isSchedule', () => api.isSchedule(schedule)],
  ['karrasSigmas', () => api.karrasSigmas(schedule, 4)],
  ['scheduleSigmas', () => api.scheduleSigmas(fast)],
  ['classifierFreeGuidance', () => api.classifierFreeGuidance((xt, _t, c) => tf.mul(xt, tf.expandDims(tf.cast(c, 'float32'), 1)), [1, 2, 0], { scale: 3, nullCondition: [0], rescale: 0.5 })(x0, tTensor)],
  ['dropCondition', () => api.dropCondition([1, 2, 3], [0], 0.5, { seed: 1 })],
  ['flowMatchingLoss', () => api.flowMatchingLoss((x) => tf.mul(x, 0.5), x0, { seed: 1, otCoupling: true, logitNormal: {} })],
  ['flowMatchingLoss gradient', () => tf.grad((w: tf.Tensor) => api.flowMatchingLoss((x) => tf.mul(x, w), x0, { seed: 1 }))(half)],
  ['otPairing', () => api.otPairing(x0, eps)],
  ['flowLogLikelihood', () => api.flowLogLikelihood((x) => tf.mul(x, 0.5), x0, { steps: 3 })],
  ['flowLogLikelihood hutchinson', () => api.flowLogLikelihood((x) => tf.tanh(x), x0, { steps: 2, method: 'heun', trace: 'hutchinson', probes: 2, seed: 1 })],
];

const samplers: [string, () => AsyncGenerator<api.SamplerStep, tf.Tensor, void>][] = [
  ['ddpmSample', () => api.ddpmSample(denoiser, [3, 2], fast, { seed: 1, variance: 'beta', clipX0: true })],
  ['ddimSample', () => api.ddimSample(denoiser, [3, 2], fast, { seed: 1, eta: 0.5, dynamicThreshold: true, xT: x0 })],
  ['dpmSolverSample', () => api.dpmSolverSample(denoiser, [3, 2], fast, { seed: 1, clipX0: true })],
  ['eulerSample', () => api.eulerSample(denoiser, [3, 2], schedule, { sigmas: api.karrasSigmas(schedule, 4), churn: 2, seed: 1 })],
  ['heunSample', () => api.heunSample(denoiser, [3, 2], schedule, { sigmas: api.karrasSigmas(schedule, 4), seed: 1, xT: x0 })],
  ['eulerAncestralSample', () => api.eulerAncestralSample(denoiser, [3, 2], fast, { seed: 1, quantize: true })],
  ['flowSample', () => api.flowSample((x) => tf.mul(x, 0.5), [3, 2], { seed: 1, steps: 3, method: 'rk4' })],
];

describe('no public function leaks', () => {
  it.each(functions)('%s', (name, run) => {
    tf.dispose(expectNoLeaks(run, name) as tf.Tensor);
  });

  it.each(samplers)('%s: the final sample only, with a flat tensor count over the steps', async (name, make) => {
    const counts: number[] = [];
    const x = await expectNoLeaksAsync(() => api.finalSample(make(), () => counts.push(tf.memory().numTensors)), name);
    expect(new Set(counts).size).toBe(1);
    x.dispose();
  });

  it('a schedule frees its tensors on dispose()', () => {
    const before = tf.memory().numTensors;
    const s = api.cosineSchedule(30);
    tf.dispose(api.qSample(x0, tTensor, s, { seed: 1 }));
    expect(tf.memory().numTensors - before).toBe(api.SCHEDULE_QUANTITIES.length);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('covers every exported function', () => {
    const covered = new Set([...functions.map(([n]) => n.split(' ')[0]!), ...samplers.map(([n]) => n), 'finalSample', 'SCHEDULE_QUANTITIES', 'deriveSeed',
      'saveState', 'loadState', 'composeState', 'isStateful']); // deriveSeed: host integers, no tensors; the state API: core's, re-exported (tested there)
    expect(Object.keys(api).filter((k) => !covered.has(k))).toEqual([]);
  });
});
