// A typed view of the golden file this package tests against (schema: tooling/testing/golden/README.md).
import { loadGolden } from '@genmod-internal/testing';

export interface VaeGolden {
  mu: number[][];
  logvar: number[][];
  eps: number[][];
  x: number[][];
  x_continuous: number[][];
  x_logits: number[][];
  kl_elementwise: number[][];
  kl_sum: number[];
  kl_mean_over_batch: number;
  bernoulli_log_likelihood: number[];
  bernoulli_log_likelihood_x_continuous: number[];
  bce_sum_mean_over_batch: number;
  z_reparam: number[][];
  log_q_z: number[];
  log_p_z: number[];
  elbo: number[];
  elbo_mean: number;
  elbo_mc_kl: number[];
  iwae: { log_weights: number[][]; log_mean_exp: number[] };
}

export const vaeGolden = () => loadGolden<VaeGolden>('vae.json');
