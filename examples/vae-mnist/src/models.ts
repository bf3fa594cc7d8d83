/**
 * The two models, as plain functions over tf.Variables: a Gaussian VAE (MLP 784-400-20) and a discrete
 * VAE (N categorical latents with K classes, decoded through a learned codebook), each with the step
 * function the trainer calls and the evaluation the summary reports.
 */
import * as tf from '@tensorflow/tfjs';
import { exponentialDecay } from '@genmod/gumbel';
import { bernoulliLogLikelihood, codebookLookup, discreteElbo, elbo, iwaeBound, logMeanExp, type Stateful } from '@genmod/vae';
import { layerVariables, variablesState } from './state.js';

/** A dense layer y = x·W + b with Glorot-uniform W and zero b. */
export function dense(inputs: number, outputs: number, seed: number): { w: tf.Variable; b: tf.Variable } {
  const limit = Math.sqrt(6 / (inputs + outputs));
  return tf.tidy(() => ({ w: tf.variable(tf.randomUniform([inputs, outputs], -limit, limit, 'float32', seed)), b: tf.variable(tf.zeros([outputs])) }));
}
const apply = (l: { w: tf.Tensor; b: tf.Tensor }, x: tf.Tensor) => tf.add(tf.matMul(x, l.w), l.b);

export interface Model {
  name: string;
  variables: tf.Variable[];
  /** one loss evaluation (inside optimizer.minimize); returns { loss, elbo } means */
  objective(x: tf.Tensor, step: number): { loss: tf.Scalar; elbo: tf.Scalar };
  /** per-example test ELBO `[B]` */
  testElbo(x: tf.Tensor, seed: number): tf.Tensor;
  /** per-example IWAE bound `[B]` with k samples */
  iwae(x: tf.Tensor, k: number, seed: number): tf.Tensor;
  /** reconstruction probabilities `[B, 784]` */
  reconstruct(x: tf.Tensor, seed: number): tf.Tensor;
  /** samples from the prior, probabilities `[n, 784]` */
  sample(n: number, seed: number): tf.Tensor;
  /** every variable by structural name (`encoder/0/w`, …), for saveState / loadState */
  readonly state: Stateful;
  /** the options that rebuild this model (saved as the checkpoint's metadata) */
  readonly architecture: Record<string, number>;
  dispose(): void;
}

export function gaussianVae(latent = 20, hidden = 400): Model & { encodeMean(x: tf.Tensor): { loc: tf.Tensor; logVar: tf.Tensor }; decodeProbs(z: tf.Tensor): tf.Tensor } {
  const enc = dense(784, hidden, 1);
  const mu = dense(hidden, latent, 2);
  const lv = dense(hidden, latent, 3);
  const dec1 = dense(latent, hidden, 4);
  const dec2 = dense(hidden, 784, 5);
  const layers = [enc, mu, lv, dec1, dec2];
  const encode = (x: tf.Tensor) => {
    const h = tf.relu(apply(enc, x));
    return { loc: apply(mu, h), logVar: apply(lv, h) };
  };
  const decode = (z: tf.Tensor) => apply(dec2, tf.relu(apply(dec1, z)));
  const model = { encode, decode, likelihood: bernoulliLogLikelihood };
  return {
    name: 'Gaussian VAE',
    variables: layers.flatMap((l) => [l.w, l.b]),
    objective(x, step) {
      const r = elbo({ x, ...model, seed: step });
      return { loss: r.loss, elbo: tf.mean(r.elbo) as tf.Scalar };
    },
    testElbo: (x, seed) => elbo({ x, ...model, seed }).elbo,
    iwae: (x, k, seed) => iwaeBound({ x, ...model, k, seed }).bound,
    reconstruct: (x) => tf.sigmoid(decode(encode(x).loc)),
    sample: (n, seed) => tf.sigmoid(decode(tf.randomNormal([n, latent], 0, 1, 'float32', seed))),
    encodeMean: encode,
    decodeProbs: (z) => tf.sigmoid(decode(z)),
    state: variablesState({ ...layerVariables('encoder', [enc]), ...layerVariables('loc', [mu]), ...layerVariables('logVar', [lv]), ...layerVariables('decoder', [dec1, dec2]) }),
    architecture: { latent, hidden },
    dispose: () => tf.dispose(layers.flatMap((l) => [l.w, l.b])),
  };
}

/**
 * The dVAE: encoder 784-400-N·K logits, relaxed one-hots y [B, N, K] → codebook [K, D] → [B, N·D] →
 * 400 → 784 logits. `temperature(step)` anneals τ.
 */
