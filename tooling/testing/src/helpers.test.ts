import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient } from './gradcheck.js';
import { expectNoLeaks, expectThrowsClean } from './leaks.js';

// The helpers must be able to fail: each is shown catching the defect it exists for.
describe('expectNoLeaks / expectThrowsClean', () => {
  it('accepts returned tensors and catches a leaked one', () => {
    const t = expectNoLeaks(() => tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2))));
    t.dispose();
    let leaked: tf.Tensor | undefined;
    expect(() =>
      expectNoLeaks(() => {
        leaked = tf.scalar(3);
        return tf.scalar(4);
      }),
    ).toThrow(/leaked 1 tensor/);
    leaked?.dispose();
  });

  it('catches a throw that leaves tensors behind', () => {
    let left: tf.Tensor | undefined;
    expect(() =>
      expectThrowsClean(() => {
        left = tf.scalar(1);
        throw new Error('bad input');
      }, /bad input/),
    ).toThrow(/tensors left behind/);
    left?.dispose();
    expect(() => expectThrowsClean(() => 1, /x/)).toThrow(/expected the call to throw/);
  });
});

describe('checkGradient', () => {
  it('accepts a correct gradient and rejects a wrong custom one', () => {
    const x = tf.tensor1d([0.3, -1.2, 2]);
    checkGradient((v) => tf.sum(tf.mul(tf.exp(v), tf.sin(v))) as tf.Scalar, x);
    const wrong = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const v = args[0] as tf.Tensor;
      return { value: tf.sum(tf.square(v)), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(v, 3)) };
    }) as (v: tf.Tensor) => tf.Scalar;
    expect(() => checkGradient(wrong, x)).toThrow(/autodiff .* vs finite difference/);
    x.dispose();
  });
  it('compares element by element: a small element 50 % wrong fails beside a large correct one', () => {
    // f = 10·x₀² + x₁² at (1, 0.1): ∂f/∂x₁ = 0.2 is 1 % of the largest element (20); the custom gradient
    // gives 0.3. The old tolerance (atol + rtol·max|g| = 0.2) let that pass; element-wise it fails.
    const x = tf.tensor1d([1, 0.1]);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.square(v), tf.tensor1d([10, 1]))) as tf.Scalar;
    checkGradient(f, x, { eps: 1e-2 });
    const halfWrong = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const v = args[0] as tf.Tensor;
      return { value: f(v), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(v, tf.tensor1d([20, 3]))) };
    }) as (v: tf.Tensor) => tf.Scalar;
    expect(() => checkGradient(halfWrong, x, { eps: 1e-2 })).toThrow(/element 1: autodiff 0\.3/);
    x.dispose();
  });
});
