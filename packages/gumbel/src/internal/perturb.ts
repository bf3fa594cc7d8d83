import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { standardGumbelNoise } from './noise.js';
import { checkNoise, checkSeed, toFloat } from '@genmod-internal/core';

export interface NoiseOptions {
  /**
   * Seed of the Gumbel noise: the same seed gives the same output on every backend (numbers are drawn on the
   * host). A fixed seed gives the same noise on every call: vary it per step in a training loop.
   */
  seed?: number | string;
  /**
   * Caller-provided standard Gumbel noise g of the logits' shape, used instead of drawing it: common random
   * numbers across calls, reproducible tests.
   */
  noise?: Tensor | TensorLike;
}

/** Validates the noise options against the logits' shape (before anything is allocated). */
export function checkNoiseOptions(fn: string, options: NoiseOptions, shape: number[]): number | string | undefined {
  const seed = checkSeed(fn, options.seed);
  if (options.noise !== undefined) checkNoise(fn, options.noise, shape, 'options.noise');
  return seed;
}

/** The Gumbel noise for `logits`: the caller's, or a fresh draw. Call inside a tidy. */
export function gumbelNoise(fn: string, options: NoiseOptions, shape: number[], seed: number | string | undefined): Tensor {
  return options.noise !== undefined ? toFloat(fn, 'options.noise', options.noise) : standardGumbelNoise(shape, seed);
}

/** Moves axis `from` of a rank-r tensor to position `to`. */
export function moveAxis(x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const perm = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return tf.transpose(x, perm);
}
