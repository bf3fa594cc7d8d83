import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectFinite, expectNoLeaks, expectThrowsClean, loadGolden } from '@genmod-internal/testing';
import {
  minimaxDiscriminatorLoss,
  logRatioGeneratorLoss,
  minimaxGeneratorLoss,
  nonSaturatingGeneratorLoss,
  hingeDiscriminatorLoss,
  hingeGeneratorLoss,
  leastSquaresDiscriminatorLoss,
  leastSquaresGeneratorLoss,
  wassersteinCriticLoss,
  wassersteinGeneratorLoss,
} from './losses.js';
import { hingeLoss, leastSquaresLoss, logRatioLoss, minimaxLoss, nonSaturatingLoss, wassersteinLoss, type GanLoss } from './gan-loss.js';
import { gradcheck } from './gradcheck.js';

interface Golden {
  real_logits: number[];
  fake_logits: number[];
  d_loss_bce: number;
  d_loss_grad_real: number[];
  d_loss_grad_fake: number[];
  g_loss_minimax: number;
  g_loss_minimax_grad_fake: number[];
  g_loss_nonsaturating: number;
  g_loss_nonsaturating_grad_fake: number[];
  wgan_critic_loss: number;
  wgan_gen_loss: number;
  hinge_d_loss: number;
  hinge_g_loss: number;
  lsgan_d_loss: number;
  lsgan_g_loss: number;
}
const golden = loadGolden('gan_losses.json') as Golden;
const tol = { rtol: 1e-5, atol: 1e-6 }; // README: GAN losses rel ≤ 3e-7 in float32

type Pair = (r: Tensor, f: Tensor) => Scalar;
type Single = (f: Tensor) => Scalar;

/** value and gradients with respect to (real, fake) */
function withGrads(loss: Pair, real: number[], fake: number[]) {
  return tf.tidy(() => {
    const r = tf.tensor1d(real);
    const f = tf.tensor1d(fake);
    const value = loss(r, f);
    const [gr, gf] = tf.grads((a: Tensor, b: Tensor) => loss(a, b))([r, f]);
    return { value: value.dataSync()[0]!, gr: Array.from(gr!.dataSync()), gf: Array.from(gf!.dataSync()) };
  });
}

function withGrad(loss: Single, fake: number[]) {
  return tf.tidy(() => {
    const f = tf.tensor1d(fake);
    const value = loss(f);
    const g = tf.grad((b: Tensor) => loss(b))(f);
    return { value: value.dataSync()[0]!, g: Array.from(g.dataSync()) };
  });
}

const pairs: [string, Pair][] = [
  ['minimaxDiscriminatorLoss', minimaxDiscriminatorLoss],
  ['leastSquaresDiscriminatorLoss', leastSquaresDiscriminatorLoss],
  ['hingeDiscriminatorLoss', hingeDiscriminatorLoss],
  ['wassersteinCriticLoss', wassersteinCriticLoss],
];
const singles: [string, Single][] = [
  ['minimaxGeneratorLoss', minimaxGeneratorLoss],
  ['nonSaturatingGeneratorLoss', nonSaturatingGeneratorLoss],
  ['logRatioGeneratorLoss', logRatioGeneratorLoss],
  ['leastSquaresGeneratorLoss', leastSquaresGeneratorLoss],
  ['hingeGeneratorLoss', hingeGeneratorLoss],
  ['wassersteinGeneratorLoss', wassersteinGeneratorLoss],
];

