/**
 * The golden reference files (tooling/testing/golden, unchanged copies of ../shared/golden), imported as
 * modules so that Vite bundles them into the page and Vitest loads the very same files in Node.
 * Schemas: tooling/testing/golden/README.md.
 */
import gumbelJson from '../../../../tooling/testing/golden/gumbel.json';
import concreteJson from '../../../../tooling/testing/golden/concrete.json';
import gumbelSoftmaxJson from '../../../../tooling/testing/golden/gumbel_softmax.json';
import divergencesJson from '../../../../tooling/testing/golden/divergences.json';
import tripletJson from '../../../../tooling/testing/golden/triplet.json';
import flowsJson from '../../../../tooling/testing/golden/flows.json';
import diffusionLinearJson from '../../../../tooling/testing/golden/diffusion_linear.json';
import diffusionCosineJson from '../../../../tooling/testing/golden/diffusion_cosine.json';
import diffusionExamplesJson from '../../../../tooling/testing/golden/diffusion_examples.json';
import vaeJson from '../../../../tooling/testing/golden/vae.json';
import ganLossesJson from '../../../../tooling/testing/golden/gan_losses.json';

type Mat = number[][];

export interface GumbelFile {
  cases: {
    loc: number; scale: number; x: number[]; pdf: number[]; logpdf: number[]; cdf: number[]; logcdf: number[]; sf: number[];
    p: number[]; icdf: number[]; mean: number; variance: number; stddev: number; entropy: number; mode: number; median: number;
  }[];
}
export interface ConcreteFile {
  cases: { K: number; temperature: number; logits: number[]; points: { x: number[]; log_prob: number; y_log_x: number[]; exp_relaxed_log_prob: number }[] }[];
}
export interface GumbelSoftmaxFile {
  cases: {
    B: number; K: number; logits: Mat; u: Mat; g: Mat; w: Mat;
    per_tau: { tau: number; y_soft: Mat; log_y_soft: Mat; y_hard: Mat; grad_logits_of_sum_w_y: Mat }[];
    gumbel_max_argmax: number[]; gumbel_topk_order: Mat; softmax_logits: Mat;
  }[];
}
export interface DivergencesFile {
  diag_gaussian: {
    dim: number; mu1: number[]; std1: number[]; mu2: number[]; std2: number[];
    kl_elementwise: number[]; kl_sum: number; kl_reverse_sum: number; entropy1_sum: number;
  }[];
  full_gaussian: { dim: number; mu1: number[]; mu2: number[]; cov1: Mat; cov2: Mat; chol1: Mat; chol2: Mat; kl: number; kl_reverse: number; entropy1: number }[];
  discrete: {
    p: number[]; q: number[]; kl_pq: number; kl_qp: number | null; entropy_p: number; entropy_q: number; entropy_p_bits: number;
    cross_entropy_pq: number; js_divergence: number; js_distance: number; js_divergence_bits: number; kl_p_uniform: number;
    total_variation: number; hellinger: number;
  }[];
  kl_to_uniform: { K: number; logits: number[]; entropy: number; kl_to_uniform: number }[];
  wasserstein1_1d: { u: number[]; v: number[]; u_weights: number[] | null; v_weights: number[] | null; wasserstein1: number; energy_distance: number }[];
}
export interface TripletFile {
  cases: {
    anchor: Mat; positive: Mat; negative: Mat; loss_none: number[]; loss_mean: number; loss_sum: number;
    loss_none_exact_no_eps: number[]; loss_mean_exact_no_eps: number; loss_none_swap: number[];
  }[];
}
export interface CouplingWeights { mask: number[]; W_s: Mat; b_s: number[]; W_t: Mat; b_t: number[] }
export interface FlowsFile {
  single_layer: (CouplingWeights & {
    dim: number; x: Mat; y: Mat; log_det_jacobian: number[]; log_prob_x_std_normal_base: number[];
    inverse_input_y: Mat; inverse_output_x: Mat; inverse_log_det_jacobian: number[];
  })[];
  stack_2layer: { layers: CouplingWeights[]; x: Mat; y: Mat; log_det_jacobian: number[]; log_prob_x_std_normal_base: number[] };
}
export interface ScheduleFile {
  T: number; betas: number[]; alphas_cumprod: number[]; posterior_variance: number[]; posterior_log_variance_clipped: number[];
  posterior_mean_coef1: number[]; posterior_mean_coef2: number[];
}
export interface DiffusionExamplesFile {
  x0: Mat; eps: Mat;
  examples: { schedule: 'linear' | 'cosine'; rows: { t_index: number; alpha_bar: number; x_t: Mat; posterior_mean: Mat; posterior_variance: number; reverse_mean_from_eps: Mat }[] }[];
  timestep_embedding: { t: number[]; dim: number; max_period: number; embedding: Mat };
}
export interface VaeFile {
  mu: Mat; logvar: Mat; eps: Mat; x: Mat; x_continuous: Mat; x_logits: Mat; kl_elementwise: Mat; kl_sum: number[]; kl_mean_over_batch: number;
  bernoulli_log_likelihood: number[]; bernoulli_log_likelihood_x_continuous: number[]; bce_sum_mean_over_batch: number;
  z_reparam: Mat; log_q_z: number[]; log_p_z: number[]; elbo: number[]; elbo_mean: number; elbo_mc_kl: number[];
  iwae: { log_weights: Mat; log_mean_exp: number[] };
}
export interface GanLossesFile {
  real_logits: number[]; fake_logits: number[];
  d_loss_bce: number; d_loss_grad_real: number[]; d_loss_grad_fake: number[]; d_loss_per_element_real: number[]; d_loss_per_element_fake: number[];
  g_loss_minimax: number; g_loss_minimax_grad_fake: number[]; g_loss_nonsaturating: number; g_loss_nonsaturating_grad_fake: number[];
  log_sigmoid_real: number[]; log_one_minus_sigmoid_fake: number[];
  wgan_critic_loss: number; wgan_gen_loss: number; hinge_d_loss: number; hinge_g_loss: number; lsgan_d_loss: number; lsgan_g_loss: number;
  gradient_penalty: {
    W1: Mat; b1: number[]; w2: Mat; b2: number; x_real: Mat; x_fake: Mat; eps: Mat; x_hat: Mat;
    D_x_hat: number[]; grad_D_x_hat: Mat; grad_norm: number[]; gp: number; D_real: number[]; D_fake: number[]; critic_loss_lambda10: number;
  };
}

export const golden = {
  gumbel: gumbelJson as unknown as GumbelFile,
  concrete: concreteJson as unknown as ConcreteFile,
  gumbelSoftmax: gumbelSoftmaxJson as unknown as GumbelSoftmaxFile,
  divergences: divergencesJson as unknown as DivergencesFile,
  triplet: tripletJson as unknown as TripletFile,
  flows: flowsJson as unknown as FlowsFile,
  diffusionLinear: diffusionLinearJson as unknown as ScheduleFile,
  diffusionCosine: diffusionCosineJson as unknown as ScheduleFile,
  diffusionExamples: diffusionExamplesJson as unknown as DiffusionExamplesFile,
  vae: vaeJson as unknown as VaeFile,
  ganLosses: ganLossesJson as unknown as GanLossesFile,
};
