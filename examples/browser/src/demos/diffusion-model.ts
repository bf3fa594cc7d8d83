/**
 * The diffusion demo's model, without the page. The data are a ring of eight Gaussians, for which the optimal
 * ε-predictor is known in closed form, so nothing needs training:
 *
 *   p_t(x) = Σ_k w_k N(x; √ᾱ_t μ_k, s_t² I),   s_t² = ᾱ_t σ² + 1 − ᾱ_t,
 *   ε*(x, t) = −√(1 − ᾱ_t) ∇ log p_t(x) = −√(1 − ᾱ_t) Σ_k r_k(x) (√ᾱ_t μ_k − x) / s_t²,
 *
 * with r_k(x) the posterior responsibility of component k (equal weights).
 */
import * as tf from '@tensorflow/tfjs';
import { linearSchedule, linspaceTimesteps, respace, type Denoiser, type Schedule } from '@genmod/diffusion';

export const MODES = 8;
export const RADIUS = 2;
export const SIGMA = 0.12;

export interface RingModel {
  /** the mode centres μ_k */
  means: number[][];
  /** the sampling schedule: `steps` of a linear T = 1000 schedule (linspace-respaced) */
  schedule: Schedule;
  /** the exact ε-predictor; it sees the original timesteps (0 … 999) */
  denoiser: Denoiser;
  /** mean distance from each point of `x` [N, 2] to its nearest mode centre */
  distanceToModes(x: ArrayLike<number>): number;
  dispose(): void;
}

export function createRingModel(steps = 100): RingModel {
  const base = linearSchedule(1000);
  const schedule = respace(base, linspaceTimesteps(1000, steps));
  const means = Array.from({ length: MODES }, (_, k) => [RADIUS * Math.cos((2 * Math.PI * k) / MODES), RADIUS * Math.sin((2 * Math.PI * k) / MODES)]);
  const mu = tf.tensor2d(means); // [K, 2]
  const alphaBar = tf.tensor1d(Float32Array.from(base.alphasCumprod)); // indexed by the original timestep
  const denoiser: Denoiser = (xt, t) =>
    tf.tidy(() => {
      const ab = tf.reshape(tf.gather(alphaBar, t), [-1, 1, 1]); // [B, 1, 1]
      const s2 = tf.add(tf.mul(ab, SIGMA * SIGMA), tf.sub(1, ab));
      const diff = tf.sub(tf.mul(tf.sqrt(ab), tf.expandDims(mu, 0)), tf.expandDims(xt, 1)); // [B, K, 2]
      const logits = tf.div(tf.mul(tf.sum(tf.square(diff), -1, true), -0.5), s2); // [B, K, 1]
      const r = tf.softmax(tf.reshape(logits, [-1, MODES])); // [B, K]
      const score = tf.div(tf.sum(tf.mul(tf.expandDims(r, -1), diff), 1), tf.reshape(s2, [-1, 1])); // [B, 2]
      return tf.mul(tf.neg(tf.sqrt(tf.sub(1, tf.reshape(ab, [-1, 1])))), score);
    });
  return {
    means,
    schedule,
    denoiser,
    distanceToModes: (x) => {
      let total = 0;
      const n = x.length / 2;
      for (let i = 0; i < n; i++) total += Math.min(...means.map(([a, b]) => Math.hypot(x[2 * i]! - a!, x[2 * i + 1]! - b!)));
      return total / n;
    },
    dispose: () => {
      tf.dispose([mu, alphaBar]);
      schedule.dispose();
      base.dispose();
    },
  };
}
