import * as tf from '@tensorflow/tfjs-core';
import * as adv from '@genmod/adversarial';
import { type Adapter, type Tolerance, describeDifferential } from './harness.js';

// The penalties differentiate a gradient (∂/∂W, ∂/∂v of a function of ∇ₓD): tfjs 4.22 drops a term of tanh's
// second derivative unless the package's correct higher-order gradients are on (its documented requirement).
adv.enableHigherOrderGradients();

const num = (t: tf.Tensor) => t.dataSync()[0]!;

/** f(x) = Σⱼ tanh(x·W)ⱼ vⱼ with x flattened to [B, d]: the critic the references differentiate in torch. */
const critic = (W: tf.Tensor, v: tf.Tensor) => (x: tf.Tensor) => tf.sum(tf.mul(tf.tanh(tf.matMul(tf.reshape(x, [x.shape[0]!, -1]), W)), v), 1);

/** a(z) = σ(z) + elu(z) + softplus(z) + leakyRelu(z, 0.2) + 0.1·z³ (Pow): the second derivatives tfjs gets wrong or refuses. */
const mixedCritic = (W: tf.Tensor, v: tf.Tensor) => (x: tf.Tensor) => {
  const z = tf.matMul(tf.reshape(x, [x.shape[0]!, -1]), W);
  const a = tf.addN([tf.sigmoid(z), tf.elu(z), tf.softplus(z), tf.leakyRelu(z, 0.2), tf.mul(tf.pow(z, 3), 0.1)]);
  return tf.sum(tf.mul(a, v), 1);
};

// Base tolerances, documented:
// - the losses are means of closed-form terms (softplus / logsigmoid, squares, relu): a few ulps of each term
//   (rtol 1e-5), atol 1e-5 for means that cancel to ~0, k 4 for the rounding of the inputs;
// - the penalties go through a matMul over d (up to 512) and h terms, a norm over d terms and double backward:
//   sums over n terms, rtol 1e-4, atol 1e-5, k 8;
// - spectralNorm: σ = vᵀWu is a sum over m·n terms after float32 power iteration, rtol 1e-4, atol 1e-5, k 8
//   (the singular vector's sensitivity to the spectral gap is in cond: the reference's own svd derivatives);
// - clipWeights is exact (a comparison and a select): rtol 1e-11 only for the 12 significant digits the
//   reference file stores (a float32 ulp is 6e-8), no atol, no cond;
// - AVB: means of closed-form terms, as the losses.
const LOSS: Tolerance = { rtol: 1e-5, atol: 1e-5, k: 4 };
const PENALTY: Tolerance = { rtol: 1e-4, atol: 1e-5, k: 8 };
const SPECTRAL: Tolerance = { rtol: 1e-4, atol: 1e-5, k: 8 };
const EXACT: Tolerance = { rtol: 1e-11, atol: 0, k: 0 };

type Pair = (r: tf.Tensor, f: tf.Tensor) => tf.Scalar;
type Single = (f: tf.Tensor) => tf.Scalar;
const pair = (f: Pair): Adapter => ({ tol: LOSS, run: (i) => f(i.real!, i.fake!) });
const single = (f: Single): Adapter => ({ tol: LOSS, run: (i) => f(i.fake!) });

const ganLosses: Record<string, adv.GanLoss> = {
  minimaxLoss: adv.minimaxLoss, nonSaturatingLoss: adv.nonSaturatingLoss, logRatioLoss: adv.logRatioLoss,
  leastSquaresLoss: adv.leastSquaresLoss, hingeLoss: adv.hingeLoss, wassersteinLoss: adv.wassersteinLoss,
};

function spectral(part: 'sigma' | 'weight' | 'u'): Adapter {
  return {
    tol: SPECTRAL,
    run: (i, d) => {
      const r = adv.spectralNorm(i.W!, i.u!, { iterations: num(d.iterations!) });
      return r[part];
    },
  };
}

const ADAPTERS: Record<string, Adapter> = {
  minimaxDiscriminatorLoss: pair(adv.minimaxDiscriminatorLoss),
  leastSquaresDiscriminatorLoss: pair(adv.leastSquaresDiscriminatorLoss),
  hingeDiscriminatorLoss: pair(adv.hingeDiscriminatorLoss),
  wassersteinCriticLoss: pair(adv.wassersteinCriticLoss),
  minimaxGeneratorLoss: single(adv.minimaxGeneratorLoss),
  nonSaturatingGeneratorLoss: single(adv.nonSaturatingGeneratorLoss),
  logRatioGeneratorLoss: single(adv.logRatioGeneratorLoss),
  leastSquaresGeneratorLoss: single(adv.leastSquaresGeneratorLoss),
  hingeGeneratorLoss: single(adv.hingeGeneratorLoss),
  wassersteinGeneratorLoss: single(adv.wassersteinGeneratorLoss),
  ...Object.fromEntries(
    Object.entries(ganLosses).flatMap(([name, l]) => [
      [`${name}.discriminator`, pair((r, f) => l.discriminator(r, f))],
      [`${name}.generator`, single((f) => l.generator(f))],
    ]),
  ),
  gradientPenalty: {
    tol: PENALTY,
    run: (i) => adv.gradientPenalty(critic(i.W!, i.v!), i.real!, i.fake!, { epsilon: i.epsilon!, target: num(i.target!), weight: num(i.weight!) }),
  },
  'gradientPenalty(mixed activations)': {
    tol: PENALTY,
    run: (i) => adv.gradientPenalty(mixedCritic(i.W!, i.v!), i.real!, i.fake!, { epsilon: i.epsilon!, target: num(i.target!), weight: num(i.weight!) }),
  },
  'r1Penalty(mixed activations)': { tol: PENALTY, run: (i) => adv.r1Penalty(mixedCritic(i.W!, i.v!), i.real!, { weight: num(i.weight!) }) },
  r1Penalty: { tol: PENALTY, run: (i) => adv.r1Penalty(critic(i.W!, i.v!), i.real!, { weight: num(i.weight!) }) },
  r2Penalty: { tol: PENALTY, run: (i) => adv.r2Penalty(critic(i.W!, i.v!), i.fake!, { weight: num(i.weight!) }) },
  clipWeights: {
    tol: EXACT,
    run: (i) => {
      const v = tf.variable(tf.clone(i.w!));
      adv.clipWeights([v], num(i.c!));
      const out = tf.clone(v);
      v.dispose();
      return out;
    },
  },
  'spectralNorm.sigma': spectral('sigma'),
  'spectralNorm.weight': spectral('weight'),
  'spectralNorm.u': spectral('u'),
  // the training-time default: one power-iteration step from the given u (Miyato et al. 2018, Algorithm 1)
  'spectralNorm.sigma(1 step)': spectral('sigma'),
  'spectralNorm.weight(1 step)': spectral('weight'),
  avbDiscriminatorLoss: { tol: LOSS, run: (i) => adv.avbDiscriminatorLoss(i.posterior!, i.prior!) },
  avbKl: { tol: LOSS, run: (i) => adv.avbKl(i.posterior!) },
  avbElbo: { tol: LOSS, run: (i) => adv.avbElbo(i.logLikelihood!, i.posterior!) },
};

describeDifferential('adversarial', ADAPTERS);
