import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  aggregatePosterior,
  autoregressivePrior,
  bernoulliLogLikelihood,
  categoricalKl,
  causalMask,
  codebookLookup,
  cyclicalAnnealing,
  discreteElbo,
  discretizedLogisticLikelihood,
  elbo,
  elboSurgery,
  flowPrior,
  gaussianLikelihood,
  iwaeBound,
  linearWarmup,
  logMeanExp,
  type PriorBijector,
  standardNormalPrior,
  vectorQuantize,
  type VectorQuantizeResult,
} from '@genmod/vae';
import { type Adapter, describeDifferential, type Tolerance } from './harness.js';

type In = Record<string, tf.Tensor>;
const num = (t: tf.Tensor) => t.dataSync()[0]!;
const int = (t: tf.Tensor) => t.dataSync()[0]!;

// Base tolerances, documented: a float32 closed form costs a few ulps of its result (rtol) on top of the rounding
// of the inputs (k·2⁻²³·cond, cond from the reference's own derivatives); atol covers results that cancel to ~0.
// Sums over d (likelihoods, log-densities, KLs summed over latents or codes, up to 512 terms) or over the
// elements of a mean (VQ losses) accumulate float32 rounding: rtol/atol 1e-4, k 8. The ELBO / IWAE bound / discrete
// ELBO chain a decoder matmul, a likelihood, a KL and a log-sum-exp: rtol/atol 1e-4, k 16. Schedules and the
// causal mask are exact up to float32 rounding of the result (rtol 1e-6) and exact (0) respectively.
const CLOSED: Tolerance = { rtol: 1e-5, atol: 1e-5, k: 4 };
const SUMS: Tolerance = { rtol: 1e-4, atol: 1e-4, k: 8 };
const CHAINS: Tolerance = { rtol: 1e-4, atol: 1e-4, k: 16 };
const EXACT: Tolerance = { rtol: 0, atol: 0, k: 0 };
const SCHEDULE: Tolerance = { rtol: 1e-6, atol: 1e-7, k: 0 };

/** The encoder of the ELBO/IWAE adapters: the case's loc/logVar are the encoder's output (gradients reach them). */
const model = (i: In) => ({
  x: i.x!,
  encode: () => ({ loc: i.loc!, logVar: i.logVar! }),
  decode: (z: tf.Tensor) => tf.matMul(z, i.W!),
  likelihood: bernoulliLogLikelihood,
});

const vq = (pick: (r: VectorQuantizeResult) => tf.Tensor) => (i: In): tf.Tensor => {
  const r = vectorQuantize(i.zE!, i.codebook!, { beta: num(i.beta!) });
  return pick(r);
};

/** f(u) = shift + e^logScale·u elementwise over the last axis: a bijector written by the test, as a user would. */
const affine = (shift: tf.Tensor, logScale: tf.Tensor): PriorBijector => ({
  forward: (u) => ({ y: tf.add(shift, tf.mul(tf.exp(logScale), u)), logDet: tf.add(tf.zeros(u.shape.slice(0, -1)), tf.sum(logScale)) }),
  inverse: (z) => ({ x: tf.mul(tf.sub(z, shift), tf.exp(tf.neg(logScale))), logDet: tf.sub(tf.zeros(z.shape.slice(0, -1)), tf.sum(logScale)) }),
});

/** The Markov-chain network of autoregressivePrior's example: logits_n = c_{n−1}·table + bias (strictly causal). */
const markov = (table: tf.Tensor, bias: tf.Tensor) => (c: tf.Tensor): tf.Tensor => {
  const [m, n, k] = c.shape as [number, number, number];
  const prev = tf.pad(tf.slice(c, [0, 0, 0], [m, n - 1, k]), [[0, 0], [1, 0], [0, 0]]);
  return tf.add(tf.reshape(tf.matMul(tf.reshape(prev, [-1, k]), table), [m, n, k]), bias);
};

