/**
 * Kullback–Leibler divergence, entropy and cross-entropy of full-covariance multivariate normal laws,
 * through Cholesky factors and triangular solves (no explicit inverse or determinant).
 *
 * @see Kullback & Leibler 1951, "On Information and Sufficiency", Ann. Math. Statist. 22(1).
 * @see Duchi, "Derivations for Linear Algebra and Optimization" (KL between multivariate normals).
 * @see torch.distributions.kl._kl_multivariatenormal_multivariatenormal, tfp MultivariateNormalTriL.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { broadcastShapes, checkOptions, checkTensorArg, cholesky, expm1MinusX, fail, inferShape, LOG_TWO_PI, toFloat, triangularSolve, type MultivariateNormalTriLLaw } from '@genmod-internal/core';
import { checkParamObject, checkValidate, type ValidateOptions } from './internal/checks.js';
import { mvnSource } from './internal/laws.js';
import { broadcastTo } from './internal/math.js';

/**
 * A multivariate normal N(loc, Σ), given by its lower-triangular Cholesky factor `scaleTril` (Σ = L·Lᵀ,
 * positive diagonal) or by its `covariance` Σ (symmetric positive definite; factored here), as a plain
 * object (`family` absent: an object with a family tag is read as a distribution).
 */
export type MultivariateNormalParams =
  | { loc: Tensor | TensorLike; scaleTril: Tensor | TensorLike; covariance?: undefined; family?: undefined }
  | { loc: Tensor | TensorLike; covariance: Tensor | TensorLike; scaleTril?: undefined; family?: undefined };

/**
 * A multivariate normal as the functions take it: plain parameters, or a distribution of family
 * 'MultivariateNormalTriL' (read through its `loc` and `scaleTril` only).
 * @since 0.1.0
 */
export type MultivariateNormalLike = MultivariateNormalParams | MultivariateNormalTriLLaw;

interface CheckedMvn {
  key: 'scaleTril' | 'covariance';
  d: number;
  batch: number[];
  params: MultivariateNormalParams;
}

const EXPECTED = 'an object { loc, scaleTril } or { loc, covariance }';

function readMatrix(x: Tensor | TensorLike): { values: ArrayLike<number>; dispose?: () => void } {
  if (x instanceof tf.Tensor) return { values: x.dataSync() as ArrayLike<number> };
  const flat: number[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v) || ArrayBuffer.isView(v)) for (const e of Array.from(v as ArrayLike<unknown>)) walk(e);
    else flat.push(Number(v));
  };
  walk(x);
  return { values: flat };
}

function checkMvn(fn: string, arg: string, x: unknown, validate: boolean): CheckedMvn {
  const src = mvnSource(fn, arg, x);
  if (src.law) validate = false; // a law checked its own parameters
  const p = checkParamObject(fn, arg, src.params, ['loc'], EXPECTED, ['loc', 'scaleTril', 'covariance', 'family']);
  const hasTril = p.scaleTril !== undefined;
  if (hasTril === (p.covariance !== undefined)) fail(fn, arg, `${EXPECTED} (exactly one of scaleTril, covariance)`, hasTril ? 'both' : 'neither');
  const key = hasTril ? 'scaleTril' : 'covariance';
  const locShape = checkTensorArg(fn, `${arg}.loc`, p.loc);
  const mShape = checkTensorArg(fn, `${arg}.${key}`, p[key]);
  if (locShape.length < 1) fail(fn, `${arg}.loc`, 'a tensor of rank ≥ 1 (shape [..., d])', p.loc);
  const d = locShape[locShape.length - 1]!;
  if (mShape.length < 2 || mShape[mShape.length - 1] !== d || mShape[mShape.length - 2] !== d) {
    fail(fn, `${arg}.${key}`, `of shape [..., ${d}, ${d}] to match ${arg}.loc [${locShape.join(', ')}]`, p[key] instanceof tf.Tensor ? p[key] : `shape [${mShape.join(', ')}]`);
  }
  const batch = broadcastShapes(fn, `${arg}.loc and ${arg}.${key} (batch dimensions)`, locShape.slice(0, -1), mShape.slice(0, -2));
  if (validate) {
    const { values } = readMatrix(p[key]!);
    let worstUpper = 0;
    let minDiag = Infinity;
    let asym = 0;
    let scale = 0;
    for (let o = 0; o < values.length; o += d * d) {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const v = values[o + i * d + j]!;
          scale = Math.max(scale, Math.abs(v));
          if (i === j) minDiag = Math.min(minDiag, v);
          if (j > i) worstUpper = Math.max(worstUpper, Math.abs(v));
          if (j > i) asym = Math.max(asym, Math.abs(v - values[o + j * d + i]!));
          if (!Number.isFinite(v)) fail(fn, `${arg}.${key}`, 'finite', `a value of ${v}`);
        }
      }
    }
    if (key === 'scaleTril') {
      if (worstUpper !== 0) fail(fn, `${arg}.scaleTril`, 'lower triangular (zeros above the diagonal)', `an entry of magnitude ${worstUpper} above the diagonal`);
      if (!(minDiag > 0)) fail(fn, `${arg}.scaleTril`, 'a Cholesky factor with a strictly positive diagonal', `a diagonal minimum of ${minDiag}`);
    } else {
      if (asym > 1e-5 * Math.max(scale, 1)) fail(fn, `${arg}.covariance`, 'symmetric', `an asymmetry of ${asym}`);
      if (!(minDiag > 0)) fail(fn, `${arg}.covariance`, 'positive definite', `a diagonal minimum of ${minDiag}`);
    }
  }
  return { key, d, batch, params: p as unknown as MultivariateNormalParams };
}

