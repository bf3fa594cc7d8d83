// Kernel counts of affineCoupling (issue 17, "fewer kernels in our own code"), pinned on the cpu backend's
// tf.profile kernel list with the before/after in each comment; counts, never times. The conditioner here
// is one MatMul + bias, so its kernels are Reshape, BatchMatMul, Reshape, Add.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { expectClose } from '@genmod-internal/testing';
import { affineCoupling } from './affine-coupling.js';

const D = 4;
const W = tf.randomNormal([D, 2 * D], 0, 0.5, 'float32', 1);
const b = tf.randomNormal([2 * D], 0, 0.5, 'float32', 2);
const x = tf.randomNormal([16, D], 0, 1, 'float32', 3);
const mask = [1, 0, 0, 1];
const layer = affineCoupling({ mask, conditioner: (v) => tf.add(tf.matMul(v, W), b) });
afterAll(() => {
  layer.dispose();
  tf.dispose([W, b, x]);
});

async function kernels(f: () => tf.TensorContainer): Promise<string[]> {
  return (await tf.profile(() => f())).kernels.map((k) => k.name);
}
const CONDITIONER = ['BatchMatMul', 'Add'];
const withoutFree = (names: string[]) => names.filter((n) => n !== 'Reshape');

describe('affineCoupling kernels (cpu profile)', () => {
  it.runIf(tf.getBackend() === 'cpu')('forward: y = x·exp(s) + t and Σ s, no mask products around it', async () => {
    // before: Multiply, [conditioner], SplitV, Tanh, Multiply, Multiply, Exp, Multiply, Add, Multiply, Add, Sum
    //         (11 besides the conditioner); after: 9
    const names = withoutFree(await kernels(() => layer.forward(x)));
    expect(names).toEqual(['Multiply', ...CONDITIONER, 'SplitV', 'Tanh', 'Multiply', 'Multiply', 'Exp', 'Multiply', 'Add', 'Sum']);
  });

  it.runIf(tf.getBackend() === 'cpu')('inverse: x = (y − t)·exp(−s) with −s from one product, log-det Σ(−s)', async () => {
    // before: Multiply, [conditioner], SplitV, Tanh, Multiply, Multiply, Sub, Neg, Exp, Multiply, Multiply, Add,
    //         Sum, Neg (13 besides the conditioner); after: 9
    const names = withoutFree(await kernels(() => layer.inverse(x)));
    expect(names).toEqual(['Multiply', ...CONDITIONER, 'SplitV', 'Tanh', 'Multiply', 'Multiply', 'Sub', 'Exp', 'Multiply', 'Sum']);
  });

  it.runIf(tf.getBackend() === 'cpu')('forward + backward of Σ y + Σ log-det: 9 kernels fewer', async () => {
    // before: 65 kernels besides Reshape (with this conditioner); after: 56
    const loss = (v: tf.Tensor) => {
      const { y, logDet } = layer.forward(v);
      return tf.add(tf.sum(y), tf.sum(logDet));
    };
    expect(withoutFree(await kernels(() => tf.grad(loss)(x)))).toHaveLength(56);
  });

  it('reads nothing back from the device', () => {
    const engine = tf.engine();
    const spies = [vi.spyOn(engine, 'readSync'), vi.spyOn(engine, 'read')];
    try {
      const f = layer.forward(x);
      const i = layer.inverse(f.y);
      tf.dispose([f.y, f.logDet, i.x, i.logDet]);
      expect(spies.map((s) => s.mock.calls.length)).toEqual([0, 0]);
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });

  it('equals the masked form x ⊙ m + (1 − m) ⊙ (x ⊙ exp(s) + t), bit for bit, and passes masked coordinates through', () => {
    const m = tf.tensor1d(mask);
    const notM = tf.tensor1d(mask.map((v) => 1 - v));
    const out = tf.add(tf.matMul(tf.mul(x, m), W), b);
    const [t, raw] = tf.split(out, 2, -1) as [tf.Tensor, tf.Tensor];
    const s = tf.mul(tf.tanh(raw), notM);
    const ref = tf.add(tf.mul(x, m), tf.mul(notM, tf.add(tf.mul(x, tf.exp(s)), tf.mul(t, notM))));
    const { y, logDet } = layer.forward(x);
    expectClose(y, ref, { rtol: 0, atol: 0, label: 'y' });
    expectClose(logDet, tf.sum(s, -1), { rtol: 0, atol: 0, label: 'log-det' });
    const kept = tf.gather(y, [0, 3], 1);
    expectClose(kept, tf.gather(x, [0, 3], 1), { rtol: 0, atol: 0, label: 'masked coordinates' });
    tf.dispose([m, notM, out, t, raw, s, ref, y, logDet, kept]);
  });
});
