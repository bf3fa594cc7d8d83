/**
 * The golden cases of every landed package, written once for every backend: the page runs them on WebGPU or
 * WebGL, the Node test on cpu and wasm. Each case computes with the public API on the active backend and
 * compares with the float64 reference values.
 *
 * Tolerances: the float32 table of tooling/testing/golden/README.md where it has a row; otherwise the
 * tolerance the package's own golden test uses (named where it is set).
 */
import * as tf from '@tensorflow/tfjs';
import { Gumbel, ExpRelaxedOneHotCategorical, RelaxedOneHotCategorical, gumbelMax, gumbelSoftmax, gumbelTopK } from '@genmod/gumbel';
import {
  crossEntropyBernoulli, crossEntropyCategorical, energyDistance, entropyCategorical, entropyMultivariateNormal, entropyNormal, hellinger, jsDistance,
  jsDivergence, klCategorical, klMultivariateNormal, klNormalNormal, klStandardNormal, klToUniform, totalVariation, tripletLoss, wasserstein1d,
} from '@genmod/divergences';
import { StandardNormal, TransformedDistribution, affineCoupling, chain, invert, tanhBound, type TrainableBijector } from '@genmod/flows';
import { cosineSchedule, linearSchedule, qPosterior, qSample, reverseMeanFromEps, sinusoidalTimestepEmbedding, type Schedule } from '@genmod/diffusion';
import { bernoulliLogLikelihood, elbo, logMeanExp, standardNormalPrior, type Prior } from '@genmod/vae';
import {
  minimaxDiscriminatorLoss, minimaxGeneratorLoss, nonSaturatingGeneratorLoss, gradientPenalty, hingeDiscriminatorLoss, hingeGeneratorLoss,
  leastSquaresDiscriminatorLoss, leastSquaresGeneratorLoss, wassersteinCriticLoss, wassersteinGeneratorLoss,
} from '@genmod/adversarial';
import { compare, compareExact, type Comparison, type Expected, type Tolerance } from './compare.js';
import { golden, type CouplingWeights, type ScheduleFile } from './files.js';

export type PackageName = 'gumbel' | 'divergences' | 'flows' | 'diffusion' | 'vae' | 'adversarial';

export interface GoldenCase {
  /** the @genmod package under test */
  pkg: PackageName;
  /** the golden file the values come from */
  file: string;
  name: string;
  /** computes on the active backend and compares; frees what it made */
  run(): Promise<Comparison[]>;
}

// ---------------------------------------------------------------- tolerances
/** README: Gumbel logpdf / cdf / icdf (p ≤ 0.999): rel ≤ 2.1e-6 observed */
const GUMBEL_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };
/** README: Concrete log_prob, abs ≤ 4.3e-5 observed (values up to ~1e2) */
const CONCRETE_TOL: Tolerance = { rtol: 1e-5, atol: 1e-4 };
/** README: Gumbel-softmax y_soft from the stored g, abs ≤ 2.1e-7 observed */
const SOFT_TOL: Tolerance = { rtol: 0, atol: 1e-6 };
/** README: VAE KL / Bernoulli LL, GAN losses, couplings (and the packages' divergences): rel ≤ 3e-7 observed */
const TERMS_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };
/** README: triplet loss, abs ≤ 2.6e-6 observed */
const TRIPLET_TOL: Tolerance = { rtol: 0, atol: 1e-5 };
/** README: diffusion schedules in float64 on the host */
const SCHEDULE_TOL: Tolerance = { rtol: 1e-12, atol: 0 };
/** gumbel-softmax.test.ts: the gradient of Σ w·y through the softmax */
const GRAD_TOL: Tolerance = { rtol: 1e-5, atol: 1e-5 };
/** multivariate-normal.test.ts: float32 Cholesky and triangular solves of d ≤ 5 */
const MVN_TOL: Tolerance = { rtol: 1e-5, atol: 1e-5 };
/** wasserstein.test.ts: float64 on the host, rounded once */
const W1_TOL: Tolerance = { rtol: 1e-6, atol: 1e-6 };
/** energy-distance.test.ts: 2E|X−Y| − E|X−X'| − E|Y−Y'| cancels O(1) sums down to D² ≈ 0.05 */
const ENERGY_TOL: Tolerance = { rtol: 1e-4, atol: 1e-6 };
/** forward-process.test.ts: x_t, the posterior, and the reverse mean (β = 0.999 at the cosine's last step cancels) */
const XT_TOL: Tolerance = { rtol: 1e-6, atol: 1e-6 };
const POSTERIOR_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };
const REVERSE_TOL: Tolerance = { rtol: 1e-4, atol: 2e-5 };
/** timestep-embedding.test.ts: float32 sin/cos of |t·f| ≤ 999 on the device */
const EMBED_TOL: Tolerance = { rtol: 0, atol: 2e-4 };
/** elbo.test.ts: z = μ + σ·ε and the KL sum */
const ELBO_TOL: Tolerance = { rtol: 1e-5, atol: 1e-5 };
/** iwae-bound.test.ts */
const LME_TOL: Tolerance = { rtol: 1e-6, atol: 1e-6 };

