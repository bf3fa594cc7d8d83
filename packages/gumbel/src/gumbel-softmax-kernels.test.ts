// Kernel counts of gumbelSoftmax (issue 17, "fewer kernels in our own code"), pinned on the cpu backend's
// tf.profile kernel list, with the before/after in each comment. Counts, never times. The custom op itself
// is listed under its scope name 'gumbelSoftmax' (a wrapper, not a dispatch).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { deriveSeed } from '@genmod-internal/core';
import { expectClose } from '@genmod-internal/testing';
import { gumbelSoftmax } from './gumbel-softmax.js';

async function kernels(f: () => tf.TensorContainer): Promise<string[]> {
  const p = await tf.profile(() => f());
  return p.kernels.map((k) => k.name);
}

/** The number of reads back from the device (dataSync / data / arraySync) while `f` runs. */
function reads(f: () => tf.TensorContainer): number {
  const engine = tf.engine();
  const sync = vi.spyOn(engine, 'readSync');
  const async = vi.spyOn(engine, 'read');
  try {
    tf.dispose(f());
    return sync.mock.calls.length + async.mock.calls.length;
  } finally {
    sync.mockRestore();
    async.mockRestore();
  }
}

const logits = tf.randomNormal([8, 5], 0, 1, 'float32', 3);
const w = tf.randomNormal([8, 5], 0, 1, 'float32', 4);
afterAll(() => tf.dispose([logits, w]));
const loss = (o: Parameters<typeof gumbelSoftmax>[1]) => (l: tf.Tensor) => tf.sum(tf.mul(gumbelSoftmax(l, o), w));

describe('gumbelSoftmax kernels (cpu profile)', () => {
  it.runIf(tf.getBackend() === 'cpu')('forward: the noise fused into the perturbation, no second clip, no division by τ = 1', async () => {
    // before: ClipByValue ×2, Log, Neg, Log, Neg, Add, RealDiv, Softmax (9 + wrapper); after: 6 + wrapper
    expect(await kernels(() => gumbelSoftmax(logits, { seed: 1 }))).toEqual(['ClipByValue', 'Log', 'Neg', 'Log', 'Sub', 'Softmax', 'gumbelSoftmax']);
    // τ ≠ 1 keeps its division: 7 + wrapper (was 9 + wrapper)
    expect(await kernels(() => gumbelSoftmax(logits, { seed: 1, temperature: 0.5 }))).toHaveLength(8);
    // hard: ArgMax, OneHot, Cast (was ArgMax, Cast, OneHot, Cast: the int32 indices are no longer re-cast)
    expect((await kernels(() => gumbelSoftmax(logits, { seed: 1, hard: true }))).slice(6, 9)).toEqual(['ArgMax', 'OneHot', 'Cast']);
  });

  it.runIf(tf.getBackend() === 'cpu')('forward + backward: the tape keeps y only (one Identity), the backward is four kernels', async () => {
    // before: 21 kernels, 7 of them Identity (the tape's copies of the noise chain's inputs and of g);
    // after: 12, one Identity (the saved y), backward Multiply, Sum, Sub, Multiply (no RealDiv for τ = 1, no
    // clone for the noise's gradient)
    const names = await kernels(() => tf.grad((l: tf.Tensor) => gumbelSoftmax(l, { seed: 1 }))(logits));
    expect(names.filter((n) => n === 'Identity')).toHaveLength(1);
    expect(names).toEqual(['ClipByValue', 'Log', 'Neg', 'Log', 'Sub', 'Softmax', 'Identity', 'gumbelSoftmax', 'Multiply', 'Sum', 'Sub', 'Multiply']);
    // hard, axis 0: was 30 (7 Identity), now 20 (1 Identity)
    expect(await kernels(() => tf.grad((l: tf.Tensor) => gumbelSoftmax(l, { seed: 1, hard: true, axis: 0 }))(logits))).toHaveLength(20);
  });

  it('reads nothing back from the device, forward or backward', () => {
    expect(reads(() => gumbelSoftmax(logits, { seed: 1, hard: true }))).toBe(0);
    expect(reads(() => tf.grad(loss({ seed: 1, temperature: 0.3 }))(logits))).toBe(0);
  });

  it('draws the same noise as before: equal to softmax(logits + g) with g from the noise option', () => {
    // the caller's-noise path is the reference: g = −log(−log u) with u the same seeded clamped uniform
    const u = tf.clipByValue(tf.randomUniform([8, 5], 0, 1, 'float32', deriveSeed(1)), 1.1754943508222875e-38, 1 - 2 ** -24);
    const g = tf.neg(tf.log(tf.neg(tf.log(u))));
    for (const temperature of [1, 0.4]) {
      const a = gumbelSoftmax(logits, { seed: 1, temperature });
      const b = gumbelSoftmax(logits, { noise: g, temperature });
      expectClose(a, b, { rtol: 0, atol: 0, label: `τ = ${temperature}` });
      const ga = tf.grad(loss({ seed: 1, temperature }))(logits);
      const gb = tf.grad(loss({ noise: g, temperature }))(logits);
      expectClose(ga, gb, { rtol: 0, atol: 0, label: `gradient, τ = ${temperature}` });
      tf.dispose([a, b, ga, gb]);
    }
    tf.dispose([u, g]);
  });
});
