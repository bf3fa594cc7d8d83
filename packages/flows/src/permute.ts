/**
 * Permutations of the event coordinates, the glue between coupling and autoregressive layers
 * (each layer transforms the coordinates the previous one left alone).
 *
 * @see Dinh, Sohl-Dickstein & Bengio 2017, "Density estimation using Real NVP", ICLR, arXiv:1605.08803.
 * @see Papamakarios, Pavlakou & Murray 2017, "Masked Autoregressive Flow", NeurIPS, arXiv:1705.07057 (reversing the order between layers).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Bijector } from './bijector.js';
import { fail } from '@genmod-internal/core';
import { leafState } from './internal/state.js';
import { checkEventInput, permuteLast } from './internal/checks.js';
import { preservesSupport } from './internal/support.js';

/**
 * y[..., i] = x[..., perm[i]]; inverse x[..., perm[i]] = y[..., i]. |det J| = 1, so both log-dets are 0.
 * Event rank 1 (vectors `[..., D]`, D = perm.length).
 *
 * @param perm a permutation of 0, …, D − 1
 * @see tfp.bijectors.Permute
 * @example
 * ```ts
 * const { y } = permute([2, 0, 1]).forward(tf.tensor2d([[10, 20, 30]]));   // [[30, 10, 20]]
 * ```
 * @since 0.1.0
 */
export function permute(perm: number[]): Bijector {
  const fn = 'permute';
  if (!Array.isArray(perm) || perm.length === 0 || !perm.every((p) => Number.isInteger(p) && p >= 0 && p < perm.length) || new Set(perm).size !== perm.length) {
    fail(fn, 'perm', `a permutation of 0, …, D − 1 (each index once)`, perm);
  }
  const p = [...perm];
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => (inv[v] = i));
  const d = p.length;
  const apply = (name: string, arg: string, v: Tensor, idx: number[]) => {
    const shape = checkEventInput(name, arg, v, 1, d);
    return tf.tidy(name, () => [permuteLast(v, idx), tf.zeros(shape.slice(0, -1))] as const);
  };
  return preservesSupport({
    eventRank: 1,
    forward(x: Tensor) {
      const [y, logDet] = apply('permute.forward', 'x', x, p);
      return { y, logDet };
    },
    inverse(y: Tensor) {
      const [x, logDet] = apply('permute.inverse', 'y', y, inv);
      return { x, logDet };
    },
    trainableVariables: [],
    // the permutation is fixed by the argument: no state
    ...leafState('permute.loadState', () => ({})),
    dispose() {},
  });
}

/**
 * Reverses the order of the event coordinates: y[..., i] = x[..., D − 1 − i], its own inverse, log-det 0.
 * Works for any D (event rank 1). MAF stacks alternate it with autoregressive layers.
 *
 * @see Papamakarios et al. 2017, arXiv:1705.07057
 * @example
 * ```ts
 * const { y } = reverse().forward(tf.tensor2d([[1, 2, 3]]));   // [[3, 2, 1]]
 * ```
 * @since 0.1.0
 */
export function reverse(): Bijector {
  const apply = (name: string, arg: string, v: Tensor) => {
    const shape = checkEventInput(name, arg, v, 1);
    return tf.tidy(name, () => [tf.reverse(v, -1), tf.zeros(shape.slice(0, -1))] as const);
  };
  return preservesSupport({
    eventRank: 1,
    forward(x: Tensor) {
      const [y, logDet] = apply('reverse.forward', 'x', x);
      return { y, logDet };
    },
    inverse(y: Tensor) {
      const [x, logDet] = apply('reverse.inverse', 'y', y);
      return { x, logDet };
    },
    trainableVariables: [],
    ...leafState('reverse.loadState', () => ({})),
    dispose() {},
  });
}
