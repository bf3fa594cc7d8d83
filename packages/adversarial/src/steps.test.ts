import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { gradientPenalty } from './gradient-penalty.js';
import { nonSaturatingLoss, wassersteinLoss } from './gan-loss.js';
import { discriminatorStep } from './discriminator-step.js';
import { generatorStep } from './generator-step.js';

const read = (vs: tf.Variable[]) => vs.map((v) => Array.from(v.dataSync()));

describe('discriminatorStep and generatorStep', () => {
  it('one SGD step of the discriminator is exactly φ − η∇φ L_D, and only φ moves', () => {
    // D(x) = x·w, w = 0: L_D = −E log σ(x·w) − E log(1 − σ(x̃·w)) has ∇_w = −½ E x + ½ E x̃ at w = 0
    const w = tf.variable(tf.zeros([2, 1]));
    const a = tf.variable(tf.ones([2, 2]));
    const real = tf.tensor2d([[1, 2], [3, 4]]);
    const noise = tf.tensor2d([[1, 0], [0, 1]]);
    const generator = (z: tf.Tensor) => tf.matMul(z, a); // x̃ = z·a = [[1, 1], [1, 1]]
    const opt = tf.train.sgd(0.1);
    const r = expectNoLeaks(() => discriminatorStep({ discriminator: (x) => tf.matMul(x, w), discriminatorVariables: [w], optimizer: opt, loss: nonSaturatingLoss, real, generator, noise }));
    expectClose(r.loss, 2 * Math.LN2, { rtol: 1e-6 });
    expect(r.penalty).toBeUndefined();
    // ∇_w = −½(2, 3) + ½(1, 1) = (−0.5, −1): w ← (0.05, 0.1)
    expectClose(w, [[0.05], [0.1]], { rtol: 1e-5 });
    expect(read([a])).toEqual([[1, 1, 1, 1]]);
    tf.dispose([w, a, real, noise, r.loss]);
    opt.dispose();
  });

  it('one SGD step of the generator is exactly θ − η∇θ L_G, and the discriminator does not move', () => {
    // G(z) = z·a, D(x) = x·w: L_G (Wasserstein) = −E z·a·w, ∇_a = −E zᵀ wᵀ
    const a = tf.variable(tf.ones([1, 2]));
    const w = tf.variable(tf.tensor2d([[1], [-2]]));
    const noise = tf.tensor2d([[1], [3]]);
    const opt = tf.train.sgd(0.1);
    const loss = expectNoLeaks(() => generatorStep({ generator: (z) => tf.matMul(z, a), generatorVariables: [a], discriminator: (x) => tf.matMul(x, w), optimizer: opt, loss: wassersteinLoss, noise }));
    // −E D(G(z)) = −E z·(1 − 2) = E z = 2
    expectClose(loss, 2, { rtol: 1e-6 });
    // ∇_a = −E[z]·wᵀ = −2·(1, −2) = (−2, 4): a ← (1.2, 0.6)
    expectClose(a, [[1.2, 0.6]], { rtol: 1e-5 });
    expect(read([w])).toEqual([[1, -2]]);
    tf.dispose([a, w, noise, loss]);
    opt.dispose();
  });

  it('adds a gradient penalty, returns it, and runs the constraint after the update', () => {
    const w = tf.variable(tf.tensor2d([[1], [-2]]));
    const critic = Object.assign((x: tf.Tensor) => tf.matMul(x, w), { trainableVariables: [w] });
    const real = tf.randomNormal([8, 2], 0, 1, 'float32', 1);
    const fake = tf.randomNormal([8, 2], 2, 1, 'float32', 2);
    const opt = tf.train.sgd(0);
    let constrained: tf.Variable[] = [];
    const r = expectNoLeaks(() =>
      discriminatorStep({
        discriminator: critic,
        optimizer: opt,
        loss: wassersteinLoss,
        real,
        fake,
        seed: 3,
        penalty: ({ discriminator, real: x, fake: y, seed }) => gradientPenalty(discriminator, x, y, { seed }),
        constrain: (vs) => void (constrained = vs),
      }),
    );
    // a linear critic has ∇D = w everywhere: GP = 10(√5 − 1)²
    expectClose(r.penalty!, 10 * (Math.sqrt(5) - 1) ** 2, { rtol: 1e-5 });
    const wl = tf.tidy(() => wassersteinLoss.discriminator(critic(real), critic(fake)));
    expectClose(r.loss, wl.dataSync()[0]! + 10 * (Math.sqrt(5) - 1) ** 2, { rtol: 1e-5 });
    expect(constrained).toEqual([w]);
    tf.dispose([w, real, fake, r.loss, r.penalty!, wl]);
    opt.dispose();
  });

  it('accepts LayersModels: only the model whose variables are given moves', () => {
    const g = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2 })] });
    const d = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] });
    const gw = () => g.getWeights().map((t) => Array.from(t.dataSync()));
    const dw = () => d.getWeights().map((t) => Array.from(t.dataSync()));
    const [g0, d0] = [gw(), dw()];
    const optD = tf.train.adam(0.01);
    const optG = tf.train.adam(0.01);
    const real = tf.randomNormal([16, 2], 0, 1, 'float32', 1);
    const noise = tf.randomNormal([16, 2], 0, 1, 'float32', 2);
    tf.dispose(discriminatorStep({ discriminator: d, generator: g, noise, real, optimizer: optD, loss: nonSaturatingLoss }).loss);
    expect(gw()).toEqual(g0);
    expect(dw()).not.toEqual(d0);
    const d1 = dw();
    tf.dispose(generatorStep({ generator: g, discriminator: d, noise, optimizer: optG, loss: nonSaturatingLoss }));
    expect(dw()).toEqual(d1);
    expect(gw()).not.toEqual(g0);
    tf.dispose([real, noise]);
    optD.dispose();
    optG.dispose();
    g.dispose();
    d.dispose();
  });

  it('names mistakes before any update, leaving nothing behind', () => {
    const w = tf.variable(tf.zeros([2, 1]));
    const D = (x: tf.Tensor) => tf.matMul(x, w);
    const opt = tf.train.sgd(0.1);
    const real = tf.zeros([4, 2]);
    const three = tf.zeros([3, 2]);
    const five = tf.zeros([5, 2]);
    const two = tf.zeros([2]);
    const base = { discriminator: D, discriminatorVariables: [w], optimizer: opt, loss: nonSaturatingLoss, real };
    expectThrowsClean(() => discriminatorStep({ ...base, fake: three }), /discriminatorStep: the fake batch must have the real batch's shape \[4, 2\], got a float32 tensor of shape \[3, 2\]/);
    expectThrowsClean(() => discriminatorStep(base), /discriminatorStep: options.fake must be a generated batch \(or give options.generator and options.noise\)/);
    expectThrowsClean(() => discriminatorStep({ ...base, generator: (z) => z, noise: five }), /options.noise must be a batch of 4 \(the real batch's size\), got a float32 tensor of shape \[5, 2\]/);
    expectThrowsClean(() => discriminatorStep({ ...base, discriminatorVariables: undefined, fake: real }), /discriminatorStep: options.discriminatorVariables must be the tf.Variables of options.discriminator/);
    expectThrowsClean(() => discriminatorStep({ ...base, real: [[0, 0]] as never, fake: real }), /options.real must be a float32 tensor of shape \[B, ...\] with B ≥ 1/);
    expectThrowsClean(() => discriminatorStep({ ...base, fake: real, penalty: () => two as never }), /discriminatorStep: the penalty must return a scalar tensor, got a float32 tensor of shape \[2\]/);
    expectThrowsClean(() => generatorStep({ generator: (z) => z, discriminator: D, optimizer: opt, loss: nonSaturatingLoss, noise: real }), /generatorStep: options.generatorVariables must be the tf.Variables of options.generator/);
    expectThrowsClean(() => generatorStep({ generator: (z) => z, generatorVariables: [w], discriminator: 'D' as never, optimizer: opt, loss: nonSaturatingLoss, noise: real }), /generatorStep: options.discriminator must be a function/);
    expect(read([w])).toEqual([[0, 0]]);
    tf.dispose([w, real, three, five, two]);
    opt.dispose();
  });
});