// ---------------------------------------------------------------- helpers
type Spec = Record<string, [Expected, Tolerance]>;

/**
 * Runs `compute` in a tidy (keeping the returned tensors), compares each output with its expected values,
 * and frees the outputs.
 */
async function checks(compute: () => Record<string, tf.Tensor>, spec: Spec): Promise<Comparison[]> {
  const out = tf.tidy(compute);
  try {
    const results: Comparison[] = [];
    for (const [label, [expected, tol]] of Object.entries(spec)) {
      const actual = out[label];
      if (!actual) throw new Error(`golden case: no output named "${label}"`);
      results.push(await compare(label, actual, expected, tol));
    }
    return results;
  } finally {
    tf.dispose(Object.values(out));
  }
}

const logOrMinusInf = (p: number[]) => p.map((v) => (v === 0 ? -Infinity : Math.log(v)));

// ---------------------------------------------------------------- gumbel
function gumbelCases(): GoldenCase[] {
  const out: GoldenCase[] = golden.gumbel.cases.map((c) => ({
    pkg: 'gumbel',
    file: 'gumbel.json',
    name: `Gumbel(loc ${c.loc}, scale ${c.scale}): logProb, prob, cdf, logCdf, sf, quantile, moments`,
    run: async () => {
      const d = new Gumbel({ loc: c.loc, scale: c.scale });
      const keep = c.p.map((p) => p <= 0.999);
      try {
        return await checks(
          () => ({
            logpdf: d.logProb(c.x),
            pdf: d.prob(c.x),
            cdf: d.cdf(c.x),
            logcdf: d.logCdf(c.x),
            sf: d.survivalFunction(c.x),
            icdf: d.quantile(c.p.filter((_, i) => keep[i])),
            moments: tf.stack([d.mean(), d.variance(), d.stddev(), d.entropy(), d.mode(), d.median()]),
          }),
          {
            logpdf: [c.logpdf, GUMBEL_TOL],
            pdf: [c.pdf, GUMBEL_TOL],
            cdf: [c.cdf, GUMBEL_TOL],
            logcdf: [c.logcdf, GUMBEL_TOL],
            sf: [c.sf, GUMBEL_TOL],
            icdf: [c.icdf.filter((_, i) => keep[i]), GUMBEL_TOL],
            moments: [[c.mean, c.variance, c.stddev, c.entropy, c.mode, c.median], GUMBEL_TOL],
          },
        );
      } finally {
        d.dispose();
      }
    },
  }));

  for (const K of [...new Set(golden.concrete.cases.map((c) => c.K))]) {
    const cases = golden.concrete.cases.filter((c) => c.K === K);
    out.push({
      pkg: 'gumbel',
      file: 'concrete.json',
      name: `Concrete K=${K}: RelaxedOneHotCategorical and ExpRelaxedOneHotCategorical logProb (${cases.length} (logits, τ) × 4 points)`,
      run: async () => {
        const results: Comparison[] = [];
        for (const c of cases) {
          const d = new RelaxedOneHotCategorical({ logits: c.logits, temperature: c.temperature });
          const e = new ExpRelaxedOneHotCategorical({ logits: c.logits, temperature: c.temperature });
          const tag = `τ ${c.temperature}, logits [${c.logits.map((l) => l.toFixed(2))}]`;
          try {
            results.push(
              ...(await checks(() => ({ [`log_prob ${tag}`]: d.logProb(c.points.map((p) => p.x)), [`exp_relaxed_log_prob ${tag}`]: e.logProb(c.points.map((p) => p.y_log_x)) }), {
                [`log_prob ${tag}`]: [c.points.map((p) => p.log_prob), CONCRETE_TOL],
                [`exp_relaxed_log_prob ${tag}`]: [c.points.map((p) => p.exp_relaxed_log_prob), CONCRETE_TOL],
              })),
            );
          } finally {
            d.dispose();
            e.dispose();
          }
        }
        return results;
      },
    });
  }

  for (const c of golden.gumbelSoftmax.cases) {
    out.push({
      pkg: 'gumbel',
      file: 'gumbel_softmax.json',
      name: `gumbelSoftmax B=${c.B} K=${c.K} at τ ${c.per_tau.map((t) => t.tau).join(', ')}: soft, hard, gradients (soft and straight-through)`,
      run: async () => {
        const results: Comparison[] = [];
        for (const t of c.per_tau) {
          const grad = (hard: boolean) =>
            tf.grad((l: tf.Tensor) => tf.sum(tf.mul(tf.tensor2d(c.w), gumbelSoftmax(l, { temperature: t.tau, noise: c.g, hard }))))(tf.tensor2d(c.logits));
          results.push(
            ...(await checks(
              () => ({
                [`y_soft τ ${t.tau}`]: gumbelSoftmax(c.logits, { temperature: t.tau, noise: c.g }),
                [`y_hard τ ${t.tau}`]: gumbelSoftmax(c.logits, { temperature: t.tau, noise: c.g, hard: true }),
                [`grad τ ${t.tau}`]: grad(false),
                [`straight-through grad τ ${t.tau}`]: grad(true),
              }),
              {
                [`y_soft τ ${t.tau}`]: [t.y_soft, SOFT_TOL],
                [`y_hard τ ${t.tau}`]: [t.y_hard, { rtol: 0, atol: 0 }],
                [`grad τ ${t.tau}`]: [t.grad_logits_of_sum_w_y, GRAD_TOL],
                [`straight-through grad τ ${t.tau}`]: [t.grad_logits_of_sum_w_y, GRAD_TOL],
              },
            )),
          );
        }
        return results;
      },
    });
    out.push({
      pkg: 'gumbel',
      file: 'gumbel_softmax.json',
      name: `gumbelMax and gumbelTopK (every k) B=${c.B} K=${c.K} with the stored noise`,
      run: async () => {
        const results: Comparison[] = [];
        const k = gumbelMax(c.logits, { noise: c.g });
        results.push(await compareExact('argmax(logits + g)', k, c.gumbel_max_argmax));
        k.dispose();
        for (let j = 1; j <= c.K; j++) {
          const idx = gumbelTopK(c.logits, j, { noise: c.g });
          results.push(await compareExact(`top-${j} order`, idx, c.gumbel_topk_order.map((row) => row.slice(0, j))));
          idx.dispose();
        }
        return results;
      },
    });
  }
  return out;
}