const ADAPTERS: Record<string, Adapter> = {
  bernoulliLogLikelihood: { tol: SUMS, run: (i) => bernoulliLogLikelihood(i.x!, i.logits!) },
  'gaussianLikelihood(variance)': { tol: SUMS, run: (i) => gaussianLikelihood({ variance: num(i.variance!) })(i.x!, i.mean!) },
  'gaussianLikelihood(logVariance)': { tol: SUMS, run: (i) => gaussianLikelihood({ logVariance: i.logVar! })(i.x!, i.mean!) },
  'gaussianLikelihood(split)': { tol: SUMS, run: (i) => gaussianLikelihood({ split: true })(i.x!, i.decoded!) },
  'discretizedLogisticLikelihood(logScale)': {
    tol: SUMS,
    run: (i, d) => discretizedLogisticLikelihood({ bins: int(d.bins!), logScale: i.logScale! })(i.x!, i.loc!),
  },
  'discretizedLogisticLikelihood(split)': { tol: SUMS, run: (i, d) => discretizedLogisticLikelihood({ bins: int(d.bins!) })(i.x!, i.decoded!) },
  logMeanExp: { tol: SUMS, run: (i, d) => logMeanExp(i.x!, int(d.axis!)) },
  elbo: { tol: CHAINS, run: (i, d) => elbo({ ...model(i), noise: i.noise!, samples: int(d.samples!) }).elbo },
  'elbo(analyticKl: false)': {
    tol: CHAINS,
    run: (i, d) => elbo({ ...model(i), noise: i.noise!, samples: int(d.samples!), analyticKl: false }).elbo,
  },
  iwaeBound: { tol: CHAINS, run: (i, d) => iwaeBound({ ...model(i), noise: i.noise!, k: int(d.k!) }).bound },
  linearWarmup: {
    tol: SCHEDULE,
    run: (i, d) => tf.scalar(linearWarmup({ steps: int(d.steps!), from: num(i.start!), to: num(i.end!) })(int(d.step!))),
  },
  cyclicalAnnealing: {
    tol: SCHEDULE,
    run: (i, d) => tf.scalar(cyclicalAnnealing({ period: int(d.period!), ratio: num(i.ratio!), to: num(i.end!) })(int(d.step!))),
  },
  codebookLookup: { tol: SUMS, run: (i) => codebookLookup(i.y!, i.codebook!) },
  'vectorQuantize.zQ': { tol: CLOSED, run: vq((r) => r.zQ) },
  'vectorQuantize.indices': { tol: EXACT, run: vq((r) => tf.cast(r.indices, 'float32')) },
  'vectorQuantize.codebookLoss': { tol: SUMS, run: vq((r) => r.codebookLoss) },
  'vectorQuantize.commitmentLoss': { tol: SUMS, run: vq((r) => r.commitmentLoss) },
  'vectorQuantize.loss': { tol: SUMS, run: vq((r) => r.loss) },
  'vectorQuantize.perplexity': { tol: SUMS, run: vq((r) => r.perplexity) },
  categoricalKl: { tol: SUMS, run: (i) => categoricalKl(i.logits!) },
  'categoricalKl(priorLogits)': { tol: SUMS, run: (i) => categoricalKl(i.logits!, { priorLogits: i.priorLogits! }) },
  discreteElbo: {
    tol: CHAINS,
    run: (i) =>
      discreteElbo({
        x: i.x!,
        encode: () => i.logits!,
        decode: (y) => tf.sum(codebookLookup(y, i.codebook!), 1),
        likelihood: bernoulliLogLikelihood,
        noise: i.noise!,
        temperature: num(i.temperature!),
      }).elbo,
  },
  causalMask: { tol: EXACT, run: (i, d) => causalMask(int(d.n!), { fill: num(i.fill!) }) },
  'standardNormalPrior.logProb': { tol: SUMS, run: (i) => standardNormalPrior([i.z!.shape[i.z!.rank - 1]!]).logProb(i.z!) },
  'aggregatePosterior.logProb': { tol: SUMS, run: (i) => aggregatePosterior(i.loc!, i.logVar!).logProb(i.z!) },
  'aggregatePosterior.mean': { tol: SUMS, run: (i) => aggregatePosterior(i.loc!, i.logVar!).mean() },
  'aggregatePosterior.variance': { tol: SUMS, run: (i) => aggregatePosterior(i.loc!, i.logVar!).variance() },
  'autoregressivePrior.conditionalLogProbs': {
    tol: SUMS,
    run: (i) => {
      const [, n, k] = i.c!.shape as [number, number, number];
      return autoregressivePrior(markov(i.table!, i.bias!), { length: n, classes: k }).conditionalLogProbs(i.c!);
    },
  },
  'elboSurgery.averageKl': { tol: SUMS, run: (i) => elboSurgery(i.loc!, i.logVar!, { seed: 0 }).averageKl },
  'flowPrior.logProb': {
    tol: SUMS,
    run: (i) => flowPrior(affine(i.shift!, i.logScale!), standardNormalPrior([i.z!.shape[i.z!.rank - 1]!])).logProb(i.z!),
  },
  'autoregressivePrior.logProb': {
    tol: SUMS,
    run: (i) => {
      const [, n, k] = i.c!.shape as [number, number, number];
      return autoregressivePrior(markov(i.table!, i.bias!), { length: n, classes: k }).logProb(i.c!);
    },
  },
};

describeDifferential('vae', ADAPTERS);

// K = 1 has no KL to take: categoricalKl refuses it (documented) rather than returning a number.
it('categoricalKl refuses K = 1', () => {
  expect(() => categoricalKl(tf.zeros([2, 1]))).toThrow(/K ≥ 2/);
});
