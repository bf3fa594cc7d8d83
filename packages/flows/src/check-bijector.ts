/**
 * A test helper for bijectors, exported as `@genmod/flows/testing`: the invariants every bijector must
 * satisfy, checked numerically (zuko's and distrax's one table-driven test, packaged for users).
 *
 * @see Papamakarios et al. 2021, "Normalizing Flows for Probabilistic Modeling and Inference", JMLR, arXiv:1912.02762, §2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Bijector } from './bijector.js';
import { checkNumber, checkOptions, sameShape } from '@genmod-internal/core';

/** The options of {@link checkBijector}. Unknown keys throw. @since 0.1.0 */
export interface CheckBijectorOptions {
  /** the accepted error, absolute + relative: |a − b| ≤ tolerance·(1 + |b|). Default 1e-4 (float32). */
  tolerance?: number;
  /** the context of a conditional bijector */
  context?: Tensor;
  /** compare the log-det with log|det J| from an autodiff Jacobian (needs gradients registered); default true */
  jacobian?: boolean;
  /** a name for the messages, default 'bijector' */
  label?: string;
}

/** What {@link checkBijector} measured (it throws when an error exceeds the tolerance). @since 0.1.0 */
export interface CheckBijectorReport {
  /** max |f⁻¹(f(x)) − x| */
  roundTripError: number;
  /** max |log|det ∂f⁻¹/∂y| at y = f(x) + log|det ∂f/∂x|| */
  inverseLogDetError: number;
  /** max |logDet − log|det J|| with J from autodiff (NaN when `jacobian: false`) */
  jacobianLogDetError: number;
  /** the batch shape of the log-dets */
  batchShape: number[];
}

/** log|det A| of a small dense float64 matrix by Gaussian elimination with partial pivoting. */
export function logAbsDet(a: number[][]): number {
  const n = a.length;
  const m = a.map((r) => [...r]);
  let acc = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    const piv = m[p]![c]!;
    if (piv === 0) return -Infinity;
    [m[c], m[p]] = [m[p]!, m[c]!];
    acc += Math.log(Math.abs(piv));
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / piv;
      if (f !== 0) for (let k = c; k < n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return acc;
}

function worst(a: ArrayLike<number>, b: ArrayLike<number>, scaleBy: ArrayLike<number>, tol: number): { err: number; index: number; excess: boolean } {
  let err = 0;
  let index = -1;
  let excess = false;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    const bad = !(d <= tol * (1 + Math.abs(scaleBy[i]!)));
    if (bad && !excess) {
      excess = true;
      index = i;
      err = d;
    } else if ((bad || !excess) && (d > err || Number.isNaN(d))) {
      err = Number.isNaN(d) ? Infinity : d;
      index = i;
    }
  }
  return { err, index, excess };
}

function countCall<T extends Record<string, Tensor>>(label: string, what: string, call: () => T): T {
  const before = tf.memory().numTensors;
  const r = call();
  const returned = new Set(Object.values(r).map((t) => t.id)).size;
  const made = tf.memory().numTensors - before;
  if (made !== returned) {
    tf.dispose(Object.values(r));
    throw new Error(`checkBijector: ${label}.${what} leaked ${made - returned} tensor(s) (it returned ${returned})`);
  }
  return r;
}

/**
 * Checks a bijector at the points `x` (`[...batch, ...event]`) and throws an Error naming the failed
 * invariant, or returns the measured errors:
 *
 * 1. shapes: `forward` keeps x's shape; both log-dets have the batch shape `x.shape[: rank − eventRank]`;
 * 2. round trip: f⁻¹(f(x)) ≈ x;
 * 3. the log-dets are negatives: log|det ∂f⁻¹/∂y| at y = f(x) ≈ −log|det ∂f/∂x|;
 * 4. the log-det equals log|det J| with J = ∂f(x)/∂x from autodiff (one `tf.grad` per event coordinate,
 *    the determinant in float64), for each batch element;
 * 5. nothing leaks: `forward` and `inverse` leave the tensor count as they found it, apart from what
 *    they return; nor do the checks.
 *
 * The Jacobian check treats batch elements as independent (true of every bijector except batch
 * normalization in training mode: check that one in inference mode). Values are finite or the check fails.
 * Does not depend on any test framework.
 *
 * @param bijector the bijector under test
 * @param x points in its domain, float32 `[...batch, ...event]`
 * @param options `{ tolerance, context, jacobian, label }`
 * @see Papamakarios et al. 2021, arXiv:1912.02762
 * @example
 * ```ts
 * import { checkBijector } from '@genmod/flows/testing';
 * const x = tf.randomNormal([8, 2], 0, 1, 'float32', 1);
 * const report = checkBijector(affineCoupling({ mask: [1, 0], conditioner: mlp({ inputs: 2, outputs: 4, zeroLast: false, seed: 1 }) }), x, { tolerance: 1e-4 });
 * ```
 * @since 0.1.0
 */
