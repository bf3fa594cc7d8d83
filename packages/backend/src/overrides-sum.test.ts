// The leading-axes Sum against tfjs's own: the same bits on cpu (same order, float64 accumulation), within
// the float32 summation bound on wasm (a GEMM sums in another order), every other reduction untouched.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { chooseBackend, enableFastColumnSum } from './index.js';

// the test files of a worker share one engine (isolate: false) and chooseBackend installs these overrides by
// default: start from tfjs's own kernels and gradients whatever ran before
beforeAll(async () => {
  await chooseBackend(tf.getBackend() as 'cpu' | 'wasm', { fastMatMulGradient: false, kernelOverrides: false });
});
import { cachedOnesLengths } from './kernels/ones-cache.js';

const restores: (() => void)[] = [];
afterEach(() => {
  while (restores.length) restores.pop()!();
});
const enable = (...args: Parameters<typeof enableFastColumnSum>) => {
  const r = enableFastColumnSum(...args);
  restores.push(r);
  return r;
};
const onWasm = tf.getBackend() === 'wasm';

/** tfjs's sum and ours of the same tensor: values, shapes and dtypes. */
function both(x: tf.Tensor, axis: number | number[], keepDims = false): { tfjs: tf.Tensor; ours: tf.Tensor } {
  const tfjs = tf.sum(x, axis, keepDims);
  const restore = enableFastColumnSum();
  const ours = tf.sum(x, axis, keepDims);
  restore();
  return { tfjs, ours };
}

/** Column sums in float64 of x viewed as [n, m] (an independent reference), and Σ|x| per column. */
function reference(values: Float32Array, n: number, m: number): { sum: number[]; abs: number[] } {
  const sum = new Array<number>(m).fill(0);
  const abs = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    sum[j]! += values[i * m + j]!;
    abs[j]! += Math.abs(values[i * m + j]!);
  }
  return { sum, abs };
}