// ---------------------------------------------------------------- divergences
function divergenceCases(): GoldenCase[] {
  const d = golden.divergences;
  const out: GoldenCase[] = [];
  for (const c of d.diag_gaussian) {
    out.push({
      pkg: 'divergences',
      file: 'divergences.json',
      name: `klNormalNormal and entropyNormal, diagonal d=${c.dim}`,
      run: () => {
        const p = { loc: c.mu1, scale: c.std1 };
        const q = { loc: c.mu2, scale: c.std2 };
        return checks(
          () => ({ kl_elementwise: klNormalNormal(p, q), kl_sum: klNormalNormal(p, q, { eventRank: 1 }), kl_reverse_sum: klNormalNormal(q, p, { eventRank: 1 }), entropy1_sum: entropyNormal(p, { eventRank: 1 }) }),
          { kl_elementwise: [c.kl_elementwise, TERMS_TOL], kl_sum: [c.kl_sum, TERMS_TOL], kl_reverse_sum: [c.kl_reverse_sum, TERMS_TOL], entropy1_sum: [c.entropy1_sum, TERMS_TOL] },
        );
      },
    });
  }
  for (const c of d.full_gaussian) {
    out.push({
      pkg: 'divergences',
      file: 'divergences.json',
      name: `klMultivariateNormal and entropy, full covariance d=${c.dim} (from scaleTril and from covariance)`,
      run: () => {
        const p1 = { loc: c.mu1, scaleTril: c.chol1 };
        const p2 = { loc: c.mu2, scaleTril: c.chol2 };
        const c1 = { loc: c.mu1, covariance: c.cov1 };
        const c2 = { loc: c.mu2, covariance: c.cov2 };
        return checks(
          () => ({
            kl: klMultivariateNormal(p1, p2),
            kl_reverse: klMultivariateNormal(p2, p1),
            entropy1: entropyMultivariateNormal(p1),
            'kl from covariances': klMultivariateNormal(c1, c2),
            'kl_reverse mixed': klMultivariateNormal(c2, p1),
            'entropy1 from covariance': entropyMultivariateNormal(c1),
          }),
          {
            kl: [c.kl, MVN_TOL],
            kl_reverse: [c.kl_reverse, MVN_TOL],
            entropy1: [c.entropy1, MVN_TOL],
            'kl from covariances': [c.kl, MVN_TOL],
            'kl_reverse mixed': [c.kl_reverse, MVN_TOL],
            'entropy1 from covariance': [c.entropy1, MVN_TOL],
          },
        );
      },
    });
  }
  d.discrete.forEach((c, i) => {
    out.push({
      pkg: 'divergences',
      file: 'divergences.json',
      name: `discrete pair ${i} (K=${c.p.length}): KL both ways, entropies, cross-entropy, JS, TV, Hellinger`,
      run: () => {
        const p = { probs: c.p };
        const q = { probs: c.q };
        return checks(
          () => ({
            kl_pq: klCategorical(p, q),
            kl_qp: klCategorical(q, p),
            entropy_p: entropyCategorical(p),
            entropy_q: entropyCategorical(q),
            entropy_p_bits: entropyCategorical(p, { base: 2 }),
            cross_entropy_pq: crossEntropyCategorical(p, q),
            kl_p_uniform: klCategorical(p, { probs: c.p.map(() => 1 / c.p.length) }),
            'kl_pq from logits': klCategorical({ logits: logOrMinusInf(c.p) }, { logits: logOrMinusInf(c.q).map((v) => v + 3) }),
            js_divergence: jsDivergence(p, q),
            js_divergence_bits: jsDivergence(p, q, { base: 2 }),
            js_distance: jsDistance(p, q),
            total_variation: totalVariation(p, q),
            hellinger: hellinger(p, q),
          }),
          {
            kl_pq: [c.kl_pq, TERMS_TOL],
            kl_qp: [c.kl_qp, TERMS_TOL],
            entropy_p: [c.entropy_p, TERMS_TOL],
            entropy_q: [c.entropy_q, TERMS_TOL],
            entropy_p_bits: [c.entropy_p_bits, TERMS_TOL],
            cross_entropy_pq: [c.cross_entropy_pq, TERMS_TOL],
            kl_p_uniform: [c.kl_p_uniform, TERMS_TOL],
            'kl_pq from logits': [c.kl_pq, TERMS_TOL],
            js_divergence: [c.js_divergence, TERMS_TOL],
            js_divergence_bits: [c.js_divergence_bits, TERMS_TOL],
            js_distance: [c.js_distance, TERMS_TOL],
            total_variation: [c.total_variation, TERMS_TOL],
            hellinger: [c.hellinger, TERMS_TOL],
          },
        );
      },
    });
  });
  out.push({
    pkg: 'divergences',
    file: 'divergences.json',
    name: `klToUniform and entropyCategorical from logits (K ${d.kl_to_uniform.map((c) => c.K).join(', ')})`,
    run: async () => {
      const results: Comparison[] = [];
      for (const c of d.kl_to_uniform) {
        results.push(
          ...(await checks(() => ({ [`kl_to_uniform K=${c.K}`]: klToUniform(c.logits), [`entropy K=${c.K}`]: entropyCategorical({ logits: c.logits }) }), {
            [`kl_to_uniform K=${c.K}`]: [c.kl_to_uniform, TERMS_TOL],
            [`entropy K=${c.K}`]: [c.entropy, TERMS_TOL],
          })),
        );
      }
      return results;
    },
  });
  d.wasserstein1_1d.forEach((c, i) => {
    out.push({
      pkg: 'divergences',
      file: 'divergences.json',
      name: `wasserstein1d and energyDistance, 1-D samples ${i} (n ${c.u.length}, m ${c.v.length}${c.u_weights ? ', weighted' : ''})`,
      run: () => {
        const weights = { uWeights: c.u_weights ?? undefined, vWeights: c.v_weights ?? undefined };
        return checks(() => ({ wasserstein1: wasserstein1d(c.u, c.v, weights), energy_distance: energyDistance(c.u, c.v, weights) }), {
          wasserstein1: [c.wasserstein1, W1_TOL],
          energy_distance: [c.energy_distance, ENERGY_TOL],
        });
      },
    });
  });
  golden.triplet.cases.forEach((c, i) => {
    out.push({
      pkg: 'divergences',
      file: 'triplet.json',
      name: `tripletLoss ${i} (B=${c.anchor.length}, D=${c.anchor[0]!.length}): none, mean, sum, without eps, swap`,
      run: () => {
        const [a, p, n] = [c.anchor, c.positive, c.negative];
        return checks(
          () => ({
            loss_none: tripletLoss(a, p, n, { reduction: 'none' }),
            loss_mean: tripletLoss(a, p, n),
            loss_sum: tripletLoss(a, p, n, { reduction: 'sum' }),
            loss_none_exact_no_eps: tripletLoss(a, p, n, { eps: 0, reduction: 'none' }),
            loss_mean_exact_no_eps: tripletLoss(a, p, n, { eps: 0 }),
            loss_none_swap: tripletLoss(a, p, n, { swap: true, reduction: 'none' }),
          }),
          {
            loss_none: [c.loss_none, TRIPLET_TOL],
            loss_mean: [c.loss_mean, TRIPLET_TOL],
            loss_sum: [c.loss_sum, TRIPLET_TOL],
            loss_none_exact_no_eps: [c.loss_none_exact_no_eps, TRIPLET_TOL],
            loss_mean_exact_no_eps: [c.loss_mean_exact_no_eps, TRIPLET_TOL],
            loss_none_swap: [c.loss_none_swap, TRIPLET_TOL],
          },
        );
      },
    });
  });
  return out;
}

