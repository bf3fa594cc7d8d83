/**
 * The distribution contract every @genmod package shares. Types only (plus two runtime guards): core is
 * bundled into each package, so each still stands alone, and a distribution from any package fits wherever
 * a distribution is taken, with no package importing another.
 *
 * - Shapes: a draw has shape `[...sampleShape, ...batchShape, ...eventShape]`; `logProb(x)` reduces the
 *   event axes, giving `[...sampleShape, ...batchShape]`.
 * - `sample` never carries gradients. `rsample` exists only on laws whose draws are a differentiable
 *   function of their parameters (pathwise / reparameterized); a law without one has no `rsample` at all.
 * - `family` names the law explicitly ('Normal', 'Categorical', 'Transformed', …): functions that need a
 *   particular family (an analytic KL) check the tag, never guess from field names.
 * - `support` names the set the draws live in, so that Monte Carlo divergences can refuse laws on
 *   different sets (a simplex and a log-simplex are not the same space).
 * - `dispose()` exists where the object owns tensors; the caller owns what the methods return.
 *
 * @see torch.distributions.Distribution (batch_shape, event_shape, support, has_rsample).
 * @see Dillon et al. 2017, "TensorFlow Distributions", arXiv:1711.10604 (batch and event shapes).
 * @see Rozet et al., zuko: `LazyDistribution` (a conditional law is a function of its context).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Seed } from './seed.js';

/**
 * The set a law's draws live in (torch.distributions.constraints, by name):
 * - `real`: ℝ per element; `positive`: (0, ∞); `unit-interval`: [0, 1]; `interval`: [low, high];
 * - `simplex`: probability vectors on the last axis; `log-simplex`: their logarithms (ExpRelaxed laws);
 * - `one-hot`: one-hot vectors on the last axis; `index`: class indices {0, …, K − 1}; `binary`: {0, 1}.
 * @since 0.1.0
 */
export type Support = 'real' | 'positive' | 'unit-interval' | 'interval' | 'simplex' | 'log-simplex' | 'one-hot' | 'index' | 'binary';

/** Options of every `sample` and `rsample`: the seed (any number, 0 included, or string). @since 0.1.0 */
export interface SampleOptions {
  /**
   * The same seed gives the same draw, on every backend (tfjs draws on the host). A fixed seed gives the
   * same noise on every call: vary it per training step.
   */
  seed?: Seed;
}

/**
 * A probability law: draws without gradient and log-densities (log-masses for discrete laws).
 *
 * @example
 * ```ts
 * const d: Distribution = new Normal({ loc: 0, scale: 1 });   // from @genmod/reparam
 * const x = d.sample([3], { seed: 0 });                       // [3], no gradient
 * d.logProb(x);                                               // [3]
 * ```
 * @since 0.1.0
 */
export interface Distribution {
  /** the law's family, an explicit tag ('Normal', 'Categorical', 'Transformed', …) */
  readonly family: string;
  /** the shape of independent, not necessarily identical, draws */
  readonly batchShape: readonly number[];
  /** the shape of one draw (`[]` for scalar laws, `[d]` for a d-variate one) */
  readonly eventShape: readonly number[];
  /** the set the draws live in */
  readonly support: Support;
  /** draws `[...sampleShape, ...batchShape, ...eventShape]`, without gradient */
  sample(sampleShape?: number[], options?: SampleOptions): Tensor;
  /** log p(x), `[...sampleShape, ...batchShape]` */
  logProb(x: Tensor): Tensor;
  /** frees the tensors the object owns (present where it owns any) */
  dispose?(): void;
  /** E[X], `[...batchShape, ...eventShape]`, where a closed form exists */
  mean?(): Tensor;
  /** Var[X] elementwise, where a closed form exists */
  variance?(): Tensor;
  /** the entropy in nats, `[...batchShape]`, where a closed form exists */
  entropy?(): Tensor;
  /** P(X ≤ x), for scalar laws with a closed form */
  cdf?(x: Tensor): Tensor;
}

/**
 * A law whose draws are a differentiable function of its parameters and of parameter-free noise,
 * z = g(ε, θ): `rsample` returns such a z, so gradients reach θ (the pathwise estimator).
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114 · Rezende, Mohamed & Wierstra 2014, arXiv:1401.4082
 * @since 0.1.0
 */
export interface ReparameterizedDistribution extends Distribution {
  /** draws differentiable with respect to the parameters */
  rsample(sampleShape?: number[], options?: SampleOptions): Tensor;
}

/**
 * A law that depends on a context (a conditional flow, an encoder's posterior): `condition(context)`
 * returns an ordinary {@link Distribution}, which fits everywhere a distribution is taken (zuko's lazy
 * distributions).
 * @since 0.1.0
 */
export interface ConditionalDistribution<D extends Distribution = Distribution> {
  /** the law given the context; it refers to `context` (keep the context alive while you use it) */
  condition(context: Tensor): D;
}

