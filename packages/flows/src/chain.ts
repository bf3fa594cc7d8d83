/**
 * Composition of bijectors. The log-dets of a composition add (chain rule for Jacobians):
 * log|det ∂(f∘g)/∂x| = log|det ∂f/∂u|_(u = g(x)) + log|det ∂g/∂x|.
 *
 * @see Rezende & Mohamed 2015, arXiv:1505.05770, §3 · tfp.bijectors.Chain · distrax.Chain
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Bijector, TrainableBijector } from './bijector.js';
import { sumTrailing } from '@genmod-internal/core';
import { checkBijectorArg, checkEventInput } from './internal/checks.js';
import { chainCodomain } from './internal/support.js';
import { compositeState } from './internal/state.js';

/**
 * The composition f₁ ∘ f₂ ∘ … ∘ f_K, as function composition reads (the order of TensorFlow Probability's
 * and distrax's `Chain`): `forward` applies the **last** bijector first, `inverse` applies the inverse of the
 * **first** bijector first.
 *
 *   forward:  y = f₁(f₂(… f_K(x))),   log|det J| = Σ_k log|det ∂f_k|
 *   inverse:  x = f_K⁻¹(… f₁⁻¹(y)),   log|det J⁻¹| = Σ_k log|det ∂f_k⁻¹|
 *
 * So in a flow `chain(...)` for a {@link TransformedDistribution}, the first bijector is the one next to
 * the data. The event rank is the largest of the parts'; the log-dets of parts with a smaller event rank
 * are summed over the extra dimensions. `context` is passed to every part. The `codomain` is that of the
outermost part that declares one, seen through permutations only (`chain(exp(), reverse())` is positive,
`chain(shift(-1), exp())` is not). `trainableVariables` lists the
 * parts' variables and `dispose()` disposes every part. The state (`getState()` / `loadState()`) is the
 * parts' states by position: part k's names under `k/` (`0/logScale`, `1/net/0/kernel`, …); a part without
 * `getState` contributes its `trainableVariables` as `k/0`, `k/1`, …. `loadState` checks the whole state
 * before any part loads.
 *
 * @param bijectors f₁, …, f_K (none: the identity)
 * @see tfp.bijectors.Chain · Papamakarios et al. 2021, arXiv:1912.02762, §2.2
 * @example
 * ```ts
 * const b = chain(shift(1), exp());              // y = exp(x) + 1
 * const { y, logDet } = b.forward(tf.tensor1d([0]));  // y = [2], logDet = [0]
 * ```
 * @since 0.1.0
 */
export function chain(...bijectors: Bijector[]): TrainableBijector {
  const fn = 'chain';
  bijectors.forEach((b, i) => checkBijectorArg(fn, `bijectors[${i}]`, b));
  const parts = [...bijectors];
  const eventRank = Math.max(0, ...parts.map((b) => b.eventRank));
  const codomain = chainCodomain(parts);
  return {
    eventRank,
    ...(codomain === undefined ? {} : { codomain }),
    forward(x: Tensor, context?: Tensor) {
      const shape = checkEventInput('chain.forward', 'x', x, eventRank);
      const r = tf.tidy('chain.forward', () => {
        let v = x;
        let total: Tensor = tf.zeros(shape.slice(0, shape.length - eventRank));
        for (let k = parts.length - 1; k >= 0; k--) {
          const b = parts[k]!;
          const { y, logDet } = b.forward(v, context);
          total = tf.add(total, sumTrailing(logDet, eventRank - b.eventRank));
          v = y;
        }
        return { y: v === x ? tf.clone(v) : v, logDet: total };
      });
      return r;
    },
    inverse(y: Tensor, context?: Tensor) {
      const shape = checkEventInput('chain.inverse', 'y', y, eventRank);
      return tf.tidy('chain.inverse', () => {
        let v = y;
        let total: Tensor = tf.zeros(shape.slice(0, shape.length - eventRank));
        for (const b of parts) {
          const { x, logDet } = b.inverse(v, context);
          total = tf.add(total, sumTrailing(logDet, eventRank - b.eventRank));
          v = x;
        }
        return { x: v === y ? tf.clone(v) : v, logDet: total };
      });
    },
    get trainableVariables() {
      return parts.flatMap((b) => b.trainableVariables ?? []);
    },
    ...compositeState('chain.loadState', () => parts.map((b, k) => [String(k), b])),
    dispose() {
      for (const b of parts) b.dispose?.();
    },
  };
}

/**
 * The inverse bijector f⁻¹: its `forward` is f's `inverse` and its `inverse` is f's `forward`, with the
 * log-dets swapped accordingly. Shares (does not copy) f's variables; `dispose()` disposes f. Its state is
 * f's, under f's names (`invert` adds no prefix).
 *
 * Use it to turn a bijector's fast direction around: `invert(maskedAutoregressive(...))` samples in one pass.
 *
 * @see tfp.bijectors.Invert · distrax.Inverse
 * @example
 * ```ts
 * const log = invert(exp());
 * const { y, logDet } = log.forward(tf.tensor1d([1]));   // y = [0], logDet = [0]
 * ```
 * @since 0.1.0
 */
export function invert(bijector: Bijector): TrainableBijector {
  const b = checkBijectorArg('invert', 'bijector', bijector);
  return {
    eventRank: b.eventRank,
    forward(x: Tensor, context?: Tensor) {
      const { x: y, logDet } = b.inverse(x, context);
      return { y, logDet };
    },
    inverse(y: Tensor, context?: Tensor) {
      const { y: x, logDet } = b.forward(y, context);
      return { x, logDet };
    },
    get trainableVariables() {
      return b.trainableVariables ?? [];
    },
    ...compositeState('invert.loadState', () => [['', b]]),
    dispose() {
      b.dispose?.();
    },
  };
}