// ---------------------------------------------------------------- flows
/** The golden coupling: t = xm·W_t + b_t and raw s = xm·W_s + b_s from one conditioner; s = tanh(raw s). */
function goldenCoupling(c: CouplingWeights): TrainableBijector {
  const [ws, bs, wt, bt] = tf.tidy(() => [tf.tensor2d(c.W_s), tf.tensor1d(c.b_s), tf.tensor2d(c.W_t), tf.tensor1d(c.b_t)].map((t) => tf.keep(t)));
  return affineCoupling({
    mask: c.mask,
    conditioner: Object.assign((xm: tf.Tensor) => tf.concat([tf.add(tf.matMul(xm, wt!), bt!), tf.add(tf.matMul(xm, ws!), bs!)], -1), {
      dispose: () => tf.dispose([ws!, bs!, wt!, bt!]),
    }),
    logScaleBound: tanhBound(1),
  });
}

function flowCases(): GoldenCase[] {
  const f = golden.flows;
  const out: GoldenCase[] = f.single_layer.map((c) => ({
    pkg: 'flows',
    file: 'flows.json',
    name: `affineCoupling D=${c.dim} mask [${c.mask}]: forward, inverse, log-dets, log p under a standard normal base`,
    run: async () => {
      const layer = goldenCoupling(c);
      try {
        return await checks(
          () => {
            const fwd = layer.forward(tf.tensor2d(c.x));
            const inv = layer.inverse(tf.tensor2d(c.inverse_input_y));
            // the golden coupling maps data to latent: as a flow (forward = sampling) it is the inverted layer
            const lp = new TransformedDistribution(new StandardNormal([c.dim]), invert(layer)).logProb(c.x);
            return { y: fwd.y, log_det_jacobian: fwd.logDet, inverse_output_x: inv.x, inverse_log_det_jacobian: inv.logDet, log_prob_x_std_normal_base: lp };
          },
          {
            y: [c.y, TERMS_TOL],
            log_det_jacobian: [c.log_det_jacobian, TERMS_TOL],
            inverse_output_x: [c.inverse_output_x, TERMS_TOL],
            inverse_log_det_jacobian: [c.inverse_log_det_jacobian, TERMS_TOL],
            log_prob_x_std_normal_base: [c.log_prob_x_std_normal_base, TERMS_TOL],
          },
        );
      } finally {
        layer.dispose();
      }
    },
  }));
  const s = f.stack_2layer;
  out.push({
    pkg: 'flows',
    file: 'flows.json',
    name: 'two stacked affine couplings (chain): y, log-det, log p',
    run: async () => {
      const [l0, l1] = s.layers.map(goldenCoupling) as [TrainableBijector, TrainableBijector];
      const stack = chain(l1, l0); // layer 0 first
      try {
        return await checks(
          () => {
            const fwd = stack.forward(tf.tensor2d(s.x));
            const lp = new TransformedDistribution(new StandardNormal([2]), invert(stack)).logProb(s.x);
            return { y: fwd.y, log_det_jacobian: fwd.logDet, log_prob_x_std_normal_base: lp };
          },
          { y: [s.y, TERMS_TOL], log_det_jacobian: [s.log_det_jacobian, TERMS_TOL], log_prob_x_std_normal_base: [s.log_prob_x_std_normal_base, TERMS_TOL] },
        );
      } finally {
        stack.dispose();
      }
    },
  });
  return out;
}

