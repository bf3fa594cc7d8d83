/**
 * β schedules for the KL term: linear warm-up and cyclical annealing, as pure functions of the step.
 *
 * @see Bowman et al. 2016, "Generating Sentences from a Continuous Space", CoNLL, arXiv:1511.06349 (KL annealing).
 * @see Fu et al. 2019, "Cyclical Annealing Schedule", NAACL, arXiv:1903.10145.
 */
import { checkInteger, checkNumber, checkOptions, fail } from '@genmod-internal/core';

/** Options of {@link linearWarmup}. @since 0.1.0 */
export interface LinearWarmupOptions {
  /** steps to go from `from` to `to` (integer ≥ 1) */
  steps: number;
  /** β at step 0, default 0 */
  from?: number;
  /** β from step `steps` on, default 1 */
  to?: number;
}

/** Options of {@link cyclicalAnnealing}. @since 0.1.0 */
export interface CyclicalAnnealingOptions {
  /** steps per cycle (integer ≥ 1) */
  period: number;
  /** the fraction of each cycle spent increasing β (the rest holds β at `to`), default 0.5 */
  ratio?: number;
  /** default 1 */
  to?: number;
}

/** The checks both schedules share: a required options bag with a step count, and the final β. */
function checkSchedule<T extends { to?: number }>(fn: string, options: T, keys: readonly string[], countKey: keyof T & string): { count: number; to: number } {
  if (options === undefined) fail(fn, 'options', `an object { ${keys.join(', ')} }`, options);
  checkOptions(fn, options, keys);
  return {
    count: checkInteger(fn, `options.${countKey}`, options[countKey], { min: 1 }),
    to: checkNumber(fn, 'options.to', options.to ?? 1, { min: 0 }),
  };
}

/**
 * KL annealing by linear warm-up: β(t) = from + (to − from)·min(1, t/steps). Starting near 0 lets the
 * decoder learn to use z before the KL term pulls q(z|x) to the prior (against posterior collapse).
 *
 * @returns step ↦ β, for {@link elbo}'s `beta`
 * @see Bowman et al. 2016, arXiv:1511.06349, §3.1
 * @example
 * ```ts
 * const beta = linearWarmup({ steps: 1000 });
 * beta(0); beta(500); beta(5000);   // 0, 0.5, 1
 * ```
 * @since 0.1.0
 */
export function linearWarmup(options: LinearWarmupOptions): (step: number) => number {
  const fn = 'linearWarmup';
  const { count: steps, to } = checkSchedule(fn, options, ['steps', 'from', 'to'], 'steps');
  const from = checkNumber(fn, 'options.from', options.from ?? 0, { min: 0 });
  return (step: number) => from + (to - from) * Math.min(1, Math.max(0, step) / steps);
}

/**
 * Cyclical KL annealing: within each cycle of `period` steps, β rises linearly from 0 to `to` over the
 * first `ratio` of the cycle, then stays there: β(t) = to·min(1, (t mod period)/(ratio·period)).
 *
 * @returns step ↦ β
 * @see Fu et al. 2019, arXiv:1903.10145
 * @example
 * ```ts
 * const beta = cyclicalAnnealing({ period: 100, ratio: 0.5 });
 * beta(25); beta(75); beta(125);   // 0.5, 1, 0.5
 * ```
 * @since 0.1.0
 */
export function cyclicalAnnealing(options: CyclicalAnnealingOptions): (step: number) => number {
  const fn = 'cyclicalAnnealing';
  const { count: period, to } = checkSchedule(fn, options, ['period', 'ratio', 'to'], 'period');
  const ratio = checkNumber(fn, 'options.ratio', options.ratio ?? 0.5, { above: 0, max: 1 });
  return (step: number) => to * Math.min(1, (Math.max(0, step) % period) / (ratio * period));
}
