// Minimal laws implementing core's distribution contract, written by hand for the tests (the package
// imports no distribution library; the pairings with @genmod/reparam live in the interop suite).
import * as tf from '@tensorflow/tfjs-core';
import {
  deriveSeed,
  normalNoise,
  stopGradient,
  uniformNoise,
  type BernoulliLaw,
  type CategoricalLaw,
  type Distribution,
  type IndependentLaw,
  type MultivariateNormalTriLLaw,
  type NormalLaw,
  type SampleOptions,
  type Support,
} from '@genmod-internal/core';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const asTensor = (x: tf.Tensor | number | number[]) => (x instanceof tf.Tensor ? x : tf.keep(tf.tensor(x)));
const batchOf = (a: tf.Tensor, b: tf.Tensor) => tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);

/**
 * N(loc, scale²), batch shape that of loc/scale, with rsample (differentiable in loc and scale). With
 * `logScale`, the scale is exp(logScale) and logStddev() returns logScale itself (exact where σ underflows).
 */
export function normal(loc: tf.Tensor | number | number[], scale: tf.Tensor | number | number[], logScale?: tf.Tensor | number | number[]): NormalLaw {
  const l = asTensor(loc);
  const ls = logScale === undefined ? undefined : asTensor(logScale);
  const s = ls ? tf.keep(tf.exp(ls)) : asTensor(scale);
  const batchShape = batchOf(l, s);
  const rsample = (shape: number[] = [], o: SampleOptions = {}) => tf.tidy(() => tf.add(l, tf.mul(s, normalNoise([...shape, ...batchShape], o.seed))));
  return {
    family: 'Normal',
    batchShape,
    eventShape: [],
    support: 'real',
    loc: l,
    scale: s,
    logStddev: () => (ls ? tf.clone(ls) : tf.log(s)),
    rsample,
    sample: (shape, o) => tf.tidy(() => stopGradient(rsample(shape, o))),
    logProb: (x) => tf.tidy(() => tf.sub(tf.sub(tf.mul(tf.square(tf.div(tf.sub(x, l), s)), -0.5), tf.log(s)), HALF_LOG_2PI)),
  };
}

/** A law of another family with loc and scale (Gumbel(loc, scale)): the analytic Normal functions refuse it. */
export function gumbel(loc: number, scale: number): Distribution & { loc: tf.Tensor; scale: tf.Tensor } {
  const l = asTensor(loc);
  const s = asTensor(scale);
  return {
    family: 'Gumbel',
    batchShape: [],
    eventShape: [],
    support: 'real',
    loc: l,
    scale: s,
    sample: (shape = [], o = {}) => tf.tidy(() => tf.sub(l, tf.mul(s, tf.log(tf.neg(tf.log(uniformNoise(shape, o.seed, 1e-7, 1))))))),
    logProb: (x) => tf.tidy(() => {
      const z = tf.div(tf.sub(x, l), s);
      return tf.sub(tf.neg(tf.add(z, tf.exp(tf.neg(z)))), tf.log(s));
    }),
  };
}

/** Independent(base, k): the last k batch axes of base read as event axes. */
export function independent<D extends Distribution>(base: D, k: number): IndependentLaw<D> {
  const cut = base.batchShape.length - k;
  return {
    family: 'Independent',
    base,
    reinterpretedBatchNdims: k,
    batchShape: base.batchShape.slice(0, cut),
    eventShape: [...base.batchShape.slice(cut), ...base.eventShape],
    support: base.support,
    sample: (shape, o) => base.sample(shape, o),
    logProb: (x) => tf.tidy(() => {
      const lp = base.logProb(x);
      return k === 0 ? lp : tf.sum(lp, Array.from({ length: k }, (_, i) => lp.rank - 1 - i));
    }),
  };
}

/** Categorical over the last axis, from exactly one of logits / probs (the other field undefined). */
export function categorical(params: { logits: number[] | number[][] } | { probs: number[] | number[][] }): CategoricalLaw {
  const logits = 'logits' in params ? tf.keep(tf.tensor(params.logits)) : undefined;
  const probs = 'probs' in params ? tf.keep(tf.tensor(params.probs)) : undefined;
  const t = (logits ?? probs)!;
  const logp = () => (logits ? tf.logSoftmax(logits) : tf.log(probs!));
  return {
    family: 'Categorical',
    batchShape: t.shape.slice(0, -1),
    eventShape: [],
    support: 'index',
    logits,
    probs,
    sample: (shape = [], o = {}) => tf.tidy(() => {
      const flat = tf.reshape(logp(), [-1, t.shape[t.shape.length - 1]!]);
      const n = shape.reduce((a, b) => a * b, 1);
      const draws = tf.multinomial(flat as tf.Tensor2D, n, deriveSeed(o.seed));
      return tf.reshape(tf.cast(tf.transpose(draws), 'float32'), [...shape, ...t.shape.slice(0, -1)]);
    }),
    logProb: (x) => tf.tidy(() => tf.sum(tf.mul(tf.oneHot(tf.cast(x, 'int32'), t.shape[t.shape.length - 1]!), logp()), -1)),
  };
}

