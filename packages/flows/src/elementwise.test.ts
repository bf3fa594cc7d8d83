// Values against closed forms, and the errors, of the simple bijectors (the invariants are in bijectors.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectThrowsClean } from '@genmod-internal/testing';
import { exp, sigmoid, softplus, tanh } from './elementwise.js';
import { affine, scale, shift } from './affine.js';
import { permute, reverse } from './permute.js';
import { chain, invert } from './chain.js';
import { softClamp, tanhBound } from './log-scale-bound.js';

const xs = [-30, -2, -0.5, 0, 0.7, 3, 30];
const f64 = {
  softplus: (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
};

describe('elementwise bijectors against float64 closed forms', () => {
  it.each([
    ['exp', exp, Math.exp, (x: number) => x],
    ['softplus', softplus, f64.softplus, (x: number) => -f64.softplus(-x)],
    ['sigmoid', sigmoid, f64.sigmoid, (x: number) => -f64.softplus(-x) - f64.softplus(x)],
    ['tanh', tanh, Math.tanh, (x: number) => Math.log(4) - 2 * Math.abs(x) - 2 * Math.log1p(Math.exp(-2 * Math.abs(x)))],
  ] as const)('%s: y and log|dy/dx|', (_n, make, f, logDeriv) => {
    const { y, logDet } = make().forward(tf.tensor1d(xs));
    expectClose(y, xs.map(f), { rtol: 1e-6, atol: 1e-7, label: 'y' });
    expectClose(logDet, xs.map(logDeriv), { rtol: 1e-5, atol: 1e-5, label: 'logDet' });
  });

  it('shift, scale, affine and their broadcasting', () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    expectClose(shift([10, 20]).forward(x).y, [[11, 22], [13, 24]], { label: 'shift' });
    const s = scale([-2, 0.5]).forward(x);
    expectClose(s.y, [[-2, 1], [-6, 2]], { label: 'scale' });
    expectClose(s.logDet, [[Math.LN2, -Math.LN2], [Math.LN2, -Math.LN2]], { label: 'log|s|' });
    expectClose(affine({ shift: 1, scale: 3 }).inverse(x).x, [[0, 1 / 3], [2 / 3, 1]], { label: 'affine inverse' });
  });

  it('permute, reverse, chain order (f₁ ∘ f₂) and invert', () => {
    const x = tf.tensor2d([[1, 2, 3]]);
    expectClose(permute([2, 0, 1]).forward(x).y, [[3, 1, 2]], { label: 'permute' });
    expectClose(permute([2, 0, 1]).inverse(tf.tensor2d([[3, 1, 2]])).x, [[1, 2, 3]], { label: 'permute inverse' });
    expectClose(reverse().forward(x).y, [[3, 2, 1]], { label: 'reverse' });
    // chain(shift(1), scale(2)) = x ↦ 2x + 1: the last bijector acts first
    const c = chain(shift(1), scale(2)).forward(x);
    expectClose(c.y, [[3, 5, 7]], { label: 'chain forward' });
    expectClose(c.logDet, [[Math.LN2, Math.LN2, Math.LN2]], { label: 'elementwise parts: event rank 0' });
    const withPermute = chain(permute([1, 0, 2]), scale(2)).forward(x);
    expectClose(withPermute.logDet, [3 * Math.LN2], { label: 'with a rank-1 part: summed over the event' });
    expectClose(invert(exp()).forward(tf.tensor1d([1, Math.E])).y, [0, 1], { label: 'invert(exp) = log' });
  });

  it('log-scale bounds: slope 1 at 0, saturating at ±limit', () => {
    expectClose(tanhBound(2)(tf.tensor1d([0, 1e-3, 1e6, -1e6])), [0, 1e-3, 2, -2], { rtol: 1e-5, atol: 1e-7, label: 'tanhBound' });
    expectClose(softClamp(3)(tf.tensor1d([0, 1e-3, 1e9, -1e9])), [0, 1e-3, 3, -3], { rtol: 1e-5, atol: 1e-7, label: 'softClamp' });
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => permute([0, 2]), /permute: perm must be a permutation of 0, …, D − 1 \(each index once\), got \[0, 2\]/);
    expectThrowsClean(() => permute([1, 1, 0]), /permute: perm must be a permutation .*, got \[1, 1, 0\]/);
    const x = tf.zeros([2, 4]);
    expectThrowsClean(() => permute([1, 0, 2]).forward(x), /permute\.forward: x must be a float32 tensor of shape \[\.\.\., 3\], got a float32 tensor of shape \[2, 4\]/);
    const s = tf.scalar(1);
    expectThrowsClean(() => reverse().forward(s), /reverse\.forward: x must be a float32 tensor of rank ≥ 1 \(event rank 1\), got a float32 tensor of shape \[\]/);
    expectThrowsClean(() => chain(exp(), {} as never), /chain: bijectors\[1\] must be a bijector/);
    expectThrowsClean(() => invert(null as never), /invert: bijector must be a bijector .*, got null/);
    const ints = tf.zeros([2], 'int32');
    expectThrowsClean(() => exp().forward(ints), /exp\.forward: x must be a float32 tensor, got a int32 tensor of shape \[2\]/);
    expectThrowsClean(() => shift(ints), /shift: shift must be a float32 tensor, got a int32 tensor of shape \[2\]/);
    expectThrowsClean(() => tanhBound(0), /tanhBound: limit must be a finite number > 0, got 0/);
    expectThrowsClean(() => chain(permute([1, 0])).forward(s), /chain\.forward: x must be a float32 tensor of rank ≥ 1/);
    tf.dispose([x, s, ints]);
  });
});
