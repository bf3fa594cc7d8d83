// The second-order fix in its home package: a wrong value and a throw of tfjs 4.22 made right, and the
// registry put back. The full table of kernels is pinned in @genmod/adversarial, which re-exports these.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectClose } from '@genmod-internal/testing';
import { disableHigherOrderGradients, enableHigherOrderGradients, higherOrderGradientKernels, higherOrderGradientsEnabled } from './index.js';

afterEach(() => {
  disableHigherOrderGradients();
  expect(higherOrderGradientsEnabled()).toBe(false);
});

const d2 = (f: (u: tf.Tensor) => tf.Tensor, x: number) => tf.tidy(() => tf.grad((v) => tf.grad(f)(v))(tf.scalar(x)).dataSync()[0]!);

describe('enableHigherOrderGradients', () => {
  it('d²/dx² tanh(x)² is right with it (tfjs drops a term without it)', () => {
    const t = Math.tanh(0.5);
    const exact = 2 * (1 - t * t) * (1 - 3 * t * t);
    const f = (u: tf.Tensor) => tf.square(tf.tanh(u));
    expect(Math.abs(d2(f, 0.5) - exact)).toBeGreaterThan(0.1);
    const restore = enableHigherOrderGradients();
    expect(higherOrderGradientsEnabled()).toBe(true);
    expectClose(d2(f, 0.5), exact, { rtol: 1e-4 });
    expectClose(d2((u) => tf.exp(u), 0.3), Math.exp(0.3), { rtol: 1e-5 });
    restore();
    expect(higherOrderGradientsEnabled()).toBe(false);
  });

  it('differentiates twice through leakyRelu (comparison ops get the zero gradient)', () => {
    const f = (u: tf.Tensor) => tf.mul(tf.leakyRelu(u, 0.2), u);
    expect(() => d2(f, -1)).toThrow(/gradient function not found/);
    enableHigherOrderGradients();
    expectClose(d2(f, -1), 0.4, { rtol: 1e-5 });
    expectClose(d2(f, 2), 2, { rtol: 1e-5 });
  });

  it('lists the kernels it re-registers', () => {
    expect(higherOrderGradientKernels.recomputed).toEqual(['Tanh', 'Sigmoid', 'Exp', 'Softmax', 'Elu', 'Pow', 'AvgPoolGrad']);
    expect(higherOrderGradientKernels.zeroGradient).toContain('Greater');
  });
});
