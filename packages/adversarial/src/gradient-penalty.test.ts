import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectFinite, expectNoLeaks, expectThrowsClean, loadGolden } from '@genmod-internal/testing';
import { gradientPenalty } from './gradient-penalty.js';
import { wassersteinCriticLoss } from './losses.js';

interface GoldenGp {
  W1: number[][];
  b1: number[];
  w2: number[][];
  b2: number;
  x_real: number[][];
  x_fake: number[][];
  eps: number[][];
  x_hat: number[][];
  D_x_hat: number[];
  grad_norm: number[];
  gp: number;
  D_real: number[];
  D_fake: number[];
  critic_loss_lambda10: number;
}
const g = (loadGolden('gan_losses.json') as { gradient_penalty: GoldenGp }).gradient_penalty;

describe('gradientPenalty against the golden file (PyTorch, float64)', () => {
  // D(x) = tanh(x W1 + b1) w2 + b2: the penalty's value needs first derivatives only (no opt-in needed)
  const critic = (seen?: { x: number[][]; d: number[] }) => (x: Tensor) =>
    tf.tidy(() => {
      const d = tf.reshape(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, tf.tensor2d(g.W1)), tf.tensor1d(g.b1))), tf.tensor2d(g.w2)), g.b2), [-1]);
      if (seen) {
        seen.x = x.arraySync() as number[][];
        seen.d = d.arraySync() as number[];
      }
      return d;
    });

  it('gp, the interpolates and the critic values', () => {
    const seen = { x: [] as number[][], d: [] as number[] };
    const [real, fake, eps] = [tf.tensor2d(g.x_real), tf.tensor2d(g.x_fake), tf.tensor2d(g.eps)];
    const gp = expectNoLeaks(() => gradientPenalty(critic(seen), real, fake, { epsilon: eps, weight: 1 }));
    expectClose(gp, g.gp, { rtol: 1e-5, atol: 1e-6, label: 'gp' });
    expectClose(seen.x, g.x_hat, { rtol: 1e-6, atol: 1e-6, label: 'x_hat' });
    expectClose(seen.d, g.D_x_hat, { rtol: 1e-5, atol: 1e-6, label: 'D(x_hat)' });
    // the same ε as a [B] vector
    const eps1 = tf.reshape(eps, [-1]);
    expectClose(gradientPenalty(critic(), real, fake, { epsilon: eps1, weight: 1 }), g.gp, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([gp, real, fake, eps, eps1]);
  });

  it('the WGAN-GP critic loss with λ = 10 (the default weight)', () => {
    tf.tidy(() => {
      const [real, fake, eps] = [tf.tensor2d(g.x_real), tf.tensor2d(g.x_fake), tf.tensor2d(g.eps)];
      const D = critic();
      expectClose(D(real), g.D_real, { rtol: 1e-5, atol: 1e-6 });
      expectClose(D(fake), g.D_fake, { rtol: 1e-5, atol: 1e-6 });
      const loss = tf.add(wassersteinCriticLoss(D(real), D(fake)), gradientPenalty(D, real, fake, { epsilon: eps }));
      expectClose(loss, g.critic_loss_lambda10, { rtol: 1e-5, atol: 1e-5 });
    });
  });

  it('the golden gradient norms, through target: (‖∇D‖ − t)² averaged is a quadratic in t', () => {
    // mean((n − t)²) = mean(n²) − 2t·mean(n) + t²: three targets pin mean(n) and mean(n²)
    const n = g.grad_norm;
    const mean = (f: (v: number) => number) => n.reduce((s, v) => s + f(v), 0) / n.length;
    tf.tidy(() => {
      const [real, fake, eps] = [tf.tensor2d(g.x_real), tf.tensor2d(g.x_fake), tf.tensor2d(g.eps)];
      for (const t of [0, 0.5, 2]) {
        const gp = gradientPenalty(critic(), real, fake, { epsilon: eps, weight: 1, target: t });
        expectClose(gp, mean((v) => (v - t) ** 2), { rtol: 1e-5, atol: 1e-6, label: `target ${t}` });
      }
    });
  });
});

