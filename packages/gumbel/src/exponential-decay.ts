import { checkNumber, checkOptions, fail } from '@genmod-internal/core';

const KEYS = ['initial', 'rate', 'min'] as const;

/**
 * Options of {@link exponentialDecay}: τ(step) = max(min, initial·exp(−rate·step)) (Jang et al. 2017, §4).
 * @example
 * ```ts
 * const o: ExponentialDecayOptions = { initial: 1, rate: 3e-5, min: 0.5 };
 * ```
 * @since 0.1.0
 */
export interface ExponentialDecayOptions {
  /** the value at step 0, > 0 */
  initial: number;
  /** the decay rate r ≥ 0 per step */
  rate: number;
  /** the floor, 0 ≤ min ≤ initial (e.g. τ = 0.5 for Gumbel-softmax) */
  min: number;
}

/**
 * Temperature annealing for Gumbel-softmax training: step ↦ max(min, initial·exp(−rate·step)).
 * Jang et al. anneal τ = max(0.5, exp(−r·t)) with r ∈ {1e−5, 1e−4}, updating every 1000 steps. Unknown
 * option keys throw.
 *
 * @returns a pure function of the (non-negative) step number
 * @see Jang, Gu & Poole 2017, arXiv:1611.01144, §4 (the annealing schedule)
 * @example
 * ```ts
 * const tau = exponentialDecay({ initial: 1, rate: 3e-5, min: 0.5 });
 * tau(0);        // 1
 * tau(100_000);  // 0.5 (the floor)
 * ```
 * @since 0.1.0
 */
export function exponentialDecay(options: ExponentialDecayOptions): (step: number) => number {
  const fn = 'exponentialDecay';
  if (options === undefined) fail(fn, 'options', 'an object { initial, rate, min }', options);
  const opts = checkOptions(fn, options, KEYS);
  const initial = checkNumber(fn, 'options.initial', opts.initial, { above: 0 });
  const rate = checkNumber(fn, 'options.rate', opts.rate, { min: 0 });
  const min = opts.min;
  if (typeof min !== 'number' || !Number.isFinite(min) || min < 0 || min > initial) {
    fail(fn, 'options.min', `a finite number in [0, initial] = [0, ${initial}]`, min);
  }
  return (step: number): number => {
    if (typeof step !== 'number' || !(step >= 0)) fail(fn, 'step', 'a number ≥ 0', step);
    return Math.max(min, initial * Math.exp(-rate * step));
  };
}
