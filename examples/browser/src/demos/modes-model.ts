/**
 * The mode-covering / mode-seeking demo's model, without the page: one Gaussian N(μ, σ²) fitted by Adam to a
 * two-Gaussian mixture π, by the forward KL(π‖p) (samples of π scored by p: mass wherever π has some, so it
 * straddles both modes) and by the reverse KL(p‖π) (reparameterized samples of p scored by π: punished for mass
 * where π has none, so it locks onto one mode), both Monte Carlo estimates from @genmod/divergences'
 * monteCarloKl with a fresh seed per step.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, monteCarloKl, type Distribution } from '@genmod/divergences';
import { Normal } from '@genmod/reparam';

export const WEIGHTS = [0.5, 0.5];
export const LOCS = [-2, 2];
export const SCALES = [0.5, 0.5];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** N(loc, scale²) from @genmod/reparam, with reparameterized draws: it fits divergences' monteCarloKl as it is. */
export const normal = (loc: tf.Tensor, scale: tf.Tensor): Distribution => new Normal({ loc, scale });

/** The target π = Σ w_k N(μ_k, σ_k²), drawn by ancestral sampling. */
export const target: Distribution = {
  // a hand-written law: the contract's family, shapes and support, and the one seed scheme for its streams
  family: 'GaussianMixture',
  batchShape: [],
  eventShape: [],
  support: 'real',
  sample: (shape = [], o = {}) => {
    const seed = o.seed ?? Math.random();
    const k = tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', deriveSeed(seed, 'component')), WEIGHTS[0]!), 'float32');
    const loc = tf.add(LOCS[0]!, tf.mul(k, LOCS[1]! - LOCS[0]!));
    const scale = tf.add(SCALES[0]!, tf.mul(k, SCALES[1]! - SCALES[0]!));
    return tf.add(loc, tf.mul(scale, tf.randomNormal(shape, 0, 1, 'float32', deriveSeed(seed, 'eps'))));
  },
  logProb: (x) => {
    const z = tf.div(tf.sub(tf.expandDims(x, -1), LOCS), SCALES);
    const comp = tf.sub(tf.sub(tf.mul(tf.square(z), -0.5), tf.log(tf.tensor1d(SCALES))), HALF_LOG_2PI);
    return tf.logSumExp(tf.add(comp, tf.log(tf.tensor1d(WEIGHTS))), -1);
  },
};

/** The forward-KL optimum in closed form: moment matching. */
export const momentMatch = (() => {
  const mean = WEIGHTS.reduce((a, w, k) => a + w * LOCS[k]!, 0);
  return { mu: mean, sigma: Math.sqrt(WEIGHTS.reduce((a, w, k) => a + w * (SCALES[k]! ** 2 + LOCS[k]! ** 2), 0) - mean ** 2) };
})();

export interface Fit {
  name: string;
  color: string;
  /** one Adam step with the Monte Carlo estimate at seed `seed`; returns the estimate, yours to dispose */
  step(seed: number): tf.Scalar;
  /** the current μ and σ */
  params(): Promise<{ mu: number; sigma: number }>;
  dispose(): void;
}

function makeFit(name: string, color: string, objective: (p: Distribution, seed: number) => tf.Scalar): Fit {
  const mu = tf.tidy(() => tf.variable(tf.scalar(0.8))); // the tidy frees the initial value, not the variable
  const logSigma = tf.tidy(() => tf.variable(tf.scalar(0)));
  const optimizer = tf.train.adam(0.08);
  return {
    name,
    color,
    step: (seed) => tf.tidy(() => optimizer.minimize(() => objective(normal(mu, tf.exp(logSigma)), seed), true, [mu, logSigma])!),
    params: async () => ({ mu: (await mu.data())[0]!, sigma: Math.exp((await logSigma.data())[0]!) }),
    dispose: () => {
      tf.dispose([mu, logSigma]);
      optimizer.dispose();
    },
  };
}

/** The two fits: forward KL (mode covering) and reverse KL (mode seeking). */
export function createFits(samples = 512): [Fit, Fit] {
  return [
    makeFit('forward KL(π‖p): mode covering', '#d62728', (p, seed) => monteCarloKl(target, p, { samples, seed }).estimate as tf.Scalar),
    makeFit('reverse KL(p‖π): mode seeking', '#1f77b4', (p, seed) => monteCarloKl(p, target, { samples, seed }).estimate as tf.Scalar),
  ];
}
