// Typed views of the golden files this package tests against (schemas: tooling/testing/golden/README.md).
import { loadGolden } from '@genmod-internal/testing';

export interface GumbelSoftmaxCase {
  B: number;
  K: number;
  logits: number[][];
  u: number[][];
  g: number[][];
  w: number[][];
  per_tau: { tau: number; y_soft: number[][]; log_y_soft: number[][]; y_hard: number[][]; grad_logits_of_sum_w_y: number[][] }[];
  gumbel_max_argmax: number[];
  gumbel_topk_order: number[][];
  softmax_logits: number[][];
}

export interface ConcreteCase {
  K: number;
  temperature: number;
  logits: number[];
  points: { x: number[]; log_prob: number; y_log_x: number[]; exp_relaxed_log_prob: number }[];
}

export interface StatCase {
  logits: number[];
  probs: number[];
  df: number;
  critical_1e_3?: number;
}

export interface TopKCase {
  logits: number[];
  probs: number[];
  ordered_pairs?: number[][];
  ordered_triples?: number[][];
  pl_probs: number[];
  df: number;
}

export const gumbelSoftmaxCases = () => loadGolden<{ cases: GumbelSoftmaxCase[] }>('gumbel_softmax.json').cases;
export const concreteCases = () => loadGolden<{ cases: ConcreteCase[] }>('concrete.json').cases;
export const statCase = (name: 'gumbel_max_K5' | 'gumbel_max_K10') => loadGolden<Record<string, StatCase>>('stat_thresholds.json')[name]!;
export const topKCase = (name: 'gumbel_topk_K4_k2' | 'gumbel_topk_K5_k3') => loadGolden<Record<string, TopKCase>>('stat_thresholds.json')[name]!;