const SUPPORTS: readonly Support[] = ['real', 'positive', 'unit-interval', 'interval', 'simplex', 'log-simplex', 'one-hot', 'index', 'binary'];

/** Whether `d` implements the {@link Distribution} contract (its fields, checked structurally). */
export function isDistribution(d: unknown): d is Distribution {
  if (d === null || typeof d !== 'object') return false;
  const o = d as Record<string, unknown>;
  return typeof o.family === 'string' && Array.isArray(o.batchShape) && Array.isArray(o.eventShape) && SUPPORTS.includes(o.support as Support) && typeof o.sample === 'function' && typeof o.logProb === 'function';
}

/** Whether `d` has a pathwise `rsample`. */
export function hasRsample(d: Distribution): d is ReparameterizedDistribution {
  return typeof (d as Partial<ReparameterizedDistribution>).rsample === 'function';
}

/** How a value is named in a message about distributions: `a Normal distribution`, or `show`'s text. */
export function describeLaw(d: unknown): string {
  if (d !== null && typeof d === 'object' && typeof (d as { family?: unknown }).family === 'string') return `a ${(d as { family: string }).family} distribution`;
  if (d !== null && typeof d === 'object' && typeof (d as { logProb?: unknown }).logProb === 'function') return 'a distribution without a family tag';
  return d === null ? 'null' : Array.isArray(d) ? 'an array' : typeof d === 'object' ? 'a plain object' : String(d);
}

/**
 * Checks that `d` implements the contract, naming the first missing member:
 * `fn: q must be a distribution (family, batchShape, eventShape, support, sample, logProb), got … (missing eventShape)`.
 */
export function checkDistribution(fn: string, arg: string, d: unknown): Distribution {
  if (isDistribution(d)) return d;
  const o = (d ?? {}) as Record<string, unknown>;
  const missing = ['family', 'batchShape', 'eventShape', 'support', 'sample', 'logProb'].find((k) => {
    const v = o[k];
    if (k === 'sample' || k === 'logProb') return typeof v !== 'function';
    if (k === 'family') return typeof v !== 'string';
    if (k === 'support') return !SUPPORTS.includes(v as Support);
    return !Array.isArray(v);
  });
  throw new Error(`${fn}: ${arg} must be a distribution (family, batchShape, eventShape, support, sample, logProb), got ${describeLaw(d)} (${missing === 'support' && o.support !== undefined ? `unknown support '${String(o.support)}'` : `missing ${missing}`})`);
}

/**
 * Whether draws of a law on `inner` always lie in `outer` (so KL(inner-law ‖ outer-law) can be finite):
 * equal sets, or a subset of the real line inside `real`, or (0, 1] ⊂ (0, ∞) for nothing else.
 */
export function supportWithin(inner: Support, outer: Support): boolean {
  if (inner === outer) return true;
  if (outer === 'real') return inner === 'positive' || inner === 'unit-interval' || inner === 'interval' || inner === 'binary' || inner === 'index';
  return false;
}

/**
 * What the `Normal` family tag guarantees: N(loc, scale²) elementwise (`@genmod/reparam`'s Normal).
 * `logStddev()` is log σ computed exactly (from a log-scale or log-variance parameterization where the law
 * was built from one), so divergences stay exact where σ under- or overflows.
 * @since 0.1.0
 */
export interface NormalLaw extends ReparameterizedDistribution {
  readonly family: 'Normal';
  readonly loc: Tensor;
  readonly scale: Tensor;
  logStddev(): Tensor;
}

/** The `MultivariateNormalTriL` family: N(loc, L·Lᵀ) over the last axis, L = `scaleTril`. @since 0.1.0 */
export interface MultivariateNormalTriLLaw extends ReparameterizedDistribution {
  readonly family: 'MultivariateNormalTriL';
  readonly loc: Tensor;
  readonly scaleTril: Tensor;
}

/** The `Categorical` family: classes on the last axis of exactly one of `logits` / `probs`. @since 0.1.0 */
export interface CategoricalLaw extends Distribution {
  readonly family: 'Categorical';
  readonly logits: Tensor | undefined;
  readonly probs: Tensor | undefined;
}

/** The `Bernoulli` family: P(x = 1) given by exactly one of `logits` / `probs`. @since 0.1.0 */
export interface BernoulliLaw extends Distribution {
  readonly family: 'Bernoulli';
  readonly logits: Tensor | undefined;
  readonly probs: Tensor | undefined;
}

/**
 * The `Independent` family: `base` with its last `reinterpretedBatchNdims` batch axes read as event axes
 * (log-densities summed over them).
 * @since 0.1.0
 */
export interface IndependentLaw<D extends Distribution = Distribution> extends Distribution {
  readonly family: 'Independent';
  readonly base: D;
  readonly reinterpretedBatchNdims: number;
}
