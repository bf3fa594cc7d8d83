/**
 * STUB (to be implemented): conditional flow matching / rectified flow.
 * @see Lipman, Chen, Ben-Hamu, Nickel & Le 2023, "Flow Matching for Generative Modeling", ICLR, arXiv:2210.02747.
 * @see Liu, Gong & Liu 2023, "Flow Straight and Fast", ICLR, arXiv:2209.03003.
 * @see Tong et al. 2024, "Improving and Generalizing Flow-Based Generative Models with Minibatch Optimal Transport", TMLR, arXiv:2302.00482.
 * @see Esser et al. 2024, "Scaling Rectified Flow Transformers for High-Resolution Image Synthesis", ICML, arXiv:2403.03206 (logit-normal t).
 */
import type { Scalar, Tensor, TensorLike } from '@tensorflow/tfjs-core';
import type { Distribution, Seed } from '@genmod-internal/core';

/**
 * The user's velocity network: x `[B, ...]` at times t (float32 `[B]`, in [0, 1]; t = 0 is the source,
 * t = 1 the data) → v of x's shape.
 *
 * @since 0.1.0
 */
export type VelocityField = (x: Tensor, t: Tensor) => Tensor;

/**
 * Options of {@link flowMatchingLoss}.
 *
 * @since 0.1.0
 */
export interface FlowMatchingLossOptions {
  /** the source law p₀ (any distribution of the shared contract whose `sample([B])` has x₁'s shape); default N(0, I) */
  source?: Distribution;
  /** pair the batch's source draws with the data by an exact minibatch OT assignment (Tong et al.), default false */
  otCoupling?: boolean;
  /** draw t from logit-normal(m, s) (Esser et al. 2024) instead of U(0, 1) */
  logitNormal?: { mean?: number; std?: number };
  /** σ_min of Lipman et al.'s conditional path, default 0 (rectified flow) */
  sigmaMin?: number;
  /** seed of t (stream `'t'`), the source draws (stream `'x0'`) */
  seed?: Seed;
  /** the times instead of draws: a number or `[B]` values in [0, 1] */
  t?: number | ArrayLike<number> | Tensor;
  /** the source draws x₀ `[B, ...]` instead of fresh ones */
  x0?: Tensor | TensorLike;
}

/** @since 0.1.0 */
export function flowMatchingLoss(velocity: VelocityField, x1: Tensor | TensorLike, options: FlowMatchingLossOptions = {}): Scalar {
  void velocity; void x1; void options;
  throw new Error('flowMatchingLoss: not implemented yet');
}

/**
 * The exact minibatch optimal-transport pairing: the permutation π minimizing Σ_i ‖x₀[π(i)] − x₁[i]‖².
 *
 * @since 0.1.0
 */
export function otPairing(x0: Tensor | TensorLike, x1: Tensor | TensorLike): Int32Array {
  void x0; void x1;
  throw new Error('otPairing: not implemented yet');
}
