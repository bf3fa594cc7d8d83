// Strict options: for every function, method and constructor of the package that takes an options bag, an
// unknown (misspelled) key throws `<fn>: unknown option '<key>' (did you mean '<valid>'?)` before anything is
// allocated.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectThrowsClean } from '@genmod-internal/testing';
import { avbStep } from './avb-step.js';
import { discriminatorStep } from './discriminator-step.js';
import { nonSaturatingLoss } from './gan-loss.js';
import { gridOfGaussians, ringOfGaussians } from './gaussian-mixtures.js';
import { generatorStep } from './generator-step.js';
import { gradcheck, gradgradcheck } from './gradcheck.js';
import { gradientPenalty } from './gradient-penalty.js';
import { modeCoverage } from './mode-coverage.js';
import { r1Penalty, r2Penalty } from './r1-penalty.js';
import { spectralNorm, spectralNormalizer } from './spectral-norm.js';
import { trainAdversarial } from './train-adversarial.js';

const w = tf.tidy(() => tf.variable(tf.zeros([2, 1])));
const x = tf.ones([4, 2]);
const u = tf.ones([2]);
const critic = (v: tf.Tensor) => tf.matMul(v, w);
const opt = tf.train.sgd(0.1);
const opt2 = tf.train.sgd(1);
afterAll(() => {
  tf.dispose([w, x, u]);
  opt.dispose();
  opt2.dispose();
});
const step = { discriminator: critic, discriminatorVariables: [w], optimizer: opt, loss: nonSaturatingLoss, real: x, fake: x };

// [fn, the call with one misspelled key, the key, the valid key it is near]
const ROWS: [string, () => unknown, string, string][] = [
  ['discriminatorStep', () => discriminatorStep({ ...step, penalti: () => tf.scalar(0) } as never), 'penalti', 'penalty'],
  ['generatorStep', () => generatorStep({ generator: critic, generatorVariables: [w], discriminator: critic, optimizer: opt, loss: nonSaturatingLoss, noize: x } as never), 'noize', 'noise'],
  ['avbStep', () => avbStep({ x, epsilon: x, prior: x, encoder: critic, logLikelihood: critic, discriminator: critic, modelVariables: [w], discriminatorVariables: [w], modelOptimizer: opt, discriminatorOptimiser: opt } as never), 'discriminatorOptimiser', 'discriminatorOptimizer'],
  ['gradientPenalty', () => gradientPenalty(critic, x, x, { weigth: 10 } as never), 'weigth', 'weight'],
  ['r1Penalty', () => r1Penalty(critic, x, { wieght: 1 } as never), 'wieght', 'weight'],
  ['r2Penalty', () => r2Penalty(critic, x, { weights: 1 } as never), 'weights', 'weight'],
  ['spectralNorm', () => spectralNorm(x, u, { iteration: 2 } as never), 'iteration', 'iterations'],
  ['spectralNormalizer', () => spectralNormalizer([2, 1], { sed: 1 } as never), 'sed', 'seed'],
  ['gradcheck', () => gradcheck((v) => tf.sum(v), [x], { atoll: 1e-3 } as never), 'atoll', 'atol'],
  ['gradgradcheck', () => gradgradcheck((v) => tf.sum(v), [x], { rtoll: 1e-3 } as never), 'rtoll', 'rtol'],
  ['modeCoverage', () => modeCoverage(x, x, { std: 1, radious: 3 } as never), 'radious', 'radius'],
  ['ringOfGaussians', () => ringOfGaussians({ mode: 8 } as never), 'mode', 'modes'],
  ['gridOfGaussians', () => gridOfGaussians({ sides: 5 } as never), 'sides', 'side'],
  ['ringOfGaussians.sample', () => ringOfGaussians().sample(4, { seed: 1, sed: 2 } as never), 'sed', 'seed'],
  ['gridOfGaussians.sample', () => gridOfGaussians().sample(4, { seeds: 1 } as never), 'seeds', 'seed'],
];

const message = (fn: string, key: string, near: string) => new RegExp(`^${fn.replace('.', '\\.')}: unknown option '${key}' \\(did you mean '${near}'\\?\\)`);

describe('strict options: an unknown key throws, naming the nearest valid key, and allocates nothing', () => {
  it.each(ROWS)('%s', (fn, call, key, near) => {
    expectThrowsClean(call, message(fn, key, near));
  });

  it('trainAdversarial (async: the promise rejects)', async () => {
    const before = tf.memory().numTensors;
    const run = trainAdversarial({
      generator: critic, discriminator: critic, generatorOptimizer: opt, discriminatorOptimizer: opt2, loss: nonSaturatingLoss,
      steps: 1, sampleReal: () => x, sampleNoise: () => x, stpes: 2,
    } as never);
    await expect(run).rejects.toThrow(message('trainAdversarial', 'stpes', 'steps'));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lists the valid keys when none is near', () => {
    expectThrowsClean(() => r1Penalty(critic, x, { completelyDifferent: 1 } as never), /r1Penalty: unknown option 'completelyDifferent' \(valid: 'weight'\)/);
  });
});