describe('gradientPenalty', () => {
  it('is exact for a linear critic whatever ε: λ(‖w‖ − 1)²', () => {
    tf.tidy(() => {
      const w = tf.tensor2d([[1], [-2]]);
      const critic = (x: Tensor) => tf.matMul(x, w);
      const real = tf.randomNormal([8, 2], 0, 1, 'float32', 1);
      const fake = tf.randomNormal([8, 2], 2, 1, 'float32', 2);
      for (const seed of [1, 2, 3]) expectClose(gradientPenalty(critic, real, fake, { seed }), 10 * (Math.sqrt(5) - 1) ** 2, { rtol: 1e-5 });
      expectClose(gradientPenalty(critic, real, fake, { seed: 1, weight: 2, target: 0 }), 2 * 5, { rtol: 1e-5 });
    });
  });

  it('takes the norm over every non-batch axis (images [B, H, W, C])', () => {
    tf.tidy(() => {
      const w = tf.tensor(Array.from({ length: 8 }, (_, i) => i - 3.5), [1, 2, 2, 2]);
      const critic = (x: Tensor) => tf.sum(tf.mul(x, w), [1, 2, 3]);
      const real = tf.randomNormal([3, 2, 2, 2], 0, 1, 'float32', 4);
      const fake = tf.randomNormal([3, 2, 2, 2], 0, 1, 'float32', 5);
      const norm = Math.sqrt(Array.from({ length: 8 }, (_, i) => (i - 3.5) ** 2).reduce((a, b) => a + b));
      expectClose(gradientPenalty(critic, real, fake, { seed: 6, weight: 1 }), (norm - 1) ** 2, { rtol: 1e-5 });
    });
  });

  it('interpolates with ε ~ U(0, 1) per example: the same seed gives the same value, others differ', () => {
    tf.tidy(() => {
      // a critic whose gradient norm depends on x: D(x) = Σ x³/3, ∇D = x²
      const critic = (x: Tensor) => tf.div(tf.sum(tf.pow(x, 3), 1), 3);
      const real = tf.fill([64, 1], 2);
      const fake = tf.zeros([64, 1]);
      const v = (seed: number) => gradientPenalty(critic, real, fake, { seed, weight: 1, target: 0 }).dataSync()[0]!;
      expect(v(7)).toBe(v(7));
      expect(v(7)).not.toBe(v(8));
      // x̂ = 2ε: E(‖∇D‖²) = E(16ε⁴) = 16/5 for ε ~ U(0, 1); 64 examples, 8 seeds: sd of the mean ≈ 0.15
      const avg = [1, 2, 3, 4, 5, 6, 7, 8].reduce((s, seed) => s + v(seed), 0) / 8;
      expect(Math.abs(avg - 16 / 5)).toBeLessThan(0.5);
    });
  });

  it('has a finite (zero) gradient where the critic is flat', () => {
    tf.tidy(() => {
      const w = tf.zeros([2, 1]);
      const [real, fake] = [tf.ones([4, 2]), tf.zeros([4, 2])];
      const gw = tf.grad((v: Tensor) => gradientPenalty((x) => tf.matMul(x, v), real, fake, { seed: 1 }))(w);
      expectFinite(gw, '∂GP/∂w at ∇D = 0');
      expectClose(gw, [[0], [0]], { atol: 0 });
      expectClose(gradientPenalty((x) => tf.matMul(x, w), real, fake, { seed: 1, target: 1 }), 10, { rtol: 1e-6 });
    });
  });

  it('leaks nothing, also inside tf.variableGrads', () => {
    const w = tf.variable(tf.tensor2d([[0.5], [-0.3]]));
    const [real, fake] = [tf.ones([4, 2]), tf.zeros([4, 2])];
    const critic = (x: Tensor) => tf.sigmoid(tf.matMul(x, w));
    const gp = expectNoLeaks(() => gradientPenalty(critic, real, fake, { seed: 1 }));
    const grads = expectNoLeaks(() => tf.variableGrads(() => gradientPenalty(critic, real, fake, { seed: 1 }), [w]));
    tf.dispose([gp, grads.value, ...Object.values(grads.grads), w, real, fake]);
  });

  it('refuses bad arguments before allocating', () => {
    const [a, b, c, i, e3] = [tf.ones([4, 2]), tf.ones([3, 2]), tf.ones([4, 3]), tf.ones([4, 2], 'int32'), tf.ones([3])];
    const ok = (x: Tensor) => tf.sum(x, 1);
    expectThrowsClean(() => gradientPenalty(undefined as never, a, a), /gradientPenalty: critic must be a function/);
    expectThrowsClean(() => gradientPenalty(ok, a, b), /fake must be of real's shape \[4, 2\]/, /\[3, 2\]/);
    expectThrowsClean(() => gradientPenalty(ok, a, c), /fake must be of real's shape/);
    expectThrowsClean(() => gradientPenalty(ok, i, a), /real must be a float32 tensor/);
    expectThrowsClean(() => gradientPenalty(ok, [[1, 2]] as never, a), /real must be a float32 tensor/);
    expectThrowsClean(() => gradientPenalty(ok, a, a, { weight: -1 }), /options.weight must be a finite number ≥ 0/);
    expectThrowsClean(() => gradientPenalty(ok, a, a, { seed: NaN }), /seed must be a finite number/);
    expectThrowsClean(() => gradientPenalty(ok, a, a, { epsilon: e3 }), /options.epsilon must be one weight per example, shape \[4\] or \[4, 1\]/);
    tf.dispose([a, b, c, i, e3]);
  });

  it('names a critic that does not return one score per example', () => {
    const a = tf.ones([4, 2]);
    expectThrowsClean(() => gradientPenalty((x) => x, a, a, { seed: 1 }), /critic must return one score per example \(shape \[4\] or \[4, 1\]\), got shape \[4, 2\]/);
    a.dispose();
  });
});