// ---------------------------------------------------------------- diffusion
function diffusionCases(): GoldenCase[] {
  const schedules: [string, ScheduleFile, () => Schedule][] = [
    ['linear', golden.diffusionLinear, () => linearSchedule(1000)],
    ['cosine', golden.diffusionCosine, () => cosineSchedule(1000)],
  ];
  const out: GoldenCase[] = schedules.map(([name, g, make]) => ({
    pkg: 'diffusion',
    file: `diffusion_${name}.json`,
    name: `${name} schedule, T=1000: six quantities in float64, and their float32 upload read back from the device`,
    run: async () => {
      const s = make();
      try {
        const host: [string, number[], Float64Array][] = [
          ['betas', g.betas, s.betas],
          ['alphas_cumprod', g.alphas_cumprod, s.alphasCumprod],
          ['posterior_variance', g.posterior_variance, s.posteriorVariance],
          ['posterior_log_variance_clipped', g.posterior_log_variance_clipped, s.posteriorLogVarianceClipped],
          ['posterior_mean_coef1', g.posterior_mean_coef1, s.posteriorMeanCoef1],
          ['posterior_mean_coef2', g.posterior_mean_coef2, s.posteriorMeanCoef2],
        ];
        const results: Comparison[] = [];
        for (const [label, want, ours] of host) results.push(await compare(label, ours, want, SCHEDULE_TOL));
        const t = s.tensors();
        results.push(await compare('betas (float32 on the device)', t.betas, Array.from(Float32Array.from(g.betas)), { rtol: 0, atol: 0 }));
        results.push(await compare('alphasCumprod (float32 on the device)', t.alphasCumprod, Array.from(Float32Array.from(g.alphas_cumprod)), { rtol: 0, atol: 0 }));
        return results;
      } finally {
        s.dispose();
      }
    },
  }));
  const ex = golden.diffusionExamples;
  for (const e of ex.examples) {
    out.push({
      pkg: 'diffusion',
      file: 'diffusion_examples.json',
      name: `${e.schedule} schedule: qSample, qPosterior, reverseMeanFromEps at t index ${e.rows.map((r) => r.t_index).join(', ')} (t as an int32 tensor)`,
      run: async () => {
        const s = e.schedule === 'linear' ? linearSchedule(1000) : cosineSchedule(1000);
        const results: Comparison[] = [];
        try {
          for (const r of e.rows) {
            const i = r.t_index;
            results.push(
              ...(await checks(
                () => {
                  const x0 = tf.tensor2d(ex.x0);
                  const eps = tf.tensor2d(ex.eps);
                  const t = tf.tensor1d([i, i, i], 'int32'); // the gather path, on the device
                  const xt = qSample(x0, t, s, { noise: eps });
                  const post = qPosterior(x0, xt, t, s);
                  return { [`x_t @${i}`]: xt, [`posterior mean @${i}`]: post.mean, [`posterior variance @${i}`]: tf.reshape(post.variance, [-1]), [`reverse mean from eps @${i}`]: reverseMeanFromEps(xt, t, eps, s) };
                },
                {
                  [`x_t @${i}`]: [r.x_t, XT_TOL],
                  [`posterior mean @${i}`]: [r.posterior_mean, POSTERIOR_TOL],
                  [`posterior variance @${i}`]: [[r.posterior_variance, r.posterior_variance, r.posterior_variance], { rtol: 1e-6, atol: 0 }],
                  [`reverse mean from eps @${i}`]: [r.reverse_mean_from_eps, REVERSE_TOL],
                },
              )),
            );
          }
          return results;
        } finally {
          s.dispose();
        }
      },
    });
  }
  const te = ex.timestep_embedding;
  out.push({
    pkg: 'diffusion',
    file: 'diffusion_examples.json',
    name: `sinusoidalTimestepEmbedding dim ${te.dim}: from numbers (host float64) and from an int32 tensor (device float32)`,
    run: () =>
      checks(() => ({ 'embedding (numbers)': sinusoidalTimestepEmbedding(te.t, te.dim, { maxPeriod: te.max_period }), 'embedding (int32 tensor)': sinusoidalTimestepEmbedding(tf.tensor1d(te.t, 'int32'), te.dim, { maxPeriod: te.max_period }) }), {
        'embedding (numbers)': [te.embedding, { rtol: 0, atol: 1e-7 }],
        'embedding (int32 tensor)': [te.embedding, EMBED_TOL],
      }),
  });
  return out;
}

