// Strict options: every options or params bag of the package refuses an unknown key before allocating
// anything, naming the function and the nearest valid key.
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { expectThrowsClean } from '@genmod-internal/testing';
import {
  aggregatePosterior,
  autoregressivePrior,
  autoregressiveSample,
  bernoulliLogLikelihood,
  categoricalKl,
  causalMask,
  cyclicalAnnealing,
  discreteElbo,
  discretizedLogisticLikelihood,
  elbo,
  elboSurgery,
  flowPrior,
  gaussianLikelihood,
  iwaeBound,
  linearWarmup,
  standardNormalPrior,
  vectorQuantize,
  VectorQuantizer,
  type PriorBijector,
} from './index.js';

const model = {
  x: [[1, 0]],
  encode: (xx: tf.Tensor) => ({ loc: tf.zeros([xx.shape[0]!, 2]), logVar: tf.zeros([xx.shape[0]!, 2]) }),
  decode: (z: tf.Tensor) => z,
  likelihood: bernoulliLogLikelihood,
};
const identity: PriorBijector = { forward: (u) => ({ y: u, logDet: tf.zeros(u.shape.slice(0, -1)) }), inverse: (z) => ({ x: z, logDet: tf.zeros(z.shape.slice(0, -1)) }) };
const network = (c: tf.Tensor) => tf.zerosLike(c);
const components = tf.keep(tf.zeros([2, 2]));
// deliberately misspelled options, typed loosely
const bad = <T>(o: Record<string, unknown>): T => o as T;

/** [function name, the call with a misspelled key, the misspelled key, the key it should suggest] */
const rows: [string, () => unknown, string, string][] = [
  ['elbo', () => elbo(bad({ ...model, sed: 1 })), 'sed', 'seed'],
  ['iwaeBound', () => iwaeBound(bad({ ...model, k: 2, prir: undefined })), 'prir', 'prior'],
  ['discreteElbo', () => discreteElbo(bad({ ...model, encode: () => tf.zeros([1, 1, 2]), temprature: 1 })), 'temprature', 'temperature'],
  ['gaussianLikelihood', () => gaussianLikelihood(bad({ varience: 1 })), 'varience', 'variance'],
  ['discretizedLogisticLikelihood', () => discretizedLogisticLikelihood(bad({ bin: 256 })), 'bin', 'bins'],
  ['linearWarmup', () => linearWarmup(bad({ steps: 10, too: 1 })), 'too', 'to'],
  ['cyclicalAnnealing', () => cyclicalAnnealing(bad({ period: 10, ratoi: 0.5 })), 'ratoi', 'ratio'],
  ['categoricalKl', () => categoricalKl([[0, 0]], bad({ priorLogit: [0, 0] })), 'priorLogit', 'priorLogits'],
  ['vectorQuantize', () => vectorQuantize([[0, 0]], [[0, 0], [1, 1]], bad({ beat: 0.5 })), 'beat', 'beta'],
  ['VectorQuantizer', () => new VectorQuantizer(bad({ codebookSize: 2, dim: 2, emaa: true })), 'emaa', 'ema'],
  ['causalMask', () => causalMask(3, bad({ fil: -1e9 })), 'fil', 'fill'],
  ['autoregressiveSample', () => autoregressiveSample(() => tf.zeros([1, 2]), bad({ length: 2, topk: 1 })), 'topk', 'topK'],
  ['autoregressivePrior', () => autoregressivePrior(network, bad({ length: 2, classes: 3, clases: 3 })), 'clases', 'classes'],
  ['autoregressivePrior.sample', () => autoregressivePrior(network, { length: 2, classes: 3 }).sample([1], bad({ seeds: 1 })), 'seeds', 'seed'],
  ['elboSurgery', () => elboSurgery([[0, 0]], [[0, 0]], bad({ sample: 2 })), 'sample', 'samples'],
  ['standardNormalPrior.sample', () => standardNormalPrior([2]).sample([1], bad({ sed: 1 })), 'sed', 'seed'],
  ['standardNormalPrior.rsample', () => standardNormalPrior([2]).rsample([1], bad({ sed: 1 })), 'sed', 'seed'],
  ['flowPrior.sample', () => flowPrior(identity, standardNormalPrior([2])).sample([1], bad({ sed: 1 })), 'sed', 'seed'],
  ['flowPrior.rsample', () => flowPrior(identity, standardNormalPrior([2])).rsample!([1], bad({ sed: 1 })), 'sed', 'seed'],
  ['aggregatePosterior.sample', () => aggregatePosterior(components, components).sample([1], bad({ sed: 1 })), 'sed', 'seed'],
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('strict options: an unknown key throws, with a did-you-mean, and allocates nothing', () => {
  it.each(rows)('%s', (fn, call, key, near) => {
    expectThrowsClean(call, new RegExp(`^${escape(fn)}: unknown option '${escape(key)}' \\(did you mean '${escape(near)}'\\?\\)$`));
  });

  it('a far-off key lists the valid ones; nested bags name their path', () => {
    expectThrowsClean(() => causalMask(3, bad({ zzzzzzzz: 1 })), /^causalMask: unknown option 'zzzzzzzz' \(valid: 'fill'\)$/);
    expectThrowsClean(() => new VectorQuantizer(bad({ codebookSize: 2, dim: 2, ema: { decy: 0.9 } })), /^VectorQuantizer: unknown key of options\.ema 'decy' \(did you mean 'decay'\?\)$/);
  });
});