describe('GAN losses against the golden file (PyTorch, float64)', () => {
  const { real_logits: real, fake_logits: fake } = golden;

  it('minimaxDiscriminatorLoss: value and gradients, logits up to ±100', () => {
    const { value, gr, gf } = withGrads(minimaxDiscriminatorLoss, real, fake);
    expectClose(value, golden.d_loss_bce, tol);
    expectClose(gr, golden.d_loss_grad_real, tol);
    expectClose(gf, golden.d_loss_grad_fake, tol);
  });

  it('minimaxGeneratorLoss: value and gradient', () => {
    const { value, g } = withGrad(minimaxGeneratorLoss, fake);
    expectClose(value, golden.g_loss_minimax, tol);
    expectClose(g, golden.g_loss_minimax_grad_fake, tol);
  });

  it('nonSaturatingGeneratorLoss: value and gradient', () => {
    const { value, g } = withGrad(nonSaturatingGeneratorLoss, fake);
    expectClose(value, golden.g_loss_nonsaturating, tol);
    expectClose(g, golden.g_loss_nonsaturating_grad_fake, tol);
  });

  it('least-squares, hinge and Wasserstein losses', () => {
    expectClose(withGrads(leastSquaresDiscriminatorLoss, real, fake).value, golden.lsgan_d_loss, tol);
    expectClose(withGrad(leastSquaresGeneratorLoss, fake).value, golden.lsgan_g_loss, tol);
    expectClose(withGrads(hingeDiscriminatorLoss, real, fake).value, golden.hinge_d_loss, tol);
    expectClose(withGrad(hingeGeneratorLoss, fake).value, golden.hinge_g_loss, tol);
    expectClose(withGrads(wassersteinCriticLoss, real, fake).value, golden.wgan_critic_loss, tol);
    expectClose(withGrad(wassersteinGeneratorLoss, fake).value, golden.wgan_gen_loss, tol);
  });

  it('the log-ratio loss is −mean logit, and the sum of the minimax and non-saturating losses', () => {
    const lr = withGrad(logRatioGeneratorLoss, fake);
    expectClose(lr.value, -fake.reduce((s, v) => s + v, 0) / fake.length, tol);
    expectClose(lr.g, fake.map(() => -1 / fake.length), tol);
    // −log σ(f) + log(1 − σ(f)) = −f exactly
    expectClose(lr.value, golden.g_loss_minimax + golden.g_loss_nonsaturating, { rtol: 1e-5, atol: 1e-4 });
  });

  it('closed-form gradients of the non-logit losses', () => {
    const n = fake.length;
    const ls = withGrads(leastSquaresDiscriminatorLoss, real, fake);
    expectClose(ls.gr, real.map((r) => (r - 1) / n), tol);
    expectClose(ls.gf, fake.map((f) => f / n), tol);
    const hinge = withGrads(hingeDiscriminatorLoss, real, fake);
    expectClose(hinge.gr, real.map((r) => (r < 1 ? -1 / n : 0)), tol);
    expectClose(hinge.gf, fake.map((f) => (f > -1 ? 1 / n : 0)), tol);
    const w = withGrads(wassersteinCriticLoss, real, fake);
    expectClose(w.gr, real.map(() => -1 / n), tol);
    expectClose(w.gf, fake.map(() => 1 / n), tol);
  });
});

describe('extreme logits', () => {
  it.each([...pairs])('%s: finite value and gradients at ±1e4 and the golden ±30/60/100', (_name, loss) => {
    for (const [r, f] of [
      [[1e4, -1e4, 0], [-1e4, 1e4, 0]],
      [golden.real_logits, golden.fake_logits],
    ] as [number[], number[]][]) {
      tf.tidy(() => {
        const rt = tf.tensor1d(r);
        const ft = tf.tensor1d(f);
        expectFinite(loss(rt, ft));
        for (const g of tf.grads((a: Tensor, b: Tensor) => loss(a, b))([rt, ft])) expectFinite(g);
      });
    }
  });

  it.each([...singles])('%s: finite value and gradient at ±1e4', (_name, loss) => {
    tf.tidy(() => {
      const f = tf.tensor1d([1e4, -1e4, 0, 100, -100]);
      expectFinite(loss(f));
      expectFinite(tf.grad((b: Tensor) => loss(b))(f));
    });
  });

  it('values at ±1e4 are exact, not merely finite', () => {
    const v = (t: Scalar) => {
      const x = t.dataSync()[0]!;
      t.dispose();
      return x;
    };
    // a confident, correct discriminator: loss 0; a confident, wrong one: loss ≈ 1e4 per term
    expect(v(minimaxDiscriminatorLoss(tf.tensor1d([1e4]), tf.tensor1d([-1e4])))).toBe(0);
    expect(v(minimaxDiscriminatorLoss(tf.tensor1d([-1e4]), tf.tensor1d([1e4])))).toBeCloseTo(2e4, 0);
    expect(v(nonSaturatingGeneratorLoss(tf.tensor1d([-1e4])))).toBeCloseTo(1e4, 0);
    expect(v(minimaxGeneratorLoss(tf.tensor1d([-1e4])))).toBeCloseTo(0, 6);
    // the saturation the non-saturating loss avoids: ∂/∂f of the minimax loss vanishes where D rejects
    const gm = tf.tidy(() => tf.grad((f: Tensor) => minimaxGeneratorLoss(f))(tf.tensor1d([-30])));
    const gn = tf.tidy(() => tf.grad((f: Tensor) => nonSaturatingGeneratorLoss(f))(tf.tensor1d([-30])));
    expect(Math.abs(gm.dataSync()[0]!)).toBeLessThan(1e-12);
    expect(gn.dataSync()[0]).toBeCloseTo(-1, 6);
    tf.dispose([gm, gn]);
  });
});

