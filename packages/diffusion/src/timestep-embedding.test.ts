import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { examplesGolden } from '../test/golden.js';
import { sinusoidalTimestepEmbedding } from './index.js';

const g = examplesGolden().timestep_embedding;

describe('sinusoidalTimestepEmbedding', () => {
  it('matches the golden [cos | sin] layout (numbers: float64 on the host, rounded once)', () => {
    const e = expectNoLeaks(() => sinusoidalTimestepEmbedding(g.t, g.dim, { maxPeriod: g.max_period }));
    expect(e.shape).toEqual([6, 16]);
    expectClose(e, g.embedding, { rtol: 0, atol: 1e-7, label: 'embedding' });
    e.dispose();
  });

  it('matches the golden values from an int32 or float32 tensor (float32 on the device: |t·f| ≤ 999 costs ~1e-4)', () => {
    for (const dtype of ['int32', 'float32'] as const) {
      const t = tf.tensor1d(g.t, dtype);
      const e = expectNoLeaks(() => sinusoidalTimestepEmbedding(t, g.dim));
      expectClose(e, g.embedding, { rtol: 0, atol: 2e-4, label: `embedding from ${dtype}` });
      tf.dispose([t, e]);
    }
  });

  it('pads an odd dim with a zero column and embeds a scalar t as [dim]', () => {
    const e = sinusoidalTimestepEmbedding([3, 7], 5);
    expect(e.shape).toEqual([2, 5]);
    const v = e.arraySync() as number[][];
    expect(v[0]![4]).toBe(0);
    expectClose([v[1]![0]!, v[1]![2]!], [Math.cos(7), Math.sin(7)], { rtol: 0, atol: 1e-7 });
    expect(sinusoidalTimestepEmbedding(4, 8).shape).toEqual([8]);
    const et = sinusoidalTimestepEmbedding(tf.scalar(4, 'int32'), 8);
    expectClose(et, sinusoidalTimestepEmbedding(4, 8), { rtol: 0, atol: 1e-6 });
    tf.dispose([e, et]);
  });

  it('is differentiable in a float t (continuous time)', () => {
    const t = tf.tensor1d([0.3, 2.5]);
    checkGradient((x) => tf.sum(tf.mul(sinusoidalTimestepEmbedding(x, 6), tf.range(0, 6))) as tf.Scalar, t, { eps: 1e-2 });
    t.dispose();
  });

  it('names bad arguments', () => {
    expectThrowsClean(() => sinusoidalTimestepEmbedding([1, 2], 0), /sinusoidalTimestepEmbedding: dim must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => sinusoidalTimestepEmbedding([[1, 2]], 4), /sinusoidalTimestepEmbedding: t must be of shape \[\] or \[B\], got shape \[1, 2\]/);
    expectThrowsClean(() => sinusoidalTimestepEmbedding([1], 4, { maxPeriod: 0 }), /options\.maxPeriod must be a finite number > 0, got 0/);
    expectThrowsClean(() => sinusoidalTimestepEmbedding('a' as never, 4), /t must be a tensor, a number or an array/);
  });
});
