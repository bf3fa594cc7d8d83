/**
 * STUB (to be implemented): ODE samplers and the exact log-likelihood of a flow-matching model.
 * @see Chen, Rubanova, Bettencourt & Duvenaud 2018, "Neural Ordinary Differential Equations", arXiv:1806.07366.
 * @see Grathwohl et al. 2019, "FFJORD", ICLR, arXiv:1810.01367 (Hutchinson trace estimator).
 */
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import type { Distribution, Seed } from '@genmod-internal/core';
import type { VelocityField } from './flow-matching.js';

/**
 * The fixed-step ODE methods: Euler (order 1), Heun and midpoint (order 2); `'rk4'` (order 4) for likelihoods.
 *
 * @since 0.1.0
 */
export type OdeMethod = 'euler' | 'heun' | 'midpoint' | 'rk4';

/**
 * One step of {@link flowSample}.
 *
 * @since 0.1.0
 */
export interface FlowStep {
  step: number;
  total: number;
  progress: number;
  /** the time reached, in (0, 1] */
  t: number;
  /** the state at t: the sampler's, freed when the iteration moves on, except the final one (yours) */
  x: Tensor;
  final: boolean;
  /** velocity evaluations so far */
  evaluations: number;
}

/**
 * Options of {@link flowSample}.
 *
 * @since 0.1.0
 */
export interface FlowSampleOptions {
  source?: Distribution;
  steps?: number;
  method?: Exclude<OdeMethod, 'rk4'> | 'rk4';
  seed?: Seed;
  x0?: Tensor | TensorLike;
  signal?: AbortSignal;
}

/** @since 0.1.0 */
export function flowSample(velocity: VelocityField, shape: number[], options: FlowSampleOptions = {}): AsyncGenerator<FlowStep, Tensor, void> {
  void velocity; void shape; void options;
  throw new Error('flowSample: not implemented yet');
}

/**
 * Options of {@link flowLogLikelihood}.
 *
 * @since 0.1.0
 */
export interface FlowLogLikelihoodOptions {
  source?: Distribution;
  steps?: number;
  method?: OdeMethod;
  /** 'exact' (d vector–Jacobian products) or 'hutchinson' (default for d > 16) */
  trace?: 'exact' | 'hutchinson';
  /** probe vectors per evaluation for Hutchinson, default 1 */
  probes?: number;
  seed?: Seed;
}

/** @since 0.1.0 */
export function flowLogLikelihood(velocity: VelocityField, x1: Tensor | TensorLike, options: FlowLogLikelihoodOptions = {}): Tensor {
  void velocity; void x1; void options;
  throw new Error('flowLogLikelihood: not implemented yet');
}
