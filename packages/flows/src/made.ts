/**
 * MADE: a masked autoencoder for distribution estimation, the autoregressive network behind MAF and IAF.
 *
 * @see Germain, Gregor, Murray & Larochelle 2015, "MADE: Masked Autoencoder for Distribution Estimation", ICML, arXiv:1502.03509.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Network } from './bijector.js';
import { checkInteger, checkOptions, fail, type Seed, type Stateful } from '@genmod-internal/core';
import { checkNetworkOptions, dense, denseNetwork, type Dense } from './internal/dense.js';

const KEYS = ['features', 'hidden', 'paramsPerFeature', 'order', 'contextSize', 'activation', 'zeroLast', 'seed'] as const;

/** The options of {@link made}. Unknown keys throw. @since 0.1.0 */
export interface MadeOptions {
  /** the number D of autoregressive features (the input size) */
  features: number;
  /** hidden layer sizes, default [64, 64] */
  hidden?: number[];
  /** parameters per feature P (2 for an affine MAF: shift and log-scale), default 2 */
  paramsPerFeature?: number;
  /**
   * the autoregressive order: `order[i]` is the position (0-based) of feature i; output i depends on the
   * inputs that come before it. Default 0, 1, …, D − 1.
   */
  order?: number[];
  /** the context size C (connected to every first-layer unit, no mask), default none */
  contextSize?: number;
  /** the hidden activation, default `tf.relu` */
  activation?: (x: Tensor) => Tensor;
  /** start the output layer at zero, default true (a MAF / IAF on it starts as the identity) */
  zeroLast?: boolean;
  /**
   * seed of the initial weights, a number (0 included) or a string: layer l draws W and b from
   * deriveSeed(seed, 'layer', l, 'w' | 'b'). Strings too.
   */
  seed?: Seed;
}

/**
 * A MADE network `[..., D] (+ context [..., C]) → [..., P·D]`: a feed-forward net whose weights are
 * multiplied by fixed binary masks so that output i depends only on the inputs before i in `order`
 * (the autoregressive property). Degrees: input i has degree order[i] + 1; hidden unit k of every layer
 * has degree 1 + (k mod max(1, D − 1)); a hidden unit sees inputs of degree ≤ its own, an output of
 * degree d sees hidden units of degree < d.
 *
 * Output layout: P blocks of D, `out[..., p·D + i]` is parameter p of feature i (for an affine MAF: the
 * shift block, then the raw log-scale block). The returned function carries `trainableVariables`,
 * `dispose()`, `features`, `paramsPerFeature`, and `getState()` / `loadState()` ({@link Stateful}):
 *
 * | state name | what it is |
 * |---|---|
 * | `l/kernel` | W of layer l (0 = first), `[in, out]` (unmasked; the masks follow from the options: not state) |
 * | `l/bias` | b of layer l, `[out]` |
 *
 * @see Germain et al. 2015, arXiv:1502.03509, §4
 * @example
 * ```ts
 * const net = made({ features: 3, hidden: [16], paramsPerFeature: 2, zeroLast: false, seed: 1 });
 * const out = net(tf.randomNormal([4, 3]));    // [4, 6]: out[:, i] and out[:, 3 + i] depend on x[:, <i]
 * net.dispose();
 * ```
 * @since 0.1.0
 */
export function made(options: MadeOptions): Network & Stateful & { trainableVariables: tf.Variable[]; dispose(): void; readonly features: number; readonly paramsPerFeature: number; readonly order: number[] } {
  const fn = 'made';
  options = checkOptions(fn, options, KEYS);
  const d = checkInteger(fn, 'options.features', options.features, { min: 1 });
  const p = checkInteger(fn, 'options.paramsPerFeature', options.paramsPerFeature ?? 2, { min: 1 });
  const { hidden, contextSize, seed, act } = checkNetworkOptions(fn, options);
  const order = options.order ?? Array.from({ length: d }, (_, i) => i);
  if (!Array.isArray(order) || order.length !== d || !order.every((o) => Number.isInteger(o) && o >= 0 && o < d) || new Set(order).size !== d) {
    fail(fn, 'options.order', `a permutation of 0, …, ${d - 1} (one position per feature)`, order);
  }

  const c = contextSize ?? 0;
  const inDeg = order.map((o) => o + 1);
  const hidDeg = hidden.map((h) => Array.from({ length: h }, (_, k) => 1 + (k % Math.max(1, d - 1))));
  const outDeg = Array.from({ length: p * d }, (_, j) => inDeg[j % d]!);
  // masks [in, out]; context rows (after the D input rows of the first layer) are all ones
  const masks: number[][][] = [];
  let prev = inDeg;
  hidDeg.forEach((deg, l) => {
    const rows = prev.map((dp) => deg.map((dh) => (dh >= dp ? 1 : 0)));
    if (l === 0) for (let r = 0; r < c; r++) rows.push(deg.map(() => 1));
    masks.push(rows);
    prev = deg;
  });
  const last = prev.map((dp) => outDeg.map((dout) => (dout > dp ? 1 : 0)));
  if (hidDeg.length === 0) for (let r = 0; r < c; r++) last.push(outDeg.map(() => 1));
  masks.push(last);
  const sizes = [d + c, ...hidden, p * d];
  const layers: Dense[] = masks.map((mk, l) => {
    const layer = dense(sizes[l]!, sizes[l + 1]!, l === masks.length - 1 && (options.zeroLast ?? true), seed, l, 'made');
    layer.mask = tf.keep(tf.tensor2d(mk, [sizes[l]!, sizes[l + 1]!]));
    return layer;
  });
  return Object.assign(denseNetwork(fn, layers, d, contextSize, act), {
    features: d,
    paramsPerFeature: p,
    order: [...order],
  });
}
