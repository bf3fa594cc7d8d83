/**
 * The one seed scheme of every @genmod package.
 *
 * A seed is a finite number or a string. Every value is a seed, 0 included: tfjs's random ops read a seed
 * of 0 as "no seed" (`seed ? seed : Math.random()`), so no user seed reaches tfjs unchanged. It is mixed
 * first by {@link deriveSeed}, which also gives each independent noise stream of a function (the
 * reparameterization noise, the time steps, the second law of a divergence, step k of a sampler) a seed of
 * its own:
 *
 *   deriveSeed(seed, s₁, …, sₙ) = fmix32(FNV-1a₃₂(tag(seed) ‖ "/" s₁ ‖ … ‖ "/" sₙ)),  0 mapped to 1,
 *
 * where tag(seed) is `n:` + the shortest decimal of a number or `s:` + a string (so 1 and '1' differ), the
 * streams are written the same way, FNV-1a runs over the UTF-16 code units and fmix32 is MurmurHash3's
 * finalizer (full avalanche). The result is an integer in [1, 2³² − 1], which tfjs accepts as a seed.
 * Unseeded calls (seed `undefined`) stay unseeded: `deriveSeed(undefined, …)` is `undefined`.
 *
 * @see G. Fowler, L. C. Noll & K.-P. Vo, FNV hash (public domain) · A. Appleby, MurmurHash3 fmix32.
 * @see JAX's `random.fold_in` (the same idea: a key per stream, derived, never reused).
 */
import { fail } from './validate.js';

/** A seed: any finite number (0 included) or any string. */
export type Seed = number | string;

function tag(value: Seed): string {
  return typeof value === 'number' ? `n:${Object.is(value, -0) ? 0 : value}` : `s:${value}`;
}

/**
 * The seed of one noise stream, derived from a user seed and stream labels by one documented hash (see the
 * module doc): `deriveSeed(seed)` is the seed a sampler hands tfjs for its only stream, and
 * `deriveSeed(seed, 'eps', step)` the seed of a named sub-stream. `undefined` (unseeded) stays undefined.
 *
 * @returns an integer in [1, 2³² − 1], or `undefined`
 * @example
 * ```ts
 * deriveSeed(0);            // a non-zero integer: 0 is a seed like any other
 * deriveSeed('a', 'eps');   // the 'eps' stream of seed 'a'
 * deriveSeed(undefined, 1); // undefined: no seed, no derived seed
 * ```
 * @since 0.1.0
 */
export function deriveSeed(seed: Seed, ...streams: Seed[]): number;
export function deriveSeed(seed: Seed | undefined, ...streams: Seed[]): number | undefined;
export function deriveSeed(seed: Seed | undefined, ...streams: Seed[]): number | undefined {
  if (seed === undefined) return undefined;
  const text = [tag(seed), ...streams.map(tag)].join('/');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0 || 1;
}

/** A seed argument: a finite number or a string, or absent. Throws naming `arg` otherwise. */
export function checkSeed(fn: string, seed: unknown, arg = 'options.seed'): Seed | undefined {
  if (seed === undefined || (typeof seed === 'number' && Number.isFinite(seed)) || typeof seed === 'string') {
    return seed as Seed | undefined;
  }
  return fail(fn, arg, 'a finite number or a string', seed);
}