/** Bernoulli, from exactly one of logits / probs. */
export function bernoulli(params: { logits: number[] } | { probs: number[] }): BernoulliLaw {
  const logits = 'logits' in params ? tf.keep(tf.tensor(params.logits)) : undefined;
  const probs = 'probs' in params ? tf.keep(tf.tensor(params.probs)) : undefined;
  const p = () => (logits ? tf.sigmoid(logits) : probs!);
  return {
    family: 'Bernoulli',
    batchShape: (logits ?? probs)!.shape,
    eventShape: [],
    support: 'binary',
    logits,
    probs,
    sample: (shape = [], o = {}) => tf.tidy(() => tf.cast(tf.less(uniformNoise([...shape, ...(logits ?? probs)!.shape], o.seed), p()), 'float32')),
    logProb: (x) => tf.tidy(() => tf.add(tf.mul(x, tf.log(p())), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p()))))),
  };
}

/**
 * N(loc, L·Lᵀ) over the last axis. Like @genmod/reparam's class it also has a `covariance()` METHOD, which
 * must not be read as a covariance parameter.
 */
export function mvn(loc: number[], scaleTril: number[][]): MultivariateNormalTriLLaw & { covariance(): tf.Tensor } {
  const l = tf.keep(tf.tensor1d(loc));
  const L = tf.keep(tf.tensor2d(scaleTril));
  const d = loc.length;
  const rsample = (shape: number[] = [], o: SampleOptions = {}) =>
    tf.tidy(() => tf.add(l, tf.reshape(tf.matMul(tf.reshape(normalNoise([...shape, d], o.seed), [-1, d]), L, false, true), [...shape, d])));
  return {
    family: 'MultivariateNormalTriL',
    batchShape: [],
    eventShape: [d],
    support: 'real',
    loc: l,
    scaleTril: L,
    covariance: () => tf.matMul(L, L, false, true),
    rsample,
    sample: (shape, o) => tf.tidy(() => stopGradient(rsample(shape, o))),
    logProb: () => {
      throw new Error('not needed by the tests');
    },
  };
}

/** A law on a given support (simplex / log-simplex, as the relaxed one-hot laws), for the support checks. */
export function onSupport(support: Support, eventShape: number[] = [3]): Distribution {
  return {
    family: support === 'simplex' ? 'RelaxedOneHotCategorical' : 'ExpRelaxedCategorical',
    batchShape: [],
    eventShape,
    support,
    sample: (shape = [], o = {}) => tf.tidy(() => tf.softmax(normalNoise([...shape, ...eventShape], o.seed))),
    logProb: (x) => tf.sum(tf.zerosLike(x), -1),
  };
}

/** A 1-D mixture Σ w_k N(μ_k, σ_k²) (scalar batch), sampled by ancestral sampling (not reparameterized). */
export function mixture(weights: number[], locs: number[], scales: number[]): Distribution {
  const cumulative = weights.map((_, i) => weights.slice(0, i + 1).reduce((s, w) => s + w, 0));
  return {
    family: 'Mixture',
    batchShape: [],
    eventShape: [],
    support: 'real',
    sample: (shape = [], o = {}) =>
      tf.tidy(() => {
        const u = uniformNoise(shape, o.seed, 0, 1, 'component');
        const k = tf.sum(tf.cast(tf.greater(tf.expandDims(u, -1), tf.tensor1d(cumulative.slice(0, -1))), 'int32'), -1);
        const z = normalNoise(shape, o.seed, 'noise');
        return tf.add(tf.gather(tf.tensor1d(locs), k), tf.mul(tf.gather(tf.tensor1d(scales), k), z));
      }),
    logProb: (x) =>
      tf.tidy(() => {
        const xe = tf.expandDims(x, -1);
        const z = tf.div(tf.sub(xe, locs), scales);
        const comp = tf.sub(tf.sub(tf.mul(tf.square(z), -0.5), tf.log(tf.tensor1d(scales))), HALF_LOG_2PI);
        return tf.logSumExp(tf.add(comp, tf.log(tf.tensor1d(weights))), -1);
      }),
  };
}
