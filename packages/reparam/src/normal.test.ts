import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean, ksCritical, ksStatistic } from '@genmod-internal/testing';
import { Normal } from './normal.js';
import { independent } from './independent.js';
import { diagGaussianCases, normalCdf, vae } from '../test/golden.js';

const tol = { rtol: 1e-5, atol: 1e-6 };

describe('Normal against golden values', () => {
  it('diag_gaussian: entropies summed over the dimensions (entropy1_sum), from scale and from log-variance', () => {
    const cases = diagGaussianCases();
    expect(cases.length).toBe(3);
    for (const c of cases) {
      const a = new Normal({ loc: c.mu1, scale: c.std1 });
      const b = Normal.fromLogVariance(c.mu1, c.logvar1);
      const [ha, hb] = expectNoLeaks(() => [independent(a, 1).entropy(), independent(b, 1).entropy()]);
      expectClose(ha!, c.entropy1_sum, { ...tol, label: `dim ${c.dim} from scale` });
      expectClose(hb!, c.entropy1_sum, { ...tol, label: `dim ${c.dim} from logvar` });
      tf.dispose([ha!, hb!]);
      a.dispose();
      b.dispose();
    }
  });

  it('vae.json: z = μ + exp(½·logvar)·ε, log q(z) and log p(z) summed over the latent', () => {
    const g = vae();
    const q = Normal.fromLogVariance(g.mu, g.logvar);
    const prior = new Normal({ loc: tf.zeros([5]), scale: 1 });
    const z = expectNoLeaks(() => q.rsample([], { noise: g.eps }));
    expectClose(z, g.z_reparam, { ...tol, label: 'z_reparam' });
    const lq = expectNoLeaks(() => independent(q, 1).logProb(z));
    const lp = expectNoLeaks(() => independent(prior, 1).logProb(z));
    expectClose(lq, g.log_q_z, { ...tol, label: 'log_q_z' });
    expectClose(lp, g.log_p_z, { ...tol, label: 'log_p_z' });
    tf.dispose([z, lq, lp, prior.loc]);
    q.dispose();
    prior.dispose();
  });
});

