/**
 * The intake of the analytic divergences: a plain parameter object, or a distribution object of the
 * matching family, recognised ONLY by its `family` tag (never by its field names). A distribution of another
 * family, or an untagged object with a `logProb` method, is refused with a message naming what came.
 */
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkInteger, describeLaw, type BernoulliLaw, type CategoricalLaw, type IndependentLaw, type MultivariateNormalTriLLaw, type NormalLaw } from '@genmod-internal/core';

/** The family tag of `x`, if it is an object that has one. */
function familyOf(x: unknown): string | undefined {
  if (x === null || typeof x !== 'object') return undefined;
  const f = (x as { family?: unknown }).family;
  return typeof f === 'string' ? f : undefined;
}

/** Whether `x` looks like a distribution (a tag or a logProb method): then only a tagged law of the family fits. */
function isLawLike(x: unknown): boolean {
  return familyOf(x) !== undefined || (x !== null && typeof x === 'object' && typeof (x as { logProb?: unknown }).logProb === 'function');
}

/** How a refused value is named: `a Gumbel distribution`, `an Independent distribution over a Gumbel distribution`. */
function describe(x: unknown): string {
  if (familyOf(x) === 'Independent') return `an Independent distribution over ${describeLaw((x as { base?: unknown }).base)}`;
  return describeLaw(x);
}

function refuse(fn: string, arg: string, expected: string, x: unknown): never {
  throw new Error(`${fn}: ${arg} must be ${expected}, got ${describe(x)}`);
}

/** Where a normal law's parameters come from. */
export interface NormalSource {
  loc: Tensor | TensorLike | undefined;
  scale: Tensor | TensorLike | undefined;
  /** the law object (its log σ comes from `logStddev()`); absent for a plain `{ loc, scale }` */
  law?: NormalLaw;
  /** trailing axes that are event axes of the law (an Independent law's reinterpretedBatchNdims), else 0 */
  eventNdims: number;
}

export const NORMAL_EXPECTED = "a Normal law ({ loc, scale } or a distribution of family 'Normal')";

/** A `{ loc, scale }`, a NormalLaw or an IndependentLaw over a NormalLaw. Allocates nothing. */
export function normalSource(fn: string, arg: string, x: unknown): NormalSource {
  const family = familyOf(x);
  if (family === 'Normal') {
    const law = x as NormalLaw;
    return { loc: law.loc, scale: law.scale, law, eventNdims: 0 };
  }
  if (family === 'Independent' && familyOf((x as IndependentLaw).base) === 'Normal') {
    const ind = x as IndependentLaw<NormalLaw>;
    const k = checkInteger(fn, `${arg}.reinterpretedBatchNdims`, ind.reinterpretedBatchNdims, { min: 0 });
    return { loc: ind.base.loc, scale: ind.base.scale, law: ind.base, eventNdims: k };
  }
  if (isLawLike(x)) refuse(fn, arg, NORMAL_EXPECTED, x);
  const p = (x ?? {}) as { loc?: Tensor | TensorLike; scale?: Tensor | TensorLike };
  return { loc: p.loc, scale: p.scale, eventNdims: 0 };
}

/** The plain parameters of a multivariate normal, and whether they came from a law (trusted: no value read). */
export function mvnSource(fn: string, arg: string, x: unknown): { params: unknown; law: boolean } {
  if (familyOf(x) === 'MultivariateNormalTriL') {
    const law = x as MultivariateNormalTriLLaw;
    return { params: { loc: law.loc, scaleTril: law.scaleTril }, law: true };
  }
  if (isLawLike(x)) refuse(fn, arg, "a MultivariateNormalTriL law ({ loc, scaleTril }, { loc, covariance } or a distribution of family 'MultivariateNormalTriL')", x);
  return { params: x, law: false };
}

/** The plain `{ logits } | { probs }` of a discrete law, and whether it came from a law object. */
export function discreteSource(fn: string, arg: string, x: unknown, family: 'Categorical' | 'Bernoulli'): { params: unknown; law: boolean } {
  if (familyOf(x) === family) {
    const law = x as CategoricalLaw | BernoulliLaw;
    return { params: law.logits !== undefined ? { logits: law.logits } : { probs: law.probs }, law: true };
  }
  if (isLawLike(x)) refuse(fn, arg, `a ${family} law ({ logits } or { probs }, or a distribution of family '${family}')`, x);
  return { params: x, law: false };
}