export function discreteVae(n: number, k: number, temperature: (step: number) => number, codeDim = 16, hidden = 400): Model & { decodeCodes(y: tf.Tensor): tf.Tensor } {
  const enc1 = dense(784, hidden, 11);
  const enc2 = dense(hidden, n * k, 12);
  const codebook = tf.tidy(() => tf.variable(tf.randomNormal([k, codeDim], 0, 1, 'float32', 13)));
  const dec1 = dense(n * codeDim, hidden, 14);
  const dec2 = dense(hidden, 784, 15);
  const layers = [enc1, enc2, dec1, dec2];
  const encode = (x: tf.Tensor) => tf.reshape(apply(enc2, tf.relu(apply(enc1, x))), [-1, n, k]);
  const decode = (y: tf.Tensor) => apply(dec2, tf.relu(apply(dec1, tf.reshape(codebookLookup(y, codebook), [-1, n * codeDim]))));
  /** log p(x|c) + log p(c) − log q(c|x) for c ~ q (exact one-hot samples by Gumbel-max), [S, B]. */
  const logWeights = (x: tf.Tensor, s: number, seed: number) => {
    const logits = encode(x);
    const b = x.shape[0]!;
    const l = tf.tile(tf.expandDims(logits, 0), [s, 1, 1, 1]); // [S, B, N, K]
    const g = tf.neg(tf.log(tf.neg(tf.log(tf.clipByValue(tf.randomUniform(l.shape, 0, 1, 'float32', seed), 1e-7, 1 - 1e-7)))));
    const c = tf.cast(tf.oneHot(tf.argMax(tf.add(l, g), -1), k), 'float32');
    const logQ = tf.sum(tf.mul(c, tf.logSoftmax(l)), [2, 3]);
    const logPc = -n * Math.log(k);
    const xs = tf.tile(x, [s, 1]);
    const ll = tf.reshape(bernoulliLogLikelihood(xs, decode(tf.reshape(c, [s * b, n, k]))), [s, b]);
    return tf.sub(tf.add(ll, logPc), logQ);
  };
  return {
    name: `dVAE ${n}xCat(${k})`,
    variables: [...layers.flatMap((l) => [l.w, l.b]), codebook],
    objective(x, step) {
      const r = discreteElbo({ x, encode, decode, likelihood: bernoulliLogLikelihood, temperature: temperature(step), seed: step });
      return { loss: r.loss, elbo: tf.mean(r.elbo) as tf.Scalar };
    },
    // the discrete ELBO: hard one-hot samples forward (exact Categorical draws), analytic KL
    testElbo: (x, seed) => discreteElbo({ x, encode, decode, likelihood: bernoulliLogLikelihood, hard: true, seed }).elbo,
    iwae: (x, kk, seed) => logMeanExp(logWeights(x, kk, seed), 0),
    reconstruct: (x) => tf.sigmoid(decode(tf.cast(tf.oneHot(tf.argMax(encode(x), -1), k), 'float32'))),
    sample: (m, seed) => tf.sigmoid(decode(tf.cast(tf.oneHot(tf.cast(tf.floor(tf.randomUniform([m, n], 0, k - 1e-3, 'float32', seed)), 'int32'), k), 'float32'))),
    decodeCodes: (y) => tf.sigmoid(decode(y)),
    state: variablesState({ ...layerVariables('encoder', [enc1, enc2]), codebook, ...layerVariables('decoder', [dec1, dec2]) }),
    architecture: { latents: n, classes: k, codeDim, hidden },
    dispose: () => tf.dispose([...layers.flatMap((l) => [l.w, l.b]), codebook]),
  };
}

/** The names of the two VAEs of the showcase and of the time-to-quality protocol (bench/src/mnist). */
export type ProtocolModelName = 'gaussian' | 'dvae';

/**
 * The showcase's two VAEs, as the protocol of bench/src/mnist (and its PyTorch peer) fixes them: the Gaussian VAE
 * 784-400-(20, 20)-400-784, and the dVAE with 20 latents of 10 classes, codebook 10 × 16, hidden 400, temperature
 * τ(step) = max(0.5, exp(−1e-4·step)) (`exponentialDecay`).
 */
export function protocolModel(name: 'gaussian'): { model: ReturnType<typeof gaussianVae> };
export function protocolModel(name: 'dvae'): { model: ReturnType<typeof discreteVae>; temperature: (step: number) => number };
export function protocolModel(name: ProtocolModelName): { model: Model; temperature?: (step: number) => number };
export function protocolModel(name: ProtocolModelName): { model: Model; temperature?: (step: number) => number } {
  if (name === 'gaussian') return { model: gaussianVae(20, 400) };
  if (name === 'dvae') {
    const temperature = exponentialDecay({ initial: 1, rate: 1e-4, min: 0.5 });
    return { model: discreteVae(20, 10, temperature), temperature };
  }
  throw new Error(`protocolModel: name must be 'gaussian' or 'dvae', got ${JSON.stringify(name)}`);
}
