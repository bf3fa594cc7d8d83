import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { gradcheck, gradgradcheck } from './gradcheck.js';

/** x ↦ x² with a deliberately wrong gradient (3x instead of 2x) on the elements > 1 */
const wrongSquare = (x: Tensor) =>
  tf.customGrad((...args: unknown[]) => {
    const v = args[0] as Tensor;
    return { value: tf.square(v), gradFunc: (dy: Tensor) => tf.mul(dy, tf.mul(v, tf.add(2, tf.cast(tf.greater(v, 1), 'float32')))) };
  })(x) as Tensor;

describe('gradcheck', () => {
  it('passes on correct gradients, several inputs, non-scalar outputs', () => {
    const a = tf.tensor2d([[0.3, -1.2], [0.8, 2.0]]);
    const b = tf.tensor1d([0.5, -0.25]);
    const report = expectNoLeaks(() => gradcheck((x, y) => tf.tanh(tf.add(tf.matMul(x!, tf.reshape(y!, [2, 1])), 0.1)), [a, b]));
    expect(report.ok).toBe(true);
    expect(report.inputs).toHaveLength(2);
    expect(report.inputs[0]!.analytic).toHaveLength(4);
    expect(report.maxAbsError).toBeLessThan(1e-4);
    tf.dispose([a, b]);
  });

  it('detects a wrong gradient and names the input and element', () => {
    const a = tf.tensor1d([0.5, -0.3]);
    const b = tf.tensor1d([0.2, 1.5, -0.7]);
    const f = (x: Tensor, y: Tensor) => tf.add(tf.sum(tf.square(x)), tf.sum(wrongSquare(y)));
    expectThrowsClean(() => gradcheck((x, y) => f(x!, y!), [a, b]), /^gradcheck: /, /worst: input 1, flat element 1 of 3/, /analytic 4\.5\d* vs numeric (3|2\.99)/);
    const report = gradcheck((x, y) => f(x!, y!), [a, b], { raiseException: false });
    expect(report.ok).toBe(false);
    expect(report.worstInput).toBe(1);
    expect(report.inputs[0]!.failures).toBe(0);
    expect(report.inputs[1]!.failures).toBe(1);
    expect(report.inputs[1]!.worstIndex).toBe(1);
    tf.dispose([a, b]);
  });

  it('gives a zero gradient to an input f ignores', () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([3]);
    const report = gradcheck((x) => tf.sum(tf.square(x!)), [a, b]);
    expect(Array.from(report.inputs[1]!.analytic)).toEqual([0]);
    tf.dispose([a, b]);
  });

  it('uses the label and the tolerances given', () => {
    const a = tf.tensor1d([2]);
    // 3·2 = 6 analytic vs 4 numeric: passes only with a loose enough tolerance
    expect(gradcheck((x) => tf.sum(wrongSquare(x!)), [a], { atol: 2.5, raiseException: false }).ok).toBe(true);
    expectThrowsClean(() => gradcheck((x) => tf.sum(wrongSquare(x!)), [a], { label: 'my op' }), /^my op: /);
    a.dispose();
  });

  it('refuses bad arguments before allocating', () => {
    const i = tf.tensor1d([1], 'int32');
    const x = tf.tensor1d([1]);
    expectThrowsClean(() => gradcheck(undefined as never, [x]), /gradcheck: f must be a function/);
    expectThrowsClean(() => gradcheck((v) => v!, []), /inputs must be a non-empty array/);
    expectThrowsClean(() => gradcheck((v) => v!, [i]), /inputs\[0\] must be a float32 tensor/, /int32/);
    expectThrowsClean(() => gradcheck((v) => v!, [x], { eps: 0 }), /options.eps must be a finite number > 0/);
    expectThrowsClean(() => gradcheck((v) => v!, [x], { raiseException: 'no' as never }), /raiseException must be a boolean/);
    tf.dispose([i, x]);
  });
});

describe('gradgradcheck', () => {
  it('passes on smooth functions (second derivatives of sin, products, matMul)', () => {
    const a = tf.tensor2d([[0.3, -1.2], [0.8, 0.4]]);
    const b = tf.tensor1d([0.5, -0.25]);
    const report = expectNoLeaks(() =>
      gradgradcheck((x, y) => tf.sum(tf.square(tf.sin(tf.matMul(x!, tf.reshape(y!, [2, 1]))))), [a, b]),
    );
    expect(report.ok).toBe(true);
    tf.dispose([a, b]);
  });

  it('handles functions linear in their inputs (a constant gradient)', () => {
    const a = tf.tensor1d([0.3, -1.2]);
    const report = gradgradcheck((x) => tf.mul(x!, 3), [a]);
    expect(report.ok).toBe(true);
    expect(Array.from(report.inputs[0]!.analytic)).toEqual([0, 0]);
    a.dispose();
  });

  it('detects a gradient whose own derivative is wrong', () => {
    // f = Σ x³ written as x·x² with a customGrad whose backward treats the saved output as a constant
    const cube = (x: Tensor) =>
      tf.customGrad((...args: unknown[]) => {
        const [v, save] = args as [Tensor, tf.GradSaveFunc];
        const y = tf.mul(v, tf.square(v));
        save([y]);
        return { value: y, gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(dy, tf.mul(3, tf.div(saved[0]!, v))) };
      })(x) as Tensor;
    const a = tf.tensor1d([0.7, 1.3]);
    expect(gradcheck((x) => tf.sum(cube(x!)), [a]).ok).toBe(true); // first order right
    expect(gradgradcheck((x) => tf.sum(cube(x!)), [a], { raiseException: false }).ok).toBe(false); // second wrong
    expectThrowsClean(() => gradgradcheck((x) => tf.sum(cube(x!)), [a]), /^gradgradcheck: .*worst: input 0/);
    a.dispose();
  });
});