/** The Cholesky factor of a checked law (inside a tidy); with `validate`, a covariance must factor. */
function factor(fn: string, arg: string, c: CheckedMvn, validate: boolean): Tensor {
  const p = c.params;
  if (c.key === 'scaleTril') return toFloat(fn, `${arg}.scaleTril`, p.scaleTril!);
  const l = cholesky(toFloat(fn, `${arg}.covariance`, p.covariance!));
  if (validate) {
    const m = tf.min(tf.sum(tf.mul(l, tf.eye(c.d)), -1)).dataSync()[0]!;
    if (!(m > 0)) fail(fn, `${arg}.covariance`, 'positive definite', 'a matrix whose Cholesky factorization fails');
  }
  return l;
}

/** log|L_ii|, `[..., d]`. */
function logDiagEntries(l: Tensor, d: number): Tensor {
  return tf.log(tf.abs(tf.sum(tf.mul(l, tf.eye(d)), -1)));
}

function logDiag(l: Tensor, d: number): Tensor {
  return tf.sum(logDiagEntries(l, d), -1);
}

function checkPair(fn: string, p: unknown, q: unknown, options: ValidateOptions) {
  const validate = checkValidate(fn, options);
  const cp = checkMvn(fn, 'p', p, validate);
  const cq = checkMvn(fn, 'q', q, validate);
  if (cp.d !== cq.d) fail(fn, 'p and q', 'laws of the same event size d', `d = ${cp.d} and d = ${cq.d} (p.loc [${inferShape(cp.params.loc)}], q.loc [${inferShape(cq.params.loc)}])`);
  const batch = broadcastShapes(fn, 'p and q (batch dimensions)', cp.batch, cq.batch);
  return { validate, cp, cq, batch, d: cp.d };
}

/** H(p) = ½·d·(1 + log 2π) + Σ_i log L_ii (inside a tidy). */
function entropyOf(fn: string, cp: CheckedMvn, validate: boolean): Tensor {
  return tf.add(logDiag(factor(fn, 'p', cp, validate), cp.d), 0.5 * cp.d * (1 + LOG_TWO_PI));
}

/**
 * KL(p‖q) between multivariate normals with full covariances:
 *
 *   KL = ½·[log(|Σ_q|/|Σ_p|) − d + tr(Σ_q⁻¹Σ_p) + (μ_q − μ_p)ᵀ Σ_q⁻¹ (μ_q − μ_p)]
 *
 * computed from the Cholesky factors with M = L_q⁻¹L_p (a triangular solve), r_i = log L_p,ii − log L_q,ii:
 * KL = ½·[Σ_i (expm1(2r_i) − 2r_i) + Σ_(i>j) M_ij² + ‖L_q⁻¹(μ_q − μ_p)‖²], a sum of non-negative terms, accurate
 * for near-identical laws (where tr(Σ_q⁻¹Σ_p) − d + log|Σ_q|/|Σ_p| cancels). Differentiable in every parameter.
 *
 * @param p `{ loc: [..., d], scaleTril: [..., d, d] }`, `{ loc, covariance }`, or a distribution of family
 *   'MultivariateNormalTriL' (only its `loc` and `scaleTril` are read)
 * @param q the same, with the same d and broadcastable batch dimensions
 * @returns `[...batch]`
 * @see Kullback & Leibler 1951 · torch.distributions.kl._kl_multivariatenormal_multivariatenormal
 * @example
 * ```ts
 * const p = { loc: [0, 0], covariance: [[2, 0.5], [0.5, 1]] };
 * const q = { loc: [1, 0], scaleTril: [[1, 0], [0, 1]] };
 * klMultivariateNormal(p, q).print(); // ≈ 0.7202 = ½(log(1/1.75) − 2 + 3 + 1)
 * ```
 * @since 0.1.0
 */
