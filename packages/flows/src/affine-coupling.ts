/**
 * The affine coupling layer of RealNVP.
 *
 * @see Dinh, Sohl-Dickstein & Bengio 2017, "Density estimation using Real NVP", ICLR, arXiv:1605.08803.
 * @see Dinh, Krueger & Bengio 2015, "NICE: Non-linear Independent Components Estimation", arXiv:1410.8516.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Network, TrainableBijector } from './bijector.js';
import { tanhBound } from './log-scale-bound.js';
import { checkFunction, fail, toFloat } from '@genmod-internal/core';
import { checkContext, checkEventInput } from './internal/checks.js';
import { checkCouplingOptions, maskTensors, networkOwnership } from './internal/coupling.js';

const KEYS = ['mask', 'conditioner', 'logScaleBound', 'contextSize'] as const;

/** The options of {@link affineCoupling}. Unknown keys throw. @since 0.1.0 */
export interface AffineCouplingOptions {
  /**
   * 0/1 per coordinate, length D: 1 = the coordinate passes through unchanged and conditions the others,
   * 0 = it is transformed. Needs at least one of each.
   */
  mask: number[];
  /**
   * (x ⊙ m `[..., D]`, context? `[..., C]`) → `[..., 2D]`: the shift t (first D) and the raw log-scale
   * (last D). {@link mlp}`({ inputs: D, outputs: 2 * D })` is the usual choice (its zero last layer makes
   * the layer start as the identity). Its `trainableVariables` and `dispose()` are taken over.
   */
  conditioner: Network;
  /** the bound applied to the raw log-scale, default `tanhBound(1)`: s = tanh(raw) as in RealNVP */
  logScaleBound?: (s: Tensor) => Tensor;
  /** the context size C for a conditional layer (the context is then required), default none */
  contextSize?: number;
}

/**
 * RealNVP's affine coupling: with m the mask, s = bound(raw)·(1 − m), t = shift·(1 − m) and
 * (t, raw) = conditioner(x ⊙ m),
 *
 *   forward:  y = x ⊙ exp(s) + t,      log|det ∂y/∂x| = Σ_i s_i
 *   inverse:  x = (y − t) ⊙ exp(−s),   log|det ∂x/∂y| = −Σ_i s_i
 *
 * (s = t = 0 where m = 1, so those coordinates pass through unchanged, bit for bit), where s and t are
 * computed from y ⊙ m = x ⊙ m in the inverse. Both directions cost one conditioner pass and eight kernels
 * besides it (Mul, SplitV, the bound, Mul, Mul, Exp, Mul and Add or Sub, Sum). The Jacobian is triangular (after permuting masked coordinates first), hence the cheap log-det.
 * Event rank 1, vectors `[..., D]`.
 *
 * State (`getState()` / `loadState()`): the conditioner's, under `net/…` (`net/0/kernel`, `net/0/bias`, …
 * for an {@link mlp}); the mask is fixed by the options, not state.
 *
 * @param options `{ mask, conditioner, logScaleBound, contextSize }`
 * @see Dinh et al. 2017, arXiv:1605.08803, eq. (4)–(9)
 * @example
 * ```ts
 * const layer = affineCoupling({ mask: [1, 0], conditioner: mlp({ inputs: 2, outputs: 4, seed: 1 }) });
 * const { y, logDet } = layer.forward(tf.randomNormal([16, 2]));  // y = x at initialization, logDet [16] = 0
 * layer.dispose();
 * ```
 * @since 0.1.0
 */
export function affineCoupling(options: AffineCouplingOptions): TrainableBijector {
  const fn = 'affineCoupling';
  const { d, contextSize } = checkCouplingOptions(fn, options, KEYS, '[..., 2D]');
  const bound = options.logScaleBound ?? tanhBound(1);
  checkFunction(fn, 'options.logScaleBound', bound);
  const net = options.conditioner;
  const { m, notM } = maskTensors(options.mask);
  // −(1 − m), kept like the masks: the inverse masks and negates its log-scale with one product
  const negNotM = tf.keep(tf.tensor1d(options.mask.map((v) => v - 1)));

  /** (shift, bound(raw)) of the conditioner output, each times `sMask` / (1 − m): zero on the masked coordinates. */
  const params = (name: string, xm: Tensor, context: Tensor | undefined, sMask: Tensor) => {
    const out = net(xm, context);
    if (!(out instanceof tf.Tensor) || out.shape[out.rank - 1] !== 2 * d) fail(name, 'the conditioner output', `a tensor of shape [..., ${2 * d}] (shift and raw log-scale)`, out);
    const [t, raw] = tf.split(out, 2, -1) as [Tensor, Tensor];
    return { s: tf.mul(bound(raw), sMask), t: tf.mul(t, notM) };
  };
  const check = (name: string, arg: string, v: Tensor, context: Tensor | undefined) => {
    checkEventInput(name, arg, v, 1, d);
    checkContext(name, context, contextSize);
  };

  // s and t are 0 where m = 1, so x·exp(s) + t = x·1 + 0 = x there exactly: the masked form
  // x ⊙ m + (1 − m) ⊙ (x ⊙ exp(s) + t) is the same float32 value with two kernels fewer per direction.
  return {
    eventRank: 1,
    forward(x: Tensor, context?: Tensor) {
      const name = 'affineCoupling.forward';
      check(name, 'x', x, context);
      const [y, logDet] = tf.tidy(name, () => {
        const $x = toFloat(name, 'x', x);
        const { s, t } = params(name, tf.mul($x, m), context, notM);
        return [tf.add(tf.mul($x, tf.exp(s)), t), tf.sum(s, -1)];
      });
      return { y: y!, logDet: logDet! };
    },
    inverse(y: Tensor, context?: Tensor) {
      const name = 'affineCoupling.inverse';
      check(name, 'y', y, context);
      const [x, logDet] = tf.tidy(name, () => {
        const $y = toFloat(name, 'y', y);
        // negS = −s, from one product with −(1 − m); −Σ s = Σ(−s) exactly
        const { s: negS, t } = params(name, tf.mul($y, m), context, negNotM);
        return [tf.mul(tf.sub($y, t), tf.exp(negS)), tf.sum(negS, -1)];
      });
      return { x: x!, logDet: logDet! };
    },
    ...networkOwnership(fn, net, [m, notM, negNotM]),
  };
}
