// Typed views of the golden files this package tests against (schemas: tooling/testing/golden/README.md).
import { loadGolden } from '@genmod-internal/testing';

export interface ScheduleGolden {
  T: number;
  betas: number[];
  alphas_cumprod: number[];
  posterior_variance: number[];
  posterior_log_variance_clipped: number[];
  posterior_mean_coef1: number[];
  posterior_mean_coef2: number[];
  meta: { n_clipped_betas?: number };
}

export interface ExampleRow {
  t_index: number;
  alpha_bar: number;
  x_t: number[][];
  posterior_mean: number[][];
  posterior_variance: number;
  reverse_mean_from_eps: number[][];
}

export interface ExamplesGolden {
  x0: number[][];
  eps: number[][];
  examples: { schedule: 'linear' | 'cosine'; rows: ExampleRow[] }[];
  timestep_embedding: { t: number[]; dim: number; max_period: number; embedding: number[][] };
}

export const linearGolden = () => loadGolden<ScheduleGolden>('diffusion_linear.json');
export const cosineGolden = () => loadGolden<ScheduleGolden>('diffusion_cosine.json');
export const examplesGolden = () => loadGolden<ExamplesGolden>('diffusion_examples.json');