export function klMultivariateNormal(p: MultivariateNormalLike, q: MultivariateNormalLike, options: ValidateOptions = {}): Tensor {
  const fn = 'klMultivariateNormal';
  options = checkOptions(fn, options, ['validate']);
  const { validate, cp, cq, batch, d } = checkPair(fn, p, q, options);
  return tf.tidy(fn, () => kl(fn, cp, cq, batch, d, validate));
}

function kl(fn: string, cp: CheckedMvn, cq: CheckedMvn, batch: number[], d: number, validate: boolean): Tensor {
  const lp = broadcastTo(factor(fn, 'p', cp, validate), [...batch, d, d]);
  const lq = broadcastTo(factor(fn, 'q', cq, validate), [...batch, d, d]);
  const diff = broadcastTo(tf.sub(toFloat(fn, 'q.loc', cq.params.loc), toFloat(fn, 'p.loc', cp.params.loc)), [...batch, d]);
  // only the lower triangles are read (a scaleTril's upper one is 0): no gradient reaches the entries above
  const lower = tf.tensor2d(Array.from({ length: d * d }, (_, k) => (Math.floor(k / d) >= k % d ? 1 : 0)), [d, d]);
  const m = triangularSolve(tf.mul(lq, lower), tf.mul(lp, lower)); // L_q⁻¹ L_p, lower triangular, diagonal e^(r_i)
  const y = triangularSolve(lq, tf.expandDims(diff, -1)); // L_q⁻¹ (μ_q − μ_p)
  // tr(M·Mᵀ) − d − log|M|² = Σ_i (e^(2r_i) − 1 − 2r_i) + Σ_(i>j) M_ij²: every term ≥ 0, the diagonal ones by
  // expm1(2r) − 2r (no cancellation for near-identical laws, where trace − d + logDet loses d·2⁻²³ absolute)
  const r = tf.sub(logDiagEntries(lp, d), logDiagEntries(lq, d));
  const strictlyLower = tf.tensor2d(Array.from({ length: d * d }, (_, k) => (Math.floor(k / d) > k % d ? 1 : 0)), [d, d]);
  const offDiagonal = tf.sum(tf.square(tf.mul(m, strictlyLower)), [-2, -1]);
  const diagonal = tf.sum(expm1MinusX(tf.mul(r, 2)), -1);
  const maha = tf.sum(tf.square(y), [-2, -1]);
  return tf.mul(tf.add(tf.add(diagonal, offDiagonal), maha), 0.5);
}

/**
 * The differential entropy H(p) = ½·d·(1 + log 2π) + ½·log|Σ| = ½·d·(1 + log 2π) + Σ_i log L_ii.
 *
 * @param p `{ loc: [..., d], scaleTril: [..., d, d] }` or `{ loc, covariance }`
 * @returns `[...batch]`, in nats
 * @see Cover & Thomas 2006, Theorem 8.4.1
 * @example
 * ```ts
 * entropyMultivariateNormal({ loc: [0, 0], covariance: [[1, 0], [0, 1]] }).print(); // 2.8379 = 1 + log 2π
 * ```
 * @since 0.1.0
 */
export function entropyMultivariateNormal(p: MultivariateNormalLike, options: ValidateOptions = {}): Tensor {
  const fn = 'entropyMultivariateNormal';
  options = checkOptions(fn, options, ['validate']);
  const validate = checkValidate(fn, options);
  const cp = checkMvn(fn, 'p', p, validate);
  return tf.tidy(fn, () => broadcastTo(entropyOf(fn, cp, validate), cp.batch));
}

/**
 * The cross-entropy H(p, q) = −E_p[log q(x)] = H(p) + KL(p‖q) between multivariate normals.
 *
 * @param p `{ loc, scaleTril }` or `{ loc, covariance }`, `[..., d]`
 * @param q the same, with the same d
 * @returns `[...batch]`, in nats
 * @see Cover & Thomas 2006, §2.3
 * @example
 * ```ts
 * const n = { loc: [0, 0], scaleTril: [[1, 0], [0, 1]] };
 * crossEntropyMultivariateNormal(n, n).print(); // = entropy, 2.8379
 * ```
 * @since 0.1.0
 */
export function crossEntropyMultivariateNormal(p: MultivariateNormalLike, q: MultivariateNormalLike, options: ValidateOptions = {}): Tensor {
  const fn = 'crossEntropyMultivariateNormal';
  options = checkOptions(fn, options, ['validate']);
  const { validate, cp, cq, batch, d } = checkPair(fn, p, q, options);
  return tf.tidy(fn, () => tf.add(kl(fn, cp, cq, batch, d, validate), entropyOf(fn, cp, validate)));
}
