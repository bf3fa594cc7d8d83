// Which bijectors keep the set their input lives in (coordinate permutations): a chain looks through them
// when it reads the codomain of its outermost part.
import type { Support } from '@genmod-internal/core';
import type { Bijector } from '../bijector.js';

const preserving = new WeakSet<object>();

/** Marks `b` as support-preserving (it only reorders coordinates) and returns it. */
export function preservesSupport<B extends Bijector>(b: B): B {
  preserving.add(b);
  return b;
}

/**
 * The codomain of f₁ ∘ … ∘ f_K (`parts` in chain order, f₁ applied last): the codomain of the outermost
 * part that declares one, looking only through support-preserving parts (a shift after an exp leaves
 * (0, ∞), so a non-declaring, non-preserving part ends the search with no codomain: ℝ).
 */
export function chainCodomain(parts: readonly Bijector[]): Support | undefined {
  for (const b of parts) {
    if (b.codomain !== undefined) return b.codomain;
    if (!preserving.has(b)) return undefined;
  }
  return undefined;
}