// ---------------------------------------------------------------- vae
function vaeCases(): GoldenCase[] {
  const g = golden.vae;
  const encode = () => ({ loc: tf.tensor2d(g.mu), logVar: tf.tensor2d(g.logvar) });
  const decode = () => tf.tensor2d(g.x_logits);
  return [
    {
      pkg: 'vae',
      file: 'vae.json',
      name: 'elbo with the analytic KL: z = μ + σ·ε, KL, Bernoulli log-likelihood, ELBO, loss',
      run: () =>
        checks(
          () => {
            let z: tf.Tensor | undefined;
            const r = elbo({ x: g.x, encode, decode: (zt) => ((z = tf.keep(tf.clone(zt))), decode()), likelihood: bernoulliLogLikelihood, noise: g.eps });
            return { z_reparam: z!, kl_sum: r.kl, bernoulli_log_likelihood: r.reconstruction, elbo: r.elbo, '−loss': tf.neg(r.loss) };
          },
          {
            z_reparam: [g.z_reparam, ELBO_TOL],
            kl_sum: [g.kl_sum, ELBO_TOL],
            bernoulli_log_likelihood: [g.bernoulli_log_likelihood, TERMS_TOL],
            elbo: [g.elbo, TERMS_TOL],
            '−loss': [g.elbo_mean, TERMS_TOL],
          },
        ),
    },
    {
      pkg: 'vae',
      file: 'vae.json',
      name: 'elbo with the Monte Carlo KL on the stored ε: ELBO, log q(z|x), log p(z)',
      run: () =>
        checks(
          () => {
            const flat: Prior = { family: 'Flat', batchShape: [], eventShape: [5], support: 'real', sample: (s = []) => tf.zeros([...s, 5]), logProb: (z) => tf.zeros(z.shape.slice(0, -1)) };
            const mc = elbo({ x: g.x, encode, decode, likelihood: bernoulliLogLikelihood, noise: g.eps, analyticKl: false });
            // with log p(z) ≡ 0 the Monte Carlo KL is log q(z|x) itself
            const q = elbo({ x: g.x, encode, decode, likelihood: bernoulliLogLikelihood, noise: g.eps, prior: flat });
            return { elbo_mc_kl: mc.elbo, log_q_z: q.kl, log_p_z: standardNormalPrior([5]).logProb(tf.tensor2d(g.z_reparam)) };
          },
          { elbo_mc_kl: [g.elbo_mc_kl, TERMS_TOL], log_q_z: [g.log_q_z, TERMS_TOL], log_p_z: [g.log_p_z, TERMS_TOL] },
        ),
    },
    {
      pkg: 'vae',
      file: 'vae.json',
      name: 'KL to N(0, I) (klStandardNormal) and the Bernoulli decoder terms, logits up to ±50',
      run: () =>
        checks(
          () => ({
            kl_elementwise: klStandardNormal(g.mu, g.logvar),
            kl_sum: klStandardNormal(g.mu, g.logvar, { eventRank: 1 }),
            kl_mean_over_batch: tf.mean(klStandardNormal(g.mu, g.logvar, { eventRank: 1 })),
            bernoulli_log_likelihood_x_continuous: bernoulliLogLikelihood(g.x_continuous, g.x_logits),
            bce_sum_mean_over_batch: tf.neg(tf.mean(bernoulliLogLikelihood(g.x, g.x_logits))),
            'bernoulli_log_likelihood (crossEntropyBernoulli)': tf.neg(tf.sum(crossEntropyBernoulli({ probs: g.x }, { logits: g.x_logits }), -1)),
          }),
          {
            kl_elementwise: [g.kl_elementwise, TERMS_TOL],
            kl_sum: [g.kl_sum, TERMS_TOL],
            kl_mean_over_batch: [g.kl_mean_over_batch, TERMS_TOL],
            bernoulli_log_likelihood_x_continuous: [g.bernoulli_log_likelihood_x_continuous, TERMS_TOL],
            bce_sum_mean_over_batch: [g.bce_sum_mean_over_batch, TERMS_TOL],
            'bernoulli_log_likelihood (crossEntropyBernoulli)': [g.bernoulli_log_likelihood, TERMS_TOL],
          },
        ),
    },
    {
      pkg: 'vae',
      file: 'vae.json',
      name: 'logMeanExp of the IWAE log-weights (both axes)',
      run: () =>
        checks(() => ({ 'axis 0': logMeanExp(tf.transpose(tf.tensor2d(g.iwae.log_weights))), 'axis -1': logMeanExp(g.iwae.log_weights, -1) }), {
          'axis 0': [g.iwae.log_mean_exp, LME_TOL],
          'axis -1': [g.iwae.log_mean_exp, LME_TOL],
        }),
    },
  ];
}

