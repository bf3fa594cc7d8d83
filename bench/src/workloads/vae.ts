// @genmod/vae's workloads, matching the peer's `vae_gaussian_train_step` and `vae_gumbel_softmax_train_step`
// (bench_torch.py: GaussVAE / wl_gauss_vae, GumbelVAE / wl_gumbel_vae): one Adam(1e-3) training step on a
// batch of 128 from the synthetic `binary_784` data (2048 rows, low-rank Bernoulli, cycled in order).
//   Gaussian: 784-400-(20, 20)-400-784 ReLU, Bernoulli logits, loss (BCE sum + analytic KL)/batch = −mean ELBO.
//   Gumbel:   enc 784-512-256-300, dec 300-256-512-784 ReLU, 30 × Cat(10), soft Gumbel-softmax τ = 1,
//             loss (BCE sum + KL(q ‖ Uniform(10)))/batch.
// Layers are initialized as torch.nn.Linear (U(±1/√fan_in) for weights and biases).
import { deriveSeed } from '@genmod-internal/core';
import * as tf from '@tensorflow/tfjs';
import { adam } from '../optimizer.js';
import { bernoulliLogLikelihood, discreteElbo, elbo } from '@genmod/vae';
import type { Workload } from '../workload.js';

const BATCH = 128;
const ROWS = BATCH * 16;

/** binary_784(n): z [n, 16] ~ N(0, 1), W [16, 784] ~ 0.7·N(0, 1), x ~ Bernoulli(σ(z·W − 1)); the peer's generator, with tfjs seeds. */
function binary784(n: number, seed = 1): tf.Tensor2D {
  return tf.tidy(() => {
    const z = tf.randomNormal([n, 16], 0, 1, 'float32', deriveSeed(seed, 'z'));
    const w = tf.mul(tf.randomNormal([16, 784], 0, 1, 'float32', deriveSeed(seed, 'w')), 0.7);
    const p = tf.sigmoid(tf.sub(tf.matMul(z, w), 1));
    return tf.cast(tf.less(tf.randomUniform([n, 784], 0, 1, 'float32', deriveSeed(seed, 'pixels')), p), 'float32') as tf.Tensor2D;
  });
}

interface Linear {
  w: tf.Variable;
  b: tf.Variable;
}
let layerSeed = 100;
function linear(inputs: number, outputs: number): Linear {
  const bound = 1 / Math.sqrt(inputs);
  return tf.tidy(() => ({
    w: tf.variable(tf.randomUniform([inputs, outputs], -bound, bound, 'float32', layerSeed++)),
    b: tf.variable(tf.randomUniform([outputs], -bound, bound, 'float32', layerSeed++)),
  }));
}
const apply = (l: Linear, x: tf.Tensor) => tf.add(tf.matMul(x, l.w), l.b);
const mlp = (layers: Linear[], x: tf.Tensor) => layers.reduce((h, l, i) => (i < layers.length - 1 ? tf.relu(apply(l, h)) : apply(l, h)), x);

/** The shared loop: batches cycled in order (BatchIter), one minimize per step, the loss read back. */
function trainStep(name: string, description: string, build: () => { layers: Linear[]; loss: (x: tf.Tensor, step: number) => tf.Scalar }): Workload {
  return {
    name,
    description,
    setup() {
      const data = binary784(ROWS);
      const batches = tf.split(data, ROWS / BATCH, 0);
      data.dispose();
      const { layers, loss } = build();
      const vars = layers.flatMap((l) => [l.w, l.b]);
      const optimizer = adam(1e-3, 0.9, 0.999);
      let i = 0;
      return {
        step(iteration: number) {
          const x = batches[i]!;
          i = (i + 1) % batches.length;
          const value = optimizer.minimize(() => loss(x, iteration), true, vars)!;
          const v = value.dataSync()[0]!;
          value.dispose();
          return v;
        },
        dispose() {
          tf.dispose([...batches, ...vars]);
          optimizer.dispose();
        },
      };
    },
  };
}

const gaussian = trainStep('vae_gaussian_train_step', 'Gaussian VAE 784-400-(20,20)-400-784, Bernoulli, Adam 1e-3, batch 128: one training step', () => {
  const fc1 = linear(784, 400);
  const fcMu = linear(400, 20);
  const fcLv = linear(400, 20);
  const fc3 = linear(20, 400);
  const fc4 = linear(400, 784);
  const encode = (x: tf.Tensor) => {
    const h = tf.relu(apply(fc1, x));
    return { loc: apply(fcMu, h), logVar: apply(fcLv, h) };
  };
  const decode = (z: tf.Tensor) => apply(fc4, tf.relu(apply(fc3, z)));
  return {
    layers: [fc1, fcMu, fcLv, fc3, fc4],
    // fresh noise every step, as the peer's torch.randn_like
    loss: (x, step) => elbo({ x, encode, decode, likelihood: bernoulliLogLikelihood, seed: step }).loss,
  };
});

const gumbel = trainStep('vae_gumbel_softmax_train_step', 'Gumbel-softmax VAE 784-512-256-30×10, soft τ = 1, uniform prior, Adam 1e-3, batch 128: one training step', () => {
  const N = 30;
  const K = 10;
  const enc = [linear(784, 512), linear(512, 256), linear(256, N * K)];
  const dec = [linear(N * K, 256), linear(256, 512), linear(512, 784)];
  const encode = (x: tf.Tensor) => tf.reshape(mlp(enc, x), [-1, N, K]);
  const decode = (y: tf.Tensor) => mlp(dec, tf.reshape(y, [-1, N * K]));
  return {
    layers: [...enc, ...dec],
    loss: (x, step) => discreteElbo({ x, encode, decode, likelihood: bernoulliLogLikelihood, temperature: 1, seed: step }).loss,
  };
});

export const vaeWorkloads: Workload[] = [gaussian, gumbel];
