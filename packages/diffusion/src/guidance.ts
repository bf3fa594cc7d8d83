/**
 * STUB (to be implemented): classifier-free guidance.
 * @see Ho & Salimans 2022, "Classifier-Free Diffusion Guidance", arXiv:2207.12598.
 * @see Lin, Liu, Li & Yang 2024, "Common Diffusion Noise Schedules and Sample Steps are Flawed", WACV, arXiv:2305.08891, §3.4 (guidance rescale).
 */
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import type { Seed } from '@genmod-internal/core';
import type { Denoiser } from './denoiser.js';

/**
 * A denoiser that also takes a condition `[B, ...]` (class labels, embeddings).
 *
 * @since 0.1.0
 */
export type ConditionalDenoiser = (xt: Tensor, t: Tensor, condition: Tensor) => Tensor;

/**
 * Options of {@link classifierFreeGuidance}.
 *
 * @since 0.1.0
 */
export interface GuidanceOptions {
  /** the guidance scale w (1: the conditional model, 0: the unconditional one) */
  scale: number;
  /** the null condition ∅ of one example's condition shape (or `[1, ...]`) */
  nullCondition: Tensor | TensorLike;
  /** guidance rescale φ ∈ [0, 1] (Lin et al. 2024), default 0 */
  rescale?: number;
}

/** @since 0.1.0 */
export function classifierFreeGuidance(denoiser: ConditionalDenoiser, condition: Tensor | TensorLike, options: GuidanceOptions): Denoiser {
  void denoiser; void condition; void options;
  throw new Error('classifierFreeGuidance: not implemented yet');
}

/**
 * Options of {@link dropCondition}.
 *
 * @since 0.1.0
 */
export interface DropConditionOptions {
  /** seed of the Bernoulli draws (stream `'drop'`) */
  seed?: Seed;
}

/** @since 0.1.0 */
export function dropCondition(condition: Tensor | TensorLike, nullCondition: Tensor | TensorLike, p: number, options: DropConditionOptions = {}): Tensor {
  void condition; void nullCondition; void p; void options;
  throw new Error('dropCondition: not implemented yet');
}