// ---------------------------------------------------------------- adversarial
function ganCases(): GoldenCase[] {
  const g = golden.ganLosses;
  const gp = g.gradient_penalty;
  const real = () => tf.tensor1d(g.real_logits);
  const fake = () => tf.tensor1d(g.fake_logits);
  return [
    {
      pkg: 'adversarial',
      file: 'gan_losses.json',
      name: 'minimaxDiscriminatorLoss (BCE from logits up to ±100): value and gradients in the real and the fake logits',
      run: () =>
        checks(
          () => {
            const [gr, gf] = tf.grads((r: tf.Tensor, f: tf.Tensor) => minimaxDiscriminatorLoss(r, f))([real(), fake()]);
            return { d_loss_bce: minimaxDiscriminatorLoss(g.real_logits, g.fake_logits), d_loss_grad_real: gr!, d_loss_grad_fake: gf! };
          },
          { d_loss_bce: [g.d_loss_bce, TERMS_TOL], d_loss_grad_real: [g.d_loss_grad_real, TERMS_TOL], d_loss_grad_fake: [g.d_loss_grad_fake, TERMS_TOL] },
        ),
    },
    {
      pkg: 'adversarial',
      file: 'gan_losses.json',
      name: 'minimaxGeneratorLoss and nonSaturatingGeneratorLoss: values and gradients',
      run: () =>
        checks(
          () => ({
            g_loss_minimax: minimaxGeneratorLoss(g.fake_logits),
            g_loss_minimax_grad_fake: tf.grad((f: tf.Tensor) => minimaxGeneratorLoss(f))(fake()),
            g_loss_nonsaturating: nonSaturatingGeneratorLoss(g.fake_logits),
            g_loss_nonsaturating_grad_fake: tf.grad((f: tf.Tensor) => nonSaturatingGeneratorLoss(f))(fake()),
          }),
          {
            g_loss_minimax: [g.g_loss_minimax, TERMS_TOL],
            g_loss_minimax_grad_fake: [g.g_loss_minimax_grad_fake, TERMS_TOL],
            g_loss_nonsaturating: [g.g_loss_nonsaturating, TERMS_TOL],
            g_loss_nonsaturating_grad_fake: [g.g_loss_nonsaturating_grad_fake, TERMS_TOL],
          },
        ),
    },
    {
      pkg: 'adversarial',
      file: 'gan_losses.json',
      name: 'least-squares, hinge and Wasserstein losses (critic and generator)',
      run: () =>
        checks(
          () => ({
            lsgan_d_loss: leastSquaresDiscriminatorLoss(g.real_logits, g.fake_logits),
            lsgan_g_loss: leastSquaresGeneratorLoss(g.fake_logits),
            hinge_d_loss: hingeDiscriminatorLoss(g.real_logits, g.fake_logits),
            hinge_g_loss: hingeGeneratorLoss(g.fake_logits),
            wgan_critic_loss: wassersteinCriticLoss(g.real_logits, g.fake_logits),
            wgan_gen_loss: wassersteinGeneratorLoss(g.fake_logits),
          }),
          {
            lsgan_d_loss: [g.lsgan_d_loss, TERMS_TOL],
            lsgan_g_loss: [g.lsgan_g_loss, TERMS_TOL],
            hinge_d_loss: [g.hinge_d_loss, TERMS_TOL],
            hinge_g_loss: [g.hinge_g_loss, TERMS_TOL],
            wgan_critic_loss: [g.wgan_critic_loss, TERMS_TOL],
            wgan_gen_loss: [g.wgan_gen_loss, TERMS_TOL],
          },
        ),
    },
    {
      pkg: 'adversarial',
      file: 'gan_losses.json',
      name: 'gradientPenalty (WGAN-GP) on the stored critic and ε: D(real), D(fake), the penalty, the critic loss at λ = 10',
      run: () =>
        checks(
          () => {
            const critic = (x: tf.Tensor) => tf.reshape(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, tf.tensor2d(gp.W1)), tf.tensor1d(gp.b1))), tf.tensor2d(gp.w2)), gp.b2), [-1]);
            const [xr, xf, eps] = [tf.tensor2d(gp.x_real), tf.tensor2d(gp.x_fake), tf.tensor2d(gp.eps)];
            return {
              D_real: critic(xr),
              D_fake: critic(xf),
              gp: gradientPenalty(critic, xr, xf, { epsilon: eps, weight: 1 }),
              critic_loss_lambda10: tf.add(wassersteinCriticLoss(critic(xr), critic(xf)), gradientPenalty(critic, xr, xf, { epsilon: eps })),
            };
          },
          // gradient-penalty.test.ts: the critic loss sums O(1) terms
          { D_real: [gp.D_real, TERMS_TOL], D_fake: [gp.D_fake, TERMS_TOL], gp: [gp.gp, TERMS_TOL], critic_loss_lambda10: [gp.critic_loss_lambda10, { rtol: 1e-5, atol: 1e-5 }] },
        ),
    },
  ];
}

/** Every golden case, in a fixed order. */
export function goldenCases(): GoldenCase[] {
  return [...gumbelCases(), ...divergenceCases(), ...flowCases(), ...diffusionCases(), ...vaeCases(), ...ganCases()];
}
