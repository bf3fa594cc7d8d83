import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGradient, expectNoLeaks } from '@genmod-internal/testing';
import { chooseBackend, enableBroadcastSumGradient } from './index.js';
import { broadcastInto } from './kernels/broadcast.js';

const initial = tf.getBackend() as 'cpu' | 'wasm';
beforeAll(async () => {
  await chooseBackend(initial, { fastMatMulGradient: false, kernelOverrides: false });
});
afterAll(async () => {
  await chooseBackend(initial, { fastMatMulGradient: false, kernelOverrides: false });
});

/** The gradient of sum(w·x, axes) with respect to x, as a flat array, and what the backward pass uploaded. */
function gradOfSum(shape: number[], axes: number | number[] | undefined, keepDims: boolean) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
  const outShape = tf.sum(x, axes, keepDims).shape;
  const w = tf.randomNormal(outShape, 0, 1, 'float32', 4);
  const made: number[] = [];
  const engine = tf.engine() as unknown as { makeTensor: (...a: unknown[]) => tf.Tensor };
  const makeTensor = engine.makeTensor;
  engine.makeTensor = (...a: unknown[]) => {
    const t = makeTensor.apply(engine, a);
    made.push(t.size);
    return t;
  };
  let dx: tf.Tensor;
  try {
    dx = tf.grad((v) => tf.sum(tf.mul(tf.sum(v, axes, keepDims), w)))(x);
  } finally {
    engine.makeTensor = makeTensor;
  }
  const values = Array.from(dx.dataSync());
  tf.dispose([x, w, dx]);
  return { values, largestUpload: Math.max(0, ...made) };
}

describe('the GenmodBroadcast kernel (broadcastInto)', () => {
  it('equals tf.broadcastTo on every pattern of broadcast axes up to rank 4', () => {
    const shapes = [[], [5], [3, 4], [2, 3, 4], [2, 3, 1, 5]];
    for (const out of shapes) {
      // every subset of axes set to 1 in the input
      for (let mask = 0; mask < 1 << out.length; mask++) {
        const inShape = out.map((d, a) => (mask & (1 << a) ? 1 : d));
        const x = tf.randomNormal(inShape, 0, 1, 'float32', mask + 1);
        const broadcast = tf.broadcastTo(x, out);
        const expected = Array.from(broadcast.dataSync());
        const got = new Float32Array(out.reduce((p, d) => p * d, 1));
        broadcastInto(x.dataSync() as Float32Array, inShape, got, out);
        expect(Array.from(got), `[${inShape}] → [${out}]`).toEqual(expected);
        tf.dispose([x, broadcast]);
      }
    }
  });
});

describe('enableBroadcastSumGradient', () => {
  it('equals tfjs’s gradient bit for bit (any axes, keepDims, rank 0 to 4) and uploads no tensor of ones', () => {
    const cases: Array<[number[], number | number[] | undefined, boolean]> = [
      [[], undefined, false],
      [[7], 0, false],
      [[64, 33], 1, false],
      [[64, 33], 0, true],
      [[4, 5, 6], [0, 2], false],
      [[2, 3, 4, 5], undefined, true],
      [[2, 3, 4, 5], [-1, 1], false],
    ];
    for (const [shape, axes, keepDims] of cases) {
      const tfjs = gradOfSum(shape, axes, keepDims);
      const restore = enableBroadcastSumGradient();
      const ours = gradOfSum(shape, axes, keepDims);
      restore();
      expect(ours.values).toEqual(tfjs.values);
      const size = shape.reduce((a, b) => a * b, 1);
      // tfjs's gradient uploads ones of x's size (for x of more than one element); ours nothing that large
      if (size > 1) expect(tfjs.largestUpload).toBe(size);
      expect(ours.largestUpload).toBeLessThan(Math.max(2, size));
    }
  });

  it('is one kernel (GenmodBroadcast on cpu and wasm) where tfjs runs a Multiply, leaks nothing, and has a second derivative', async () => {
    const restore = enableBroadcastSumGradient();
    try {
      const x = tf.randomNormal([8, 5], 0, 1, 'float32', 9);
      const p = await tf.profile(() => tf.grad((v) => tf.sum(tf.sum(v, 1)))(x));
      expect(p.kernelNames).toContain('GenmodBroadcast');
      expect(p.kernelNames).not.toContain('Multiply');
      tf.dispose(p.result as tf.Tensor);
      expectNoLeaks(() => tf.grad((v) => tf.sum(tf.square(tf.sum(v, 0))))(x), 'grad of a sum');
      // d²/dx² of Σ_j (Σ_i x_ij)² through the gradient: checked element by element against finite differences
      checkGradient((v) => tf.sum(tf.mul(tf.grad((u) => tf.sum(tf.square(tf.sum(u, 0))))(v), v)), x, { label: 'second derivative' });
      x.dispose();
    } finally {
      restore();
    }
  });

  it('is idempotent, and its restore puts tfjs’s gradient back once', () => {
    const tfjs = tf.getGradient('Sum');
    const restore = enableBroadcastSumGradient();
    const mine = tf.getGradient('Sum');
    expect(mine).not.toBe(tfjs);
    const again = enableBroadcastSumGradient();
    expect(tf.getGradient('Sum')).toBe(mine);
    again();
    expect(tf.getGradient('Sum')).toBe(mine);
    restore();
    restore();
    expect(tf.getGradient('Sum')).toBe(tfjs);
  });
});
