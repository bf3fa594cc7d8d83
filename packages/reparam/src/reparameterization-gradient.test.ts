import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { normalNoise } from '@genmod-internal/core';
import { reparameterizationGradient } from './reparameterization-gradient.js';
import { Normal } from './normal.js';
import { MultivariateNormalTriL } from './multivariate-normal-tri-l.js';
import { Categorical } from './categorical.js';
import { independent } from './independent.js';

describe('reparameterizationGradient', () => {
  it('on a common ε equals the exact gradient of the Monte Carlo objective (a VAE-style diagonal Gaussian)', () => {
    // E_q[Σ_d z_d²] with q = N(μ, exp(logVar)): per-sample gradient 2z (μ) and z·σ·ε (logVar)
    const mu = tf.tensor2d([[0.5, -1], [2, 0]]);
    const logVar = tf.tensor2d([[0, -1], [0.5, 1]]);
    const make = ([m, lv]: tf.Tensor[]) => independent(Normal.fromLogVariance(m!, lv!), 1);
    const est = expectNoLeaks(() => reparameterizationGradient((z) => tf.sum(tf.square(z), -1), make, [mu, logVar], { samples: 3, seed: 4 }));
    expect(est.values.shape).toEqual([3]); // [n, batch 2] summed over the batch
    const eps = normalNoise([3, 2, 2], 4); // the draw rsample makes for seed 4 (core's one seed scheme)
    const expected = tf.tidy(() => {
      const sigma = tf.exp(tf.mul(logVar, 0.5));
      const z = tf.add(mu, tf.mul(sigma, eps));
      return [tf.mean(tf.mul(z, 2), 0), tf.mean(tf.mul(tf.mul(z, sigma), eps), 0), tf.mean(tf.sum(tf.square(z), [1, 2]))];
    });
    expectClose(est.grads[0]!, expected[0]!, { rtol: 1e-5, atol: 1e-5 });
    expectClose(est.grads[1]!, expected[1]!, { rtol: 1e-5, atol: 1e-5 });
    expectClose(est.value, expected[2]!, { rtol: 1e-5 });
    tf.dispose([mu, logVar, eps, ...expected, ...est.grads, est.value, est.values]);
  });

  it('works through a full-covariance Gaussian: ∇_μ E[‖z‖²] = 2μ exactly in expectation (mean of per-sample terms)', () => {
    const mu = tf.tensor1d([1, -0.5]);
    const L = tf.tensor2d([[1, 0], [0.3, 0.5]]);
    const est = reparameterizationGradient((z) => tf.sum(tf.square(z), -1), ([m, l]) => new MultivariateNormalTriL({ loc: m!, scaleTril: l! }), [mu, L], { samples: 4000, seed: 1 });
    // per-sample terms 2zᵢ (μ) and 2zᵢεⱼ (L): standard errors of the 4000-sample mean ≤ 0.032 and ≤ 0.055
    expectClose(est.grads[0]!, [2, -1], { atol: 0.15, rtol: 0 });
    // ∇_L E[‖μ + Lε‖²] = ∇_L tr(L·Lᵀ) = 2L (lower triangle; the upper one does not enter)
    expectClose(est.grads[1]!, [[2, 0], [0.6, 1]], { atol: 0.25, rtol: 0 });
    tf.dispose([mu, L, ...est.grads, est.value, est.values]);
  });

  it('with perSample: the n terms average to the estimate', () => {
    const theta = tf.scalar(0.3);
    const est = reparameterizationGradient((z) => tf.exp(z), ([t]) => new Normal({ loc: t!, scale: 0.5 }), [theta], { samples: 5, seed: 2, perSample: true });
    expect(est.perSampleGrads![0]!.shape).toEqual([5]);
    expectClose(est.perSampleGrads![0]!, est.values, { rtol: 1e-5 }); // d/dθ e^(θ + σε) = e^z
    expectClose(est.grads[0]!, tf.mean(est.values), { rtol: 1e-5 });
    tf.dispose([theta, ...est.grads, est.value, est.values, ...est.perSampleGrads!]);
  });

  it('names the argument on bad input (a non-reparameterizable distribution included) and leaves nothing behind', () => {
    const theta = tf.tensor1d([0, 1]);
    expectThrowsClean(() => reparameterizationGradient((z) => z, ([l]) => new Categorical({ logits: l! }) as never, [theta], { samples: 2 }), /reparameterizationGradient: makeDistribution\(params\) must be a reparameterized distribution \(with rsample; .*use scoreFunctionGradient.*\), got a Categorical distribution/);
    expectThrowsClean(() => reparameterizationGradient((z) => z, () => ({ sample: () => tf.zeros([1]) }) as never, [theta], { samples: 2 }), /reparameterizationGradient: makeDistribution\(params\) must be a reparameterized distribution \(with rsample/);
    expectThrowsClean(() => reparameterizationGradient((z) => z, ([t]) => new Normal({ loc: t!, scale: 1 }), [theta], { samples: -1 }), /reparameterizationGradient: options\.samples must be an integer ≥ 1, got -1/);
    expectThrowsClean(() => reparameterizationGradient((z) => z, ([t]) => new Normal({ loc: t!, scale: 1 }), [theta], { samples: 2, perSample: 1 as never }), /options\.perSample must be a boolean, got 1/);
    const ints = tf.tensor1d([1], 'int32');
    expectThrowsClean(() => reparameterizationGradient((z) => z, ([t]) => new Normal({ loc: t!, scale: 1 }), [ints], { samples: 2 }), /params\[0\] must be a float32 tensor/);
    tf.dispose([theta, ints]);
  });
});
