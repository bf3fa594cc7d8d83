// Zero-copy Identity and same-dtype Cast on wasm: shared buffers, and no aliasing bug whichever side is
// disposed, assigned or kept. On cpu (which already shares) the same invariants hold and nothing changes.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import { chooseBackend, enableZeroCopyIdentity } from './index.js';

// the test files of a worker share one engine (isolate: false) and chooseBackend installs these overrides by
// default: start from tfjs's own kernels and gradients whatever ran before
beforeAll(async () => {
  await chooseBackend(tf.getBackend() as 'cpu' | 'wasm', { fastMatMulGradient: false, kernelOverrides: false });
});

const restores: (() => void)[] = [];
afterEach(() => {
  while (restores.length) restores.pop()!();
});
const enable = () => {
  const r = enableZeroCopyIdentity();
  restores.push(r);
  return r;
};
const onWasm = tf.getBackend() === 'wasm';
const buffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

describe('enableZeroCopyIdentity', () => {
  it('clone and same-dtype cast share the buffer; other casts copy and convert like tfjs', () => {
    const x = tf.tensor1d([1.5, -2.5, 3.7]);
    const before = tf.clone(x);
    // tfjs-backend-wasm copies; the cpu backend already shares
    expect(before.dataId === x.dataId).toBe(!onWasm);
    const tfjsInt = Array.from(tf.cast(x, 'int32').dataSync());
    const tfjsBool = Array.from(tf.cast(x, 'bool').dataSync());
    enable();
    const y = tf.clone(x);
    const z = tf.cast(x, 'float32');
    expect(y.dataId).toBe(x.dataId);
    expect(z.dataId).toBe(x.dataId);
    const i = tf.cast(x, 'int32');
    const b = tf.cast(x, 'bool');
    expect(i.dataId).not.toBe(x.dataId);
    expect([i.dtype, b.dtype]).toEqual(['int32', 'bool']);
    expect(Array.from(i.dataSync())).toEqual(tfjsInt);
    expect(Array.from(b.dataSync())).toEqual(tfjsBool);
    expect(tf.cast(i, 'int32').dataId).toBe(i.dataId);
    tf.dispose([x, before, y, z, i, b]);
  });

  it('disposing either side leaves the other intact, and the buffer is freed with the last reference', () => {
    enable();
    const base = buffers();
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.clone(x);
    const z = tf.cast(y, 'float32');
    expect(buffers()).toBe(base + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3, 4]);
    expect(tf.tidy(() => tf.add(z, 1).arraySync())).toEqual([[2, 3], [4, 5]]);
    z.dispose();
    expect(buffers()).toBe(base);
  });

  it('Variables: assign moves the variable, never the clone; a clone of a variable outlives it', () => {
    enable();
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const c = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    const c2 = tf.clone(v);
    v.assign(tf.mul(v, 2));
    expect(Array.from(c2.dataSync())).toEqual([7, 8, 9]);
    v.dispose();
    expect(Array.from(c2.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([c, c2]);
  });

  it('tidy: a kept or returned clone survives, the rest is freed; gradients through saved tensors match tfjs', () => {
    const x = tf.randomNormal([6, 4], 0, 1, 'float32', 1);
    const w = tf.randomNormal([4, 3], 0, 1, 'float32', 2);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.tanh(tf.matMul(v, w)), tf.exp(tf.matMul(v, w))));
    const tfjs = tf.grad(f)(x);
    enable();
    const base = buffers();
    const kept = tf.tidy(() => {
      const a = tf.clone(x);
      tf.keep(tf.clone(a));
      return tf.clone(a);
    });
    expect(kept.dataId).toBe(x.dataId);
    expect(buffers()).toBe(base);
    const ours = expectNoLeaks(() => tf.grad(f)(x), 'gradient');
    expect(Array.from(ours.dataSync())).toEqual(Array.from(tfjs.dataSync()));
    tf.dispose([x, w, tfjs, ours, kept]);
  });

  it('is idempotent; the restore puts the copying kernels back once', () => {
    const identity = tf.getKernel('Identity', 'wasm');
    const cast = tf.getKernel('Cast', 'wasm');
    const r1 = enableZeroCopyIdentity();
    const r2 = enableZeroCopyIdentity();
    r2();
    if (onWasm) expect(tf.getKernel('Identity', 'wasm')).not.toBe(identity);
    r1();
    r1();
    expect(tf.getKernel('Identity', 'wasm')).toBe(identity);
    expect(tf.getKernel('Cast', 'wasm')).toBe(cast);
    const x = tf.tensor1d([1]);
    const y = tf.clone(x);
    expect(y.dataId === x.dataId).toBe(!onWasm);
    tf.dispose([x, y]);
  });
});