describe('gradcheck on every loss', () => {
  // smooth points away from the hinge kinks (r = 1, f = −1)
  const r = [0.7, -1.3, 2.1, 0.2];
  const f = [-0.4, 1.6, -2.5, 0.3];
  it.each(pairs)('%s', (name, loss) => {
    const rt = tf.tensor1d(r);
    const ft = tf.tensor1d(f);
    const report = expectNoLeaks(() => gradcheck((a, b) => loss(a!, b!), [rt, ft], { label: name }));
    expect(report.ok).toBe(true);
    expect(report.maxAbsError).toBeLessThan(1e-3);
    tf.dispose([rt, ft]);
  });
  it.each(singles)('%s', (name, loss) => {
    const ft = tf.tensor2d(f, [4, 1]);
    const report = gradcheck((b) => loss(b!), [ft], { label: name });
    expect(report.ok).toBe(true);
    tf.dispose(ft);
  });
});

describe('GanLoss pairs', () => {
  const table: [GanLoss, string, Pair, Single][] = [
    [minimaxLoss, 'minimax', minimaxDiscriminatorLoss, minimaxGeneratorLoss],
    [nonSaturatingLoss, 'non-saturating', minimaxDiscriminatorLoss, nonSaturatingGeneratorLoss],
    [logRatioLoss, 'log-ratio', minimaxDiscriminatorLoss, logRatioGeneratorLoss],
    [leastSquaresLoss, 'least-squares', leastSquaresDiscriminatorLoss, leastSquaresGeneratorLoss],
    [hingeLoss, 'hinge', hingeDiscriminatorLoss, hingeGeneratorLoss],
    [wassersteinLoss, 'wasserstein', wassersteinCriticLoss, wassersteinGeneratorLoss],
  ];
  it.each(table)('$name pairs the right functions', (loss, name, d, g) => {
    expect(loss.name).toBe(name);
    expect(loss.discriminator).toBe(d);
    expect(loss.generator).toBe(g);
    expect(Object.isFrozen(loss)).toBe(true);
  });

  it('accept [B, 1] outputs and different batch sizes for real and fake', () => {
    tf.tidy(() => {
      const r = tf.tensor2d([[1], [2], [3]]);
      const f = tf.tensor2d([[0], [-1]]);
      expectClose(wassersteinCriticLoss(r, f), -0.5 - 2, tol);
      expectClose(minimaxDiscriminatorLoss(r, f), minimaxDiscriminatorLoss(tf.reshape(r, [3]), tf.reshape(f, [2])), tol);
    });
  });

  it('accept arrays', () => {
    const v = expectNoLeaks(() => hingeDiscriminatorLoss([2, 0.5], [-1, 0]));
    expectClose(v, 0.75, tol);
    v.dispose();
  });
});

describe('errors and leaks', () => {
  it('refuses non-float, empty and mismatched inputs, allocating nothing', () => {
    const i = tf.tensor1d([1, 2], 'int32');
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor2d([[1], [2]]);
    const e = tf.tensor1d([]);
    expectThrowsClean(() => minimaxDiscriminatorLoss(i, a), /minimaxDiscriminatorLoss: real must be a float32 tensor/, /int32/);
    expectThrowsClean(() => nonSaturatingGeneratorLoss(i), /fakeLogits must be a float32 tensor/);
    expectThrowsClean(() => minimaxDiscriminatorLoss(a, b), /same rank and the same per-example shape/, /\[2\] and \[2, 1\]/);
    expectThrowsClean(() => wassersteinCriticLoss(e, a), /non-empty/);
    expectThrowsClean(() => hingeGeneratorLoss(undefined as unknown as Tensor), /fake must be/);
    const c = tf.tensor2d([[1, 2]]);
    expectThrowsClean(() => leastSquaresDiscriminatorLoss(c, b), /per-example shape/);
    tf.dispose([i, a, b, c, e]);
  });

  it.each([...pairs])('%s leaks nothing (value and gradient)', (_name, loss) => {
    const r = tf.tensor1d([0.5, 1]);
    const f = tf.tensor1d([-0.5, 0]);
    const out = expectNoLeaks(() => loss(r, f));
    const grads = expectNoLeaks(() => tf.grads((a: Tensor, b: Tensor) => loss(a, b))([r, f]));
    tf.dispose([out, ...grads, r, f]);
  });

  it.each([...singles])('%s leaks nothing (value and gradient)', (_name, loss) => {
    const f = tf.tensor1d([-0.5, 0]);
    const out = expectNoLeaks(() => loss(f));
    const g = expectNoLeaks(() => tf.grad((b: Tensor) => loss(b))(f));
    tf.dispose([out, g, f]);
  });
});
