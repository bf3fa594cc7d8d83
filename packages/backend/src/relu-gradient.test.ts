// The one-kernel Relu/LeakyRelu gradients against tfjs's own, element by element (bits, signs of zero and
// NaN included), first and second order, on whichever backend the suite runs (cpu, or wasm).
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { chooseBackend, enableFusedReluGradients, enableHigherOrderGradients } from './index.js';

// the test files of a worker share one engine (isolate: false) and chooseBackend installs these overrides by
// default: start from tfjs's own kernels and gradients whatever ran before
beforeAll(async () => {
  await chooseBackend(tf.getBackend() as 'cpu' | 'wasm', { fastMatMulGradient: false, kernelOverrides: false });
});

const restores: (() => void)[] = [];
afterEach(() => {
  while (restores.length) restores.pop()!();
});
const enable = (...args: Parameters<typeof enableFusedReluGradients>) => {
  const r = enableFusedReluGradients(...args);
  restores.push(r);
  return r;
};

/** Object.is element by element: the same float32 values, −0 and NaN included. */
function expectSameFloats(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${label}: element ${i} is ${actual[i]}, tfjs gives ${expected[i]}`);
  }
}

// x covers both sides of the kink, ±0, subnormals, huge values and ±∞; NaN separately (backends differ)
const special = [-3, -1e-30, -1e-45, -0, 0, 1e-45, 1e-30, 0.5, 2, -1e38, 1e38, Infinity, -Infinity];
function inputs(seed: number, n = 64): { x: tf.Tensor; dy: tf.Tensor } {
  return tf.tidy(() => {
    const xs = tf.concat([tf.tensor1d(special), tf.randomNormal([n], 0, 1, 'float32', seed)]);
    const dy = tf.concat([tf.tensor1d([1, -2, Infinity, -1, 3, -Infinity, 0, -0, 1e-40, 7, -7, 1, -1]), tf.randomNormal([n], 0, 2, 'float32', seed + 1)]);
    return { x: tf.reshape(xs, [special.length + n]), dy };
  });
}

/** The gradient tfjs's registered gradient function gives for dy at x. */
function gradOf(kernel: 'Relu' | 'LeakyRelu', dy: tf.Tensor, x: tf.Tensor, alpha?: number): Float32Array {
  return tf.tidy(() => {
    const g = tf.getGradient(kernel)!.gradFunc(dy, [x], (alpha === undefined ? {} : { alpha }) as tf.NamedAttrMap) as Record<string, () => tf.Tensor>;
    return g.x!().dataSync() as Float32Array;
  });
}

describe('enableFusedReluGradients', () => {
  it.each([0.01, 0.2, 0, 1, 1.7, -0.3])('leakyRelu(α = %s): the same float32 values as tfjs, ±0 and ±∞ included', (alpha) => {
    const { x, dy } = inputs(1);
    const tfjs = gradOf('LeakyRelu', dy, x, alpha);
    enable();
    expectSameFloats(gradOf('LeakyRelu', dy, x, alpha), tfjs, `leakyRelu α=${alpha}`);
    tf.dispose([x, dy]);
  });

  it('relu: the same float32 values as tfjs, ±0, ±∞ and NaN included', () => {
    const { x: x0, dy: dy0 } = inputs(2);
    const x = tf.concat([x0, tf.tensor1d([NaN, NaN, 1])]);
    const dy = tf.concat([dy0, tf.tensor1d([1, NaN, NaN])]);
    const tfjs = gradOf('Relu', dy, x);
    enable();
    expectSameFloats(gradOf('Relu', dy, x), tfjs, 'relu');
    tf.dispose([x0, dy0, x, dy]);
  });

  it('leakyRelu at NaN x: NaN like relu (tfjs gives α·dy), the one documented difference', () => {
    const x = tf.tensor1d([NaN, NaN, 2, -1]);
    const dy = tf.tensor1d([3, NaN, NaN, 2]);
    const tfjs = gradOf('LeakyRelu', dy, x, 0.1);
    expect(tfjs[0]).toBeCloseTo(0.3, 6);
    enable();
    expectSameFloats(gradOf('LeakyRelu', dy, x, 0.1), [NaN, NaN, NaN, tfjs[3]!], 'leakyRelu NaN');
    tf.dispose([x, dy]);
  });

  it('through tf.grad on a rank-3 tensor, and relu of int32 input', () => {
    const x = tf.randomNormal([4, 5, 6], 0, 1, 'float32', 3);
    const xi = tf.tensor2d([[-2, 0], [3, 1]], undefined, 'int32');
    const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, 0.05), v));
    const g = (v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), tf.cast(v, 'float32')));
    const before = [tf.grad(f)(x), tf.grad(g)(xi)].map((t) => t.dataSync() as Float32Array);
    enable();
    const after = [tf.grad(f)(x), tf.grad(g)(xi)].map((t) => t.dataSync() as Float32Array);
    expectSameFloats(after[0]!, before[0]!, 'rank-3 leakyRelu');
    expectSameFloats(after[1]!, before[1]!, 'int32 relu');
  });

  it('is one kernel in the backward pass (tfjs: Greater, Multiply, Select / Step, Cast, Multiply)', async () => {
    const x = tf.randomNormal([8, 8], 0, 1, 'float32', 4);
    const dy = tf.randomNormal([8, 8], 0, 1, 'float32', 5);
    const kernels = async (k: 'Relu' | 'LeakyRelu') => (await tf.profile(() => { gradOf(k, dy, x, 0.1); })).kernelNames;
    expect(await kernels('LeakyRelu')).toEqual(expect.arrayContaining(['Greater', 'Multiply', 'Select']));
    expect(await kernels('Relu')).toEqual(['Step', 'Cast', 'Multiply']);
    enable();
    expect(await kernels('LeakyRelu')).toEqual(['GenmodStepMul']);
    expect(await kernels('Relu')).toEqual(['GenmodStepMul']);
    tf.dispose([x, dy]);
  });

  it('second order: equal to tfjs (leakyRelu: tfjs with enableHigherOrderGradients) and to 2·s(x)·w', () => {
    // g(u) = Σ act(u)·u, ∂g/∂u = s(u)·u + act(u); h(x) = Σ w·∂g/∂u(x), ∂h/∂x = 2·s(x)·w (s' = 0 a.e.)
    const x = tf.tensor1d([-2, -0.5, 0.3, 1.5, -1, 4]);
    const w = tf.tensor1d([1, -2, 3, 0.5, 7, -1]);
    const h2 = (act: (u: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => tf.grad((v) => tf.sum(tf.mul(w, tf.grad((u) => tf.sum(tf.mul(act(u), u)))(v))))(x).dataSync() as Float32Array);
    const leaky = (u: tf.Tensor) => tf.leakyRelu(u, 0.2);
    const relu = (u: tf.Tensor) => tf.relu(u);
    expect(() => h2(leaky)).toThrow(/gradient function not found for Greater/);
    const tfjsRelu = h2(relu);
    const hog = enableHigherOrderGradients();
    const tfjsLeaky = h2(leaky);
    hog();
    enable();
    const oursLeaky = h2(leaky);
    expectSameFloats(oursLeaky, tfjsLeaky, 'd²(leakyRelu)');
    expectSameFloats(h2(relu), tfjsRelu, 'd²(relu)');
    const xs = x.arraySync() as number[];
    const ws = w.arraySync() as number[];
    expect(Array.from(oursLeaky)).toEqual(xs.map((v, i) => 2 * (v > 0 ? 1 : Math.fround(0.2)) * ws[i]!).map(Math.fround));
    tf.dispose([x, w]);
  });

  it('leaks nothing: gradients, second order, the kernel itself', () => {
    enable();
    const x = tf.randomNormal([16, 3], 0, 1, 'float32', 6);
    expectNoLeaks(() => tf.grad((v) => tf.sum(tf.leakyRelu(v, 0.1)))(x), 'first order');
    expectNoLeaks(() => tf.grad((v) => tf.sum(tf.grad((u) => tf.sum(tf.mul(tf.relu(u), u)))(v)))(x), 'second order');
    x.dispose();
  });

  it('is idempotent; the restore puts tfjs back and unregisters the kernel; backends: [] keeps tfjs’s formula', async () => {
    const relu = tf.getGradient('Relu');
    const leaky = tf.getGradient('LeakyRelu');
    const r1 = enableFusedReluGradients();
    const r2 = enableFusedReluGradients();
    r2();
    expect(tf.getGradient('Relu')).not.toBe(relu);
    r1();
    r1();
    expect(tf.getGradient('Relu')).toBe(relu);
    expect(tf.getGradient('LeakyRelu')).toBe(leaky);
    expect(tf.getKernel('GenmodStepMul', tf.getBackend())).toBeUndefined();
    enable({ backends: [] });
    const x = tf.tensor1d([-1, 2]);
    expect((await tf.profile(() => { gradOf('LeakyRelu', x, x, 0.1); })).kernelNames).toEqual(expect.arrayContaining(['Greater', 'Select']));
    x.dispose();
  });

  it('rejects bad options before touching the registry', () => {
    const relu = tf.getGradient('Relu');
    expectThrowsClean(() => enableFusedReluGradients({ backend: ['cpu'] } as never), /^enableFusedReluGradients: unknown option 'backend' \(did you mean 'backends'\?\)$/);
    expectThrowsClean(() => enableFusedReluGradients({ backends: ['webgl'] } as never), /^enableFusedReluGradients: options.backends must be an array of backend names among 'cpu', 'wasm', got \[webgl\]$/);
    expectThrowsClean(() => enableFusedReluGradients(3 as never), /options must be an object, got 3/);
    expect(tf.getGradient('Relu')).toBe(relu);
  });
});
