// @genmod/adversarial's workload, matching the peer's `wgan_gp_critic_step` (bench_torch.py, wl_wgan_gp):
// one WGAN-GP critic update on a batch of 256 standardized two-moons points (cycled in order):
//   critic D 2-128-128-1 LeakyReLU(0.2), generator G 2-128-128-2 ReLU (PyTorch nn.Linear init),
//   fake = G(z), z ~ N(0, I), forward without gradients (inside the timing),
//   loss = E D(fake) − E D(real) + 10·E(‖∇D(x̂)‖₂ − 1)², x̂ = εx + (1 − ε)x̃, ε ~ U(0, 1) per example,
//   Adam(lr 1e-4, β = (0.5, 0.9)) on D's variables.
// The penalty differentiates a gradient through LeakyReLU, which tfjs 4.22 cannot do by itself:
// enableHigherOrderGradients() is on for the workload and restored after it.
// Most of tfjs's time here is its MatMul gradient, which multiplies with transposeA/transposeB: on wasm those
// paths are 14-19x slower than an explicit transpose + plain matMul. main.ts times this workload both with tfjs's
// gradient and with enableFastMatMulGradient (@genmod/backend), which apps get from chooseBackend on wasm.
import { deriveSeed } from '@genmod-internal/core';
import * as tf from '@tensorflow/tfjs';
import { adam } from '../optimizer.js';
import { discriminatorStep, enableHigherOrderGradients, gradientPenalty, wassersteinLoss } from '@genmod/adversarial';
import type { Workload } from '../workload.js';
import { twoMoons } from '../data.js';


/** An MLP over tf.Variables with nn.Linear's U(±1/√fan_in) init for weights and biases. */
function mlp(sizes: number[], act: (h: tf.Tensor) => tf.Tensor, seed: number) {
  const vars = tf.tidy(() =>
    sizes.slice(1).flatMap((out, l) => {
      const b = 1 / Math.sqrt(sizes[l]!);
      return [tf.variable(tf.randomUniform([sizes[l]!, out], -b, b, 'float32', deriveSeed(seed, 'layer', l, 'w'))), tf.variable(tf.randomUniform([out], -b, b, 'float32', deriveSeed(seed, 'layer', l, 'b')))];
    }),
  );
  const f = (x: tf.Tensor) => {
    let h = x;
    for (let l = 0; l < sizes.length - 1; l++) {
      h = tf.add(tf.matMul(h, vars[2 * l]!), vars[2 * l + 1]!);
      if (l < sizes.length - 2) h = act(h);
    }
    return h;
  };
  return { f, vars };
}

const wganGpCriticStep: Workload = {
  name: 'wgan_gp_critic_step',
  description: 'WGAN-GP critic update: D 2-128-128-1 LeakyReLU(0.2), G 2-128-128-2 ReLU forward (no grad), λ = 10, Adam 1e-4 (0.5, 0.9), batch 256',
  setup() {
    const restore = enableHigherOrderGradients();
    const batch = 256;
    const nBatches = 32; // the peer's X2 = two_moons(512·16), batches of 256 in order
    const data = tf.tensor2d(twoMoons(batch * nBatches, 2), [batch * nBatches, 2]);
    const critic = mlp([2, 128, 128, 1], (h) => tf.leakyRelu(h, 0.2), 300);
    const generator = mlp([2, 128, 128, 2], tf.relu, 400);
    const optimizer = adam(1e-4, 0.5, 0.9);
    return {
      step(iteration: number) {
        const loss = tf.tidy(() => {
          const real = tf.slice(data, [(iteration % nBatches) * batch, 0], [batch, 2]);
          const noise = tf.randomNormal([batch, 2], 0, 1, 'float32', 2 * iteration + 1);
          return discriminatorStep({
            discriminator: critic.f,
            discriminatorVariables: critic.vars,
            generator: generator.f,
            noise,
            real,
            optimizer,
            loss: wassersteinLoss,
            penalty: ({ discriminator, real: x, fake, seed }) => gradientPenalty(discriminator, x, fake, { seed, weight: 10 }),
            seed: 2 * iteration + 2,
          }).loss;
        });
        const value = loss.dataSync()[0]!;
        loss.dispose();
        return value;
      },
      dispose() {
        tf.dispose([data, ...critic.vars, ...generator.vars]);
        optimizer.dispose();
        restore();
      },
    };
  },
};

export const adversarialWorkloads: Workload[] = [wganGpCriticStep];
