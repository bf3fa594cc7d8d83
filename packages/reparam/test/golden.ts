// Typed views of the golden files this package tests against (schemas: tooling/testing/golden/README.md).
import { loadGolden } from '@genmod-internal/testing';

export interface FullGaussianCase {
  dim: number;
  mu1: number[];
  cov1: number[][];
  chol1: number[][];
  entropy1: number;
  logdet1: number;
  x: number[][];
  log_prob1_at_x: number[];
}

export interface DiagGaussianCase {
  dim: number;
  mu1: number[];
  std1: number[];
  var1: number[];
  logvar1: number[];
  entropy1_sum: number;
}

export interface DiscreteCase {
  p: number[];
  entropy_p: number;
}

export interface KlToUniformCase {
  K: number;
  logits: number[];
  q: number[];
  entropy: number;
}

export interface Vae {
  mu: number[][];
  logvar: number[][];
  eps: number[][];
  x: number[][];
  x_continuous: number[][];
  x_logits: number[][];
  z_reparam: number[][];
  log_q_z: number[];
  log_p_z: number[];
  bernoulli_log_likelihood: number[];
  bernoulli_log_likelihood_x_continuous: number[];
}

export interface StatCase {
  logits: number[];
  probs: number[];
}

const divergences = () => loadGolden<{ full_gaussian: FullGaussianCase[]; diag_gaussian: DiagGaussianCase[]; discrete: DiscreteCase[]; kl_to_uniform: KlToUniformCase[] }>('divergences.json');
export const fullGaussianCases = () => divergences().full_gaussian;
export const diagGaussianCases = () => divergences().diag_gaussian;
export const discreteCases = () => divergences().discrete;
export const klToUniformCases = () => divergences().kl_to_uniform;
export const vae = () => loadGolden<Vae>('vae.json');
export const statCase = (name: 'gumbel_max_K5' | 'gumbel_max_K10') => loadGolden<Record<string, StatCase>>('stat_thresholds.json')[name]!;

/** The standard Normal CDF Φ(x) = ½·erfc(−x/√2), erfc from Numerical Recipes (relative error < 1.2e-7). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
