// @genmod/diffusion's real workload, matching the peer's `ddpm_2d_train_step` (wl_ddpm in bench_torch.py):
// linear schedule 1e-4..0.02 with T = 1000, ε-prediction, MSE, uniform t; the MLP denoiser
//   e = Linear(32→128) → SiLU → Linear(128→128) of the sinusoidal-32 embedding of t,
//   h = Linear(2→128)(x) + e,  h = SiLU(l1(SiLU(h))),  h = SiLU(l2(h)),  h = SiLU(l3(h)),  out = Linear(128→2)(h)
// (PyTorch's default init), Adam lr 1e-3, batch 512 of standardized two-moons data (16 batches, cycled).
// Built from the package's public API: diffusionLoss (which draws t and ε and forms x_t like qSample) and
// sinusoidalTimestepEmbedding; the network is plain functions over tf.Variables.
import { deriveSeed } from '@genmod-internal/core';
import * as tf from '@tensorflow/tfjs';
import { adam } from '../optimizer.js';
import { diffusionLoss, linearSchedule, sinusoidalTimestepEmbedding } from '@genmod/diffusion';
import type { Workload } from '../workload.js';
import { twoMoons } from '../data.js';



/** nn.Linear with PyTorch's default init: W, b ~ U(−1/√fan_in, 1/√fan_in). */
function linear(fanIn: number, fanOut: number, seed: number): { w: tf.Variable; b: tf.Variable } {
  const bound = 1 / Math.sqrt(fanIn);
  // inside a tidy: the initial values are freed, the variables (copies) are kept
  return tf.tidy(() => ({
    w: tf.variable(tf.randomUniform([fanIn, fanOut], -bound, bound, 'float32', deriveSeed(seed, 'w'))),
    b: tf.variable(tf.randomUniform([fanOut], -bound, bound, 'float32', deriveSeed(seed, 'b'))),
  }));
}

const silu = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x));
const apply = (l: { w: tf.Variable; b: tf.Variable }, x: tf.Tensor) => tf.add(tf.matMul(x, l.w), l.b);

/**
 * The workload's denoiser, also used by the sampler-step probe (probes.ts): ε̂ = f(x_t, t) over tf.Variables,
 * PyTorch's default init with fixed seeds.
 */
export function ddpmDenoiser(): { denoiser: (xt: tf.Tensor, t: tf.Tensor) => tf.Tensor; vars: tf.Variable[]; dispose(): void } {
  const layers = {
    t1: linear(32, 128, 1),
    t2: linear(128, 128, 2),
    inp: linear(2, 128, 3),
    l1: linear(128, 128, 4),
    l2: linear(128, 128, 5),
    l3: linear(128, 128, 6),
    out: linear(128, 2, 7),
  };
  const vars = Object.values(layers).flatMap((l) => [l.w, l.b]);
  const denoiser = (xt: tf.Tensor, t: tf.Tensor) => {
    const e = apply(layers.t2, silu(apply(layers.t1, sinusoidalTimestepEmbedding(t, 32))));
    let h = tf.add(apply(layers.inp, xt), e);
    h = silu(apply(layers.l1, silu(h)));
    h = silu(apply(layers.l2, h));
    h = silu(apply(layers.l3, h));
    return apply(layers.out, h);
  };
  return { denoiser, vars, dispose: () => tf.dispose(vars) };
}

export function ddpmTrainStep(): Workload {
  return {
    name: 'ddpm_2d_train_step',
    description: 'DDPM train step: 2-D two moons, batch 512, T = 1000 linear, ε-MSE, MLP 128 × 3 + sinusoidal-32 time MLP, Adam 1e-3',
    setup() {
      const T = 1000;
      const batch = 512;
      const nBatches = 16;
      const schedule = linearSchedule(T, { betaStart: 1e-4, betaEnd: 0.02 });
      const data = tf.tensor2d(twoMoons(batch * nBatches), [batch * nBatches, 2]);
      const batches = tf.split(data, nBatches, 0);
      data.dispose();
      const { denoiser, vars } = ddpmDenoiser();
      const optimizer = adam(1e-3, 0.9, 0.999, 1e-8);
      return {
        step(iteration: number) {
          const x0 = batches[iteration % nBatches]!;
          // a seed per step: fresh t and ε every iteration, as the peer's randint / randn_like
          const loss = optimizer.minimize(() => diffusionLoss(denoiser, x0, schedule, { seed: iteration }), true, vars)!;
          const value = loss.dataSync()[0]!;
          loss.dispose();
          return value;
        },
        dispose() {
          tf.dispose([...batches, ...vars]);
          optimizer.dispose();
          schedule.dispose();
        },
      };
    },
  };
}

export const diffusionWorkloads: Workload[] = [ddpmTrainStep()];
