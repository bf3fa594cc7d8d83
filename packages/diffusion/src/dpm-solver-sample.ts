/**
 * STUB (to be implemented): DPM-Solver++ sampling.
 * @see Lu, Zhou, Bao, Chen, Li & Zhu 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models", arXiv:2211.01095.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Denoiser } from './denoiser.js';
import type { SamplerOptions, SamplerStep } from './sampler.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link dpmSolverSample}.
 *
 * @since 0.1.0
 */
export interface DpmSolverSampleOptions extends SamplerOptions {
  /** the multistep order: 1 (DPM-Solver++1S, equal to DDIM with η = 0), 2 (2M, default) or 3 (3M) */
  order?: 1 | 2 | 3;
  /** drop to lower order on the last steps (diffusers' `lower_order_final`, default true: stabler with few steps) */
  lowerOrderFinal?: boolean;
}

/**
 * DPM-Solver++ (multistep, data prediction) over the schedule's timesteps.
 *
 * @since 0.1.0
 */
export function dpmSolverSample(denoiser: Denoiser, shape: number[], schedule: Schedule, options: DpmSolverSampleOptions = {}): AsyncGenerator<SamplerStep, Tensor, void> {
  void denoiser; void shape; void schedule; void options;
  throw new Error('dpmSolverSample: not implemented yet');
}