export function checkBijector(bijector: Bijector, x: Tensor, options?: CheckBijectorOptions): CheckBijectorReport {
  options = checkOptions('checkBijector', options, ['tolerance', 'context', 'jacobian', 'label']);
  const label = options.label ?? 'bijector';
  const tol = checkNumber('checkBijector', 'options.tolerance', options.tolerance ?? 1e-4, { above: 0 });
  if (bijector === null || typeof bijector !== 'object' || typeof bijector.forward !== 'function' || typeof bijector.inverse !== 'function' || !Number.isInteger(bijector.eventRank)) {
    throw new Error(`checkBijector: bijector must be an object with forward, inverse and an integer eventRank, got ${String(bijector)}`);
  }
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32' || x.rank < bijector.eventRank) {
    throw new Error(`checkBijector: x must be a float32 tensor of rank ≥ ${bijector.eventRank} (the event rank), got ${x instanceof tf.Tensor ? `a ${x.dtype} tensor of shape [${x.shape.join(', ')}]` : String(x)}`);
  }
  const ctx = options.context;
  const before = tf.memory().numTensors;
  const r = bijector.eventRank;
  const batchShape = x.shape.slice(0, x.rank - r);
  const fwd = countCall(label, 'forward', () => bijector.forward(x, ctx));
  let inv: { x: Tensor; logDet: Tensor } | undefined;
  try {
    if (!sameShape(fwd.y.shape, x.shape)) throw new Error(`checkBijector: ${label}.forward returned y of shape [${fwd.y.shape.join(', ')}], expected x's shape [${x.shape.join(', ')}]`);
    if (!sameShape(fwd.logDet.shape, batchShape)) throw new Error(`checkBijector: ${label}.forward returned a log-det of shape [${fwd.logDet.shape.join(', ')}], expected the batch shape [${batchShape.join(', ')}] (event rank ${r})`);
    inv = countCall(label, 'inverse', () => bijector.inverse(fwd.y, ctx));
    if (!sameShape(inv.x.shape, x.shape)) throw new Error(`checkBijector: ${label}.inverse returned x of shape [${inv.x.shape.join(', ')}], expected [${x.shape.join(', ')}]`);
    if (!sameShape(inv.logDet.shape, batchShape)) throw new Error(`checkBijector: ${label}.inverse returned a log-det of shape [${inv.logDet.shape.join(', ')}], expected the batch shape [${batchShape.join(', ')}]`);
    const xv = x.dataSync();
    const fl = fwd.logDet.dataSync();
    const il = inv.logDet.dataSync();
    const rt = worst(inv.x.dataSync(), xv, xv, tol);
    if (rt.excess) throw new Error(`checkBijector: ${label}: inverse(forward(x)) differs from x by ${rt.err} at flat index ${rt.index} (tolerance ${tol}·(1 + |x|))`);
    const negFl = Float64Array.from(fl, (v) => -v);
    const ld = worst(il, negFl, negFl, tol);
    if (ld.excess) throw new Error(`checkBijector: ${label}: the inverse log-det is not the negative of the forward log-det: they differ by ${ld.err} at batch index ${ld.index} (forward ${fl[ld.index]}, inverse ${il[ld.index]}; tolerance ${tol}·(1 + |ldj|))`);
    let jacErr = NaN;
    if (options.jacobian ?? true) {
      const eventSize = x.shape.slice(x.rank - r).reduce((a, b) => a * b, 1);
      const nBatch = batchShape.reduce((a, b) => a * b, 1);
      const jac = tf.tidy(() => {
        const cols: Tensor[] = [];
        for (let i = 0; i < eventSize; i++) {
          const w = tf.tensor1d(Array.from({ length: eventSize }, (_, j) => (j === i ? 1 : 0)));
          // ∂(Σ_b y_b,i)/∂x_b,j = J_b[i, j]: batch elements do not interact
          const g = tf.grad((xx: Tensor) => tf.sum(tf.mul(tf.reshape(bijector.forward(xx, ctx).y, [nBatch, eventSize]), w)))(x);
          cols.push(tf.reshape(g, [nBatch, 1, eventSize]));
        }
        return tf.concat(cols, 1); // [B, E (output i), E (input j)]
      });
      const jv = jac.dataSync();
      jac.dispose();
      const exact = new Float64Array(nBatch);
      for (let b = 0; b < nBatch; b++) {
        const m = Array.from({ length: eventSize }, (_, i) => Array.from({ length: eventSize }, (_, j) => jv[b * eventSize * eventSize + i * eventSize + j]!));
        exact[b] = logAbsDet(m);
      }
      const jw = worst(fl, exact, exact, tol);
      jacErr = jw.err;
      if (jw.excess) throw new Error(`checkBijector: ${label}: the forward log-det ${fl[jw.index]} differs from log|det J| = ${exact[jw.index]} (autodiff Jacobian) by ${jw.err} at batch index ${jw.index} (tolerance ${tol}·(1 + |log|det J||))`);
    }
    tf.dispose([fwd.y, fwd.logDet, inv.x, inv.logDet]);
    const after = tf.memory().numTensors;
    if (after !== before) throw new Error(`checkBijector: ${label}: the checks left ${after - before} tensor(s) behind`);
    return { roundTripError: rt.err, inverseLogDetError: ld.err, jacobianLogDetError: jacErr, batchShape };
  } catch (e) {
    tf.dispose([fwd.y, fwd.logDet]);
    if (inv) tf.dispose([inv.x, inv.logDet]);
    throw e;
  }
}