describe('enableFastColumnSum', () => {
  it.each([
    [[512, 64], 0],
    [[512, 2], [0]],
    [[7, 1], 0],
    [[1, 9], 0],
    [[6, 5, 4], [0, 1]],
    [[6, 5, 4], [-3]],
    [[3, 4, 5, 2], [1, 0, 2]],
  ] as [number[], number | number[]][])('sum(x of shape %j, axis %j): tfjs’s values (same bits on cpu), shape and dtype', (shape, axis) => {
    const x = tf.randomNormal(shape, 1, 3, 'float32', shape.length * 100 + shape[0]!);
    for (const keepDims of [false, true]) {
      const { tfjs, ours } = both(x, axis, keepDims);
      expect(ours.shape).toEqual(tfjs.shape);
      expect(ours.dtype).toBe('float32');
      const a = ours.dataSync() as Float32Array;
      const t = tfjs.dataSync() as Float32Array;
      if (!onWasm) {
        expect(Array.from(a)).toEqual(Array.from(t));
      } else {
        const k = typeof axis === 'number' ? 1 : axis.length;
        const n = shape.slice(0, k).reduce((p, d) => p * d, 1);
        const { sum, abs } = reference(x.dataSync() as Float32Array, n, a.length);
        // both float32 sums lie within n·ε·Σ|x| of the exact sum (ε = 2⁻²⁴; plus one rounding of the result)
        a.forEach((v, j) => {
          const bound = (n + 1) * 2 ** -24 * abs[j]!;
          expect(Math.abs(v - sum[j]!), `column ${j}`).toBeLessThanOrEqual(bound);
          expect(Math.abs(t[j]! - sum[j]!), `tfjs column ${j}`).toBeLessThanOrEqual(bound);
        });
      }
      tf.dispose([tfjs, ours]);
    }
    x.dispose();
  });

  it('±∞ and NaN in a column give the non-finite results tfjs gives', () => {
    const x = tf.tensor2d([[1, Infinity, NaN, Infinity, 2], [2, 1, 0, -Infinity, 3e38], [3, 5, 1, 0, 3e38]]);
    const { tfjs, ours } = both(x, 0);
    const a = Array.from(ours.dataSync());
    const t = Array.from(tfjs.dataSync());
    expect(a.map((v) => (Number.isFinite(v) ? 'finite' : String(v)))).toEqual(t.map((v) => (Number.isFinite(v) ? 'finite' : String(v))));
    expect(a.slice(3)).toEqual([NaN, Infinity]);
    tf.dispose([x, tfjs, ours]);
  });

  it('leaves every other reduction to tfjs: inner and all axes, int32, bool', () => {
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 7);
    const cases: [tf.Tensor, number | number[] | undefined][] = [
      [x, 1],
      [x, undefined],
      [tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32'), 0],
      [tf.tensor2d([[true, false], [true, true]], undefined, 'bool'), 0],
    ];
    for (const [t, axis] of cases) {
      const { tfjs, ours } = both(t, axis as number);
      expect(ours.dtype).toBe(tfjs.dtype);
      expect(ours.shape).toEqual(tfjs.shape);
      expect(Array.from(ours.dataSync())).toEqual(Array.from(tfjs.dataSync()));
      tf.dispose([tfjs, ours]);
    }
    tf.dispose(cases.map((c) => c[0]));
  });

  it('an empty leading axis sums to zeros (tfjs’s wasm kernel returns uninitialised memory)', () => {
    enable();
    const x = tf.zeros([0, 3]);
    const y = tf.sum(x, 0, true);
    expect(y.shape).toEqual([1, 3]);
    expect(Array.from(y.dataSync())).toEqual([0, 0, 0]);
    tf.dispose([x, y]);
  });

  it('bias gradients of a dense layer (Add’s gradient is sum(dy, 0)) match tfjs, still one Sum kernel', async () => {
    const h = tf.randomNormal([64, 16], 0, 1, 'float32', 8);
    const w = tf.randomNormal([16, 8], 0, 1, 'float32', 9);
    const b = tf.randomNormal([8], 0, 1, 'float32', 10);
    const db = () => tf.grad((v) => tf.sum(tf.square(tf.add(tf.matMul(h, w), v))))(b);
    const tfjs = db();
    enable();
    const profile = await tf.profile(() => tf.sum(h, 0));
    expect(profile.kernelNames).toEqual(['Sum']);
    const ours = db();
    const a = ours.dataSync();
    const t = tfjs.dataSync();
    t.forEach((v, j) => expect(Math.abs(a[j]! - v)).toBeLessThanOrEqual(onWasm ? 1e-5 * (1 + Math.abs(v)) : 0));
    tf.dispose([h, w, b, tfjs, ours, profile.result as tf.Tensor]);
  });

  it('caches one row of ones per backend and length on wasm (none on cpu), freed by the restore', () => {
    const restore = enableFastColumnSum();
    const x = tf.randomNormal([37, 3], 0, 1, 'float32', 11);
    const y = tf.randomNormal([37, 5], 0, 1, 'float32', 12);
    const z = tf.randomNormal([2, 3, 7], 0, 1, 'float32', 13);
    tf.dispose([tf.sum(x, 0), tf.sum(y, 0), tf.sum(x, 0), tf.sum(z, [0, 1])]);
    expect(cachedOnesLengths(tf.backend()).sort((p, q) => p - q)).toEqual(onWasm ? [6, 37] : []);
    restore();
    expect(cachedOnesLengths(tf.backend())).toEqual([]);
    tf.dispose([x, y, z]);
  });

  it('leaks no tensors', () => {
    enable();
    const x = tf.randomNormal([33, 6], 0, 1, 'float32', 14);
    tf.sum(x, 0).dispose(); // the first call on wasm makes the cached row (heap memory, not a tensor)
    expectNoLeaks(() => tf.sum(x, 0, true), 'sum');
    const b = tf.zeros([6]);
    expectNoLeaks(() => tf.grad((v) => tf.sum(tf.add(x, v)))(b), 'bias gradient');
    tf.dispose([x, b]);
  });

  it('is idempotent; the restore puts tfjs’s kernel back once; bad options throw first', () => {
    const sum = tf.getKernel('Sum', tf.getBackend());
    const r1 = enableFastColumnSum();
    const r2 = enableFastColumnSum({ backends: ['cpu'] });
    r2();
    expect(tf.getKernel('Sum', tf.getBackend())).not.toBe(sum);
    r1();
    r1();
    expect(tf.getKernel('Sum', tf.getBackend())).toBe(sum);
    const other = onWasm ? 'cpu' : 'wasm';
    const r3 = enableFastColumnSum({ backends: [other] });
    expect(tf.getKernel('Sum', tf.getBackend())).toBe(sum);
    r3();
    expectThrowsClean(() => enableFastColumnSum({ backends: 'wasm' } as never), /^enableFastColumnSum: options.backends must be an array of backend names among 'cpu', 'wasm', got wasm$/);
    expectThrowsClean(() => enableFastColumnSum({ axis: 0 } as never), /^enableFastColumnSum: unknown option 'axis' \(valid: 'backends'\)$/);
    expect(tf.getKernel('Sum', tf.getBackend())).toBe(sum);
  });
});
