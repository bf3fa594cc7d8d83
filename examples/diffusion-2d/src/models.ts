/**
 * What main.ts (DDPM / DDIM pictures) and quality.ts (quality per network evaluation) share: the 2-D
 * datasets, the MLP (an ε-prediction denoiser, or a flow-matching velocity field of the same size) and the
 * training loop, so that both scripts train the same network the same way.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '@genmod-internal/core';
import { sinusoidalTimestepEmbedding } from '@genmod/diffusion';

/** Training points per dataset. */
export const N_DATA = 4096;
/** Minibatch size. */
export const BATCH = 256;
/** Width of the MLP's hidden layers. */
export const HIDDEN = 64;
/** Dimension of the sinusoidal time embedding. */
export const TEMB = 16;
/** Adam's learning rate. */
export const LEARNING_RATE = 2e-3;

/** A 2-D dataset: `sample(n, seed)` draws n points (standardized with the law's own mean and sd, not the sample's). */
export interface Dataset {
  name: string;
  label: string;
  sample(n: number, seed: number): number[][];
}

const standardNormal = (u: () => number) => () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

/**
 * Two moons with Gaussian noise (sd `noise`), moons interleaved (any slice has both), standardized per column
 * with the law's exact moments: mean (1/2, 1/4), variances 3/4 + noise² and 9/16 − 1/π + noise².
 */
export function twoMoons(n: number, noise: number, seed: number): number[][] {
  const u = mulberry32(seed);
  const normal = standardNormal(u);
  const sx = Math.sqrt(0.75 + noise * noise);
  const sy = Math.sqrt(9 / 16 - 1 / Math.PI + noise * noise);
  return Array.from({ length: n }, (_, i) => {
    const t = u() * Math.PI;
    const [a, b] = i % 2 === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    return [(a + noise * normal() - 0.5) / sx, (b + noise * normal() - 0.25) / sy];
  });
}

/**
 * The checkerboard of FFJORD (Grathwohl et al. 2019): uniform on the 8 black squares of a 4 × 4 board on
 * [−2, 2)², divided by its sd √(4/3) (both marginals are U(−2, 2)).
 */
export function checkerboard(n: number, seed: number): number[][] {
  const u = mulberry32(seed);
  const s = Math.sqrt(4 / 3);
  return Array.from({ length: n }, () => {
    const x = 4 * u() - 2;
    const y = u() - (u() < 0.5 ? 0 : 2) + (((Math.floor(x) % 2) + 2) % 2);
    return [x / s, y / s];
  });
}

/** The datasets of the quality run. */
export const DATASETS: Dataset[] = [
  { name: 'moons', label: 'two moons (noise 0.05)', sample: (n, seed) => twoMoons(n, 0.05, seed) },
  { name: 'checkerboard', label: 'checkerboard (8 squares)', sample: (n, seed) => checkerboard(n, seed) },
];

/** A network over (x `[B, 2]`, time `[B]`) → `[B, 2]` and the Variables it owns. */
export interface Mlp {
  net: (x: tf.Tensor, t: tf.Tensor) => tf.Tensor;
  vars: tf.Variable[];
}

/**
 * The MLP over [x_t, MLP(embedding(timeScale·t))] with SiLU: three hidden layers of {@link HIDDEN}, plain
 * functions over tf.Variables, initialized from fixed seeds (every call starts from the same weights).
 * `timeScale` maps the network's time to the embedding's: 1 for the diffusion timesteps 0 … 999, 1000 for
 * the flow's t ∈ [0, 1], so both see the same frequencies.
 */
export function makeMlp(timeScale = 1): Mlp {
  let seed = 10;
  const linear = (i: number, o: number) =>
    tf.tidy(() => {
      const bound = 1 / Math.sqrt(i);
      return { w: tf.variable(tf.randomUniform([i, o], -bound, bound, 'float32', seed++)), b: tf.variable(tf.randomUniform([o], -bound, bound, 'float32', seed++)) };
    });
  const L = { t1: linear(TEMB, HIDDEN), t2: linear(HIDDEN, HIDDEN), inp: linear(2, HIDDEN), l1: linear(HIDDEN, HIDDEN), l2: linear(HIDDEN, HIDDEN), l3: linear(HIDDEN, HIDDEN), out: linear(HIDDEN, 2) };
  const silu = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x));
  const apply = (l: { w: tf.Variable; b: tf.Variable }, x: tf.Tensor) => tf.add(tf.matMul(x, l.w), l.b);
  const net = (xt: tf.Tensor, t: tf.Tensor) =>
    tf.tidy(() => {
      const time = timeScale === 1 ? t : tf.mul(t, timeScale);
      const e = apply(L.t2, silu(apply(L.t1, sinusoidalTimestepEmbedding(time, TEMB))));
      let h = silu(tf.add(apply(L.inp, xt), e));
      h = silu(apply(L.l1, h));
      h = silu(apply(L.l2, h));
      h = silu(apply(L.l3, h));
      return apply(L.out, h);
    });
  return { net, vars: Object.values(L).flatMap((l) => [l.w, l.b]) };
}

/** The training budget: the same for every model of a run. */
export interface TrainOptions {
  steps: number;
  batch?: number;
  learningRate?: number;
  /** a label for the progress lines; none: silent */
  log?: string;
}

/**
 * Adam on `loss(x0, step)` over minibatches of `data` (contiguous slices at positions from a fixed stream, so
 * every model of a run sees the same batches in the same order); the loss gets the step as its seed.
 * @returns the seconds taken and the last EMA of the loss
 */
export function train(loss: (x0: tf.Tensor, step: number) => tf.Scalar, vars: tf.Variable[], data: tf.Tensor2D, options: TrainOptions): { seconds: number; loss: number } {
  const batch = options.batch ?? BATCH;
  const optimizer = tf.train.adam(options.learningRate ?? LEARNING_RATE);
  const n = data.shape[0];
  const order = mulberry32(3);
  const t0 = performance.now();
  let ema = Number.NaN;
  for (let step = 0; step < options.steps; step++) {
    const start = Math.floor(order() * (n - batch));
    const x0 = tf.slice(data, [start, 0], [batch, 2]);
    const value = optimizer.minimize(() => loss(x0, step), true, vars)!;
    const v = value.dataSync()[0]!;
    ema = Number.isNaN(ema) ? v : 0.98 * ema + 0.02 * v;
    tf.dispose([x0, value]);
    if (options.log && (step + 1) % 500 === 0) console.log(`${options.log} step ${step + 1}: loss (EMA) ${ema.toFixed(4)}`);
  }
  optimizer.dispose();
  return { seconds: (performance.now() - t0) / 1000, loss: ema };
}