describe('Normal', () => {
  it('has the closed-form moments, density and cdf', () => {
    const d = new Normal({ loc: [0, 1], scale: [[1], [2]] });
    expect(d.batchShape).toEqual([2, 2]);
    expect(d.eventShape).toEqual([]);
    const r = expectNoLeaks(() => ({ m: d.mean(), v: d.variance(), s: d.stddev(), h: d.entropy(), lp: d.logProb(1), c: d.cdf(1), p: d.prob(0), mode: d.mode() }));
    expectClose(r.m, [[0, 1], [0, 1]]);
    expectClose(r.v, [[1, 1], [4, 4]]);
    expectClose(r.s, [[1, 1], [2, 2]]);
    const h1 = 0.5 * Math.log(2 * Math.PI * Math.E);
    expectClose(r.h, [[h1, h1], [h1 + Math.LN2, h1 + Math.LN2]], tol);
    const lp = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
    expectClose(r.lp, [[lp(1, 0, 1), lp(1, 1, 1)], [lp(1, 0, 2), lp(1, 1, 2)]], tol);
    expectClose(r.p, [[Math.exp(lp(0, 0, 1)), Math.exp(lp(0, 1, 1))], [Math.exp(lp(0, 0, 2)), Math.exp(lp(0, 1, 2))]], tol);
    expectClose(r.c, [[normalCdf(1), 0.5], [normalCdf(0.5), 0.5]], { rtol: 1e-5, atol: 1e-6 });
    expectClose(r.mode, r.m);
    tf.dispose(Object.values(r));
    d.dispose();
  });

  it('keeps the entropy exact where σ underflows to 0 (built from a log-variance of −300: log σ is used, not log 0)', () => {
    const d = Normal.fromLogVariance([0], [-300]);
    const h = expectNoLeaks(() => d.entropy());
    expectClose(h, [0.5 * Math.log(2 * Math.PI * Math.E) - 150], tol);
    h.dispose();
    d.dispose();
  });

  it('samples pass the KS test against Φ (N = 10000), and the test has power against σ off by 10%', () => {
    const d = new Normal({ loc: 1.5, scale: 0.5 });
    const s = d.sample([10000], { seed: 11 });
    const F = (x: number) => normalCdf((x - 1.5) / 0.5);
    expect(ksStatistic(s.dataSync(), F)).toBeLessThan(ksCritical(10000));
    // the same statistic rejects a sampler with σ = 0.55 (the kind of bug a wrong scale formula makes)
    const wrong = new Normal({ loc: 1.5, scale: 0.55 });
    const w = wrong.sample([10000], { seed: 11 });
    expect(ksStatistic(w.dataSync(), F)).toBeGreaterThan(ksCritical(10000));
    tf.dispose([s, w]);
    d.dispose();
    wrong.dispose();
  });

  it('samples [...sampleShape, ...batchShape]; a seed reproduces, another seed differs; sample has no gradient', () => {
    const d = new Normal({ loc: [0, 1, 2], scale: 1 });
    const a = d.sample([4, 2], { seed: 3 });
    const b = d.sample([4, 2], { seed: 3 });
    const c = d.sample([4, 2], { seed: 4 });
    expect(a.shape).toEqual([4, 2, 3]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    const g = tf.grad((m: tf.Tensor) => tf.sum(new Normal({ loc: m, scale: 1 }).sample([3], { seed: 1 })))(tf.zeros([3]));
    expectClose(g, [0, 0, 0]);
    tf.dispose([a, b, c, g]);
    d.dispose();
  });

  it('rsample gradients are the analytic ones: ∂z/∂μ = 1, ∂z/∂σ = ε, ∂z/∂logVar = ½·σ·ε', () => {
    const eps = tf.tensor1d([-1.3, 0.2, 2.1]);
    const mu = tf.tensor1d([0.5, -1, 2]);
    const sigma = tf.tensor1d([0.7, 1.1, 2]);
    const logVar = tf.log(tf.square(sigma));
    const [gMu, gSigma] = tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(new Normal({ loc: m, scale: s }).rsample([], { noise: eps })))([mu, sigma]);
    expectClose(gMu!, [1, 1, 1]);
    expectClose(gSigma!, eps, tol);
    const gLv = tf.grad((lv: tf.Tensor) => tf.sum(Normal.fromLogVariance(mu, lv).rsample([], { noise: eps })))(logVar);
    expectClose(gLv, [0.5 * 0.7 * -1.3, 0.5 * 1.1 * 0.2, 0.5 * 2 * 2.1], { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([eps, mu, sigma, logVar, gMu!, gSigma!, gLv]);
  });

  it('rsample and logProb are differentiable in the parameters (finite differences)', () => {
    const p = tf.tensor1d([0.3, 1.7]);
    checkGradient((v) => {
      const [loc, scale] = tf.unstack(v);
      return tf.mean(tf.square(new Normal({ loc: loc!, scale: scale! }).rsample([8], { seed: 3 }))) as tf.Scalar;
    }, p, { eps: 1e-2 });
    const x = tf.tensor1d([-1, 0, 0.5, 3]);
    checkGradient((v) => {
      const [loc, scale] = tf.unstack(v);
      return tf.sum(new Normal({ loc: loc!, scale: scale! }).logProb(x)) as tf.Scalar;
    }, p, { eps: 1e-2 });
    checkGradient((v) => {
      const [loc, logVar] = tf.unstack(v);
      return tf.sum(Normal.fromLogVariance(loc!, logVar!).logProb(x)) as tf.Scalar;
    }, p, { eps: 1e-2 });
    checkGradient((v) => {
      const [loc, logScale] = tf.unstack(v);
      return tf.sum(tf.add(Normal.fromLogScale(loc!, logScale!).logProb(x), Normal.fromLogScale(loc!, logScale!).entropy())) as tf.Scalar;
    }, p, { eps: 1e-2 });
    tf.dispose([p, x]);
  });

  it('fromLogVariance is stable at log-variances ±80 (σ = exp(½·logVar), never √exp)', () => {
    const d = Normal.fromLogVariance([0, 0], [80, -80]);
    const s = d.stddev();
    expectClose(s, [Math.exp(40), Math.exp(-40)], { rtol: 1e-5, atol: 0 });
    expectFinite(s);
    s.dispose();
    d.dispose();
  });

  it('frees only what it allocated: caller tensors survive dispose()', () => {
    const loc = tf.scalar(1);
    const logVar = tf.scalar(0);
    const before = tf.memory().numTensors;
    const a = new Normal({ loc, scale: 2 });
    const b = Normal.fromLogVariance(loc, logVar);
    expect(tf.memory().numTensors).toBe(before + 1 + 2); // a: scale; b: ½·logVar and σ
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(loc.isDisposed || logVar.isDisposed).toBe(false);
    tf.dispose([loc, logVar]);
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => new Normal({ loc: 0, scale: -1 }), /Normal: params\.scale must be strictly positive, got a minimum of -1/);
    expectThrowsClean(() => new Normal({ loc: [0, 1, 2], scale: [1, 2] }), /Normal: params\.loc and params\.scale must be broadcastable shapes, got \[3\] and \[2\]/);
    expectThrowsClean(() => new Normal({ loc: 0 } as never), /Normal: params\.scale must be a float32 tensor or a \(nested\) array of numbers, got undefined/);
    expectThrowsClean(() => new Normal({ loc: 0, scale: 1, logScale: 0 } as never), /Normal: params must be an object with exactly one of `scale` or `logScale`, got both/);
    expectThrowsClean(() => Normal.fromLogVariance([0, 1], [0, 1, 2]), /Normal\.fromLogVariance: loc and logVar must be broadcastable shapes/);
    const ints = tf.tensor1d([1, 2], 'int32');
    expectThrowsClean(() => Normal.fromLogVariance(ints, [0, 0]), /Normal\.fromLogVariance: loc must be a float32 tensor, got a int32 tensor of shape \[2\]/);
    const d = new Normal({ loc: [0, 1], scale: 1 });
    expectThrowsClean(() => d.sample([2.5]), /Normal\.sample|Normal\.rsample: sampleShape must be an array of non-negative integers, got \[2\.5\]/);
    expectThrowsClean(() => d.rsample(3 as never), /Normal\.rsample: sampleShape must be an array of non-negative integers, got 3/);
    expectThrowsClean(() => d.rsample([3], { noise: [1, 2] }), /Normal\.rsample: options\.noise must be of shape \[3, 2\]/);
    expectThrowsClean(() => d.rsample([3], { seed: NaN }), /Normal\.rsample: options\.seed must be a finite number or a string, got NaN/);
    expectThrowsClean(() => d.logProb(ints), /Normal\.logProb: x must be a float32 tensor, got a int32 tensor/);
    ints.dispose();
    d.dispose();
  });
});
