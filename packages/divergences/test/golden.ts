// Typed views of the golden files this package tests against (schemas: tooling/testing/golden/README.md).
import { loadGolden } from '@genmod-internal/testing';

export interface DiagGaussianCase {
  dim: number;
  mu1: number[]; std1: number[]; var1: number[]; logvar1: number[];
  mu2: number[]; std2: number[]; var2: number[]; logvar2: number[];
  kl_elementwise: number[]; kl_sum: number; kl_reverse_sum: number; entropy1_sum: number;
}

export interface FullGaussianCase {
  dim: number;
  mu1: number[]; mu2: number[];
  cov1: number[][]; cov2: number[][]; chol1: number[][]; chol2: number[][];
  kl: number; kl_reverse: number; entropy1: number; logdet1: number;
}

export interface DiscreteCase {
  p: number[]; q: number[];
  kl_pq: number; kl_qp: number | null;
  entropy_p: number; entropy_q: number; entropy_p_bits: number; cross_entropy_pq: number;
  js_divergence: number; js_distance: number; js_divergence_bits: number;
  kl_p_uniform: number; total_variation: number; hellinger: number;
}

export interface KlToUniformCase { K: number; logits: number[]; q: number[]; entropy: number; kl_to_uniform: number }

export interface Wasserstein1dCase {
  u: number[]; v: number[]; u_weights: number[] | null; v_weights: number[] | null;
  wasserstein1: number; energy_distance: number;
}

export interface Divergences {
  diag_gaussian: DiagGaussianCase[];
  full_gaussian: FullGaussianCase[];
  discrete: DiscreteCase[];
  kl_to_uniform: KlToUniformCase[];
  wasserstein1_1d: Wasserstein1dCase[];
}

export interface Vae {
  mu: number[][]; logvar: number[][];
  x: number[][]; x_continuous: number[][]; x_logits: number[][];
  kl_elementwise: number[][]; kl_sum: number[]; kl_mean_over_batch: number;
  bernoulli_log_likelihood: number[]; bernoulli_log_likelihood_x_continuous: number[];
}

export interface TripletCase {
  anchor: number[][]; positive: number[][]; negative: number[][];
  loss_none: number[]; loss_mean: number; loss_sum: number;
  d_ap_torch: number[]; d_an_torch: number[]; d_ap_exact: number[]; d_an_exact: number[];
  loss_none_exact_no_eps: number[]; loss_mean_exact_no_eps: number; loss_none_swap: number[];
}

export const divergences = (): Divergences => loadGolden<Divergences>('divergences.json');
export const vae = (): Vae => loadGolden<Vae>('vae.json');
export const triplet = (): TripletCase[] => loadGolden<{ cases: TripletCase[] }>('triplet.json').cases;

/** The golden README's tolerance for divergences and VAE terms computed in float32. */
export const TOL = { rtol: 1e-5, atol: 1e-6 };
