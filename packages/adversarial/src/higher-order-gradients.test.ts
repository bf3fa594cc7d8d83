// Pins the tfjs 4.22 second-order defects (wrong values through ops whose gradient reads their saved output,
// "gradient function not found" through comparison ops) and shows that enableHigherOrderGradients() fixes
// them and that its restore function puts the defaults back (the suite shares one tfjs engine).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectFinite, expectNoLeaks } from '@genmod-internal/testing';
import {
  disableHigherOrderGradients,
  enableHigherOrderGradients,
  higherOrderGradientKernels,
  higherOrderGradientsEnabled,
} from './higher-order-gradients.js';
import { gradgradcheck } from './gradcheck.js';

type Op = (x: Tensor) => Tensor;
/** default tfjs 4.22: 'ok', 'wrong' (silently) or the kernel named in the thrown error */
type Default = 'ok' | 'wrong' | { throws: string };

const ops: [string, Op, Default][] = [
  ['tanh', tf.tanh, 'wrong'],
  ['sigmoid', tf.sigmoid, 'wrong'],
  ['exp', tf.exp, 'wrong'],
  ['softmax', (x) => tf.softmax(x), 'wrong'],
  ['pow(2.5, x)', (x) => tf.pow(2.5, x), 'wrong'],
  ['swish x·σ(x)', (x) => tf.mul(x, tf.sigmoid(x)), 'wrong'],
  ['elu', tf.elu, { throws: 'EluGrad' }],
  ['leakyRelu', (x) => tf.leakyRelu(x, 0.2), { throws: 'Greater' }],
  ['prelu', (x) => tf.prelu(x, tf.scalar(0.3)), { throws: 'Greater' }],
  ['selu', tf.selu, { throws: 'Greater' }],
  ['relu6', tf.relu6, { throws: 'LessEqual' }],
  ['logSumExp', (x) => tf.logSumExp(x), { throws: 'Equal' }],
  ['max', (x) => tf.max(x), { throws: 'Equal' }],
  ['clipByValue', (x) => tf.clipByValue(x, -1, 1), { throws: 'LogicalAnd' }],
  ['relu', tf.relu, 'ok'],
  ['softplus', tf.softplus, 'ok'],
  ['logSigmoid', tf.logSigmoid, 'ok'],
  ['sqrt', (x) => tf.sqrt(tf.add(tf.square(x), 1)), 'ok'],
  ['rsqrt', (x) => tf.rsqrt(tf.add(tf.square(x), 1)), 'ok'],
  ['pow(x² + 1, 1.5)', (x) => tf.pow(tf.add(tf.square(x), 1), 1.5), 'ok'],
  ['abs', tf.abs, 'ok'],
  ['maximum', (x) => tf.maximum(x, 0.2), 'ok'],
  ['erf', tf.erf, 'ok'],
];

// f(x) = Σ op(x)², checked at points away from every kink (0, ±1, 0.2, 6)
const x0 = () => tf.tensor1d([-0.7, 0.3, 1.4]);
const check = (op: Op) => {
  const x = x0();
  try {
    return gradgradcheck((v) => tf.sum(tf.square(op(v!))), [x], { raiseException: false, eps: 5e-3 });
  } finally {
    x.dispose();
  }
};

describe('second-order gradients', () => {
  beforeAll(() => disableHigherOrderGradients());
  afterEach(() => disableHigherOrderGradients());

  describe.each(ops)('%s', (_name, op, byDefault) => {
    it(`default tfjs 4.22: ${typeof byDefault === 'string' ? byDefault : `throws (${byDefault.throws})`}`, () => {
      expect(higherOrderGradientsEnabled()).toBe(false);
      if (typeof byDefault === 'string') {
        const report = check(op);
        expect(report.ok).toBe(byDefault === 'ok');
        if (byDefault === 'wrong') expect(report.maxRelError).toBeGreaterThan(0.05); // far beyond float32 noise
      } else {
        expect(() => check(op)).toThrow(new RegExp(`gradient function not found for ${byDefault.throws}\\b`));
      }
    });

    it('with enableHigherOrderGradients: matches finite differences', () => {
      const restore = enableHigherOrderGradients();
      const report = check(op);
      restore();
      expect(report.ok).toBe(true);
      expect(report.maxAbsError).toBeLessThan(2e-3);
    });
  });

  it('pooling and convolution (images [1, 4, 4, 2]): avgPool throws by default and is right enabled; maxPool throws', () => {
    const x = tf.tensor4d(Array.from({ length: 32 }, (_, i) => Math.sin(1.7 * i) * 1.3), [1, 4, 4, 2]);
    const kernel = tf.tensor4d(Array.from({ length: 16 }, (_, i) => Math.cos(0.9 * i) * 0.5), [2, 2, 2, 2]);
    const ggc = (op: Op) => gradgradcheck((v) => tf.sum(tf.square(op(v!))), [x], { raiseException: false });
    const conv: Op = (v) => tf.tanh(tf.conv2d(v as tf.Tensor4D, kernel, 1, 'same'));
    const avg: Op = (v) => tf.avgPool(tf.sin(v as tf.Tensor4D), 2, 1, 'same');
    const maxPool: Op = (v) => tf.maxPool(tf.sin(v as tf.Tensor4D), 2, 2, 'valid');
    try {
      expect(ggc(conv).ok).toBe(false); // through the tanh
      expect(() => ggc(avg)).toThrow(/gradient function not found for AvgPoolGrad/);
      expect(() => ggc(maxPool)).toThrow(/gradient function not found for MaxPoolGrad/);
      const restore = enableHigherOrderGradients();
      try {
        expect(ggc(conv).ok).toBe(true);
        expect(ggc(avg).ok).toBe(true);
        expect(ggc((v) => tf.avgPool(tf.sin(v as tf.Tensor4D), [2, 3], 2, 'valid')).ok).toBe(true);
        expect(ggc((v) => tf.avgPool(tf.sin(v as tf.Tensor4D), 3, 2, 'same')).ok).toBe(true);
        expect(() => ggc(maxPool)).toThrow(/gradient function not found for MaxPoolGrad/); // not fixed
      } finally {
        restore();
      }
    } finally {
      tf.dispose([x, kernel]);
    }
  });

  it('tf.logSoftmax stays wrong (a customGrad op: no registration reaches it); x − logSumExp(x) is right', () => {
    const restore = enableHigherOrderGradients();
    try {
      expect(check((x) => tf.logSoftmax(x)).ok).toBe(false);
      expect(check((x) => tf.sub(x, tf.logSumExp(x, -1, true))).ok).toBe(true);
    } finally {
      restore();
    }
  });

  it('second derivatives against closed forms', () => {
    const restore = enableHigherOrderGradients();
    const d2 = (op: Op, at: number) =>
      tf.tidy(() => tf.grad((v: Tensor) => tf.grad((u: Tensor) => op(u))(v))(tf.scalar(at)).dataSync()[0]!);
    const t = Math.tanh(0.5);
    expect(d2(tf.tanh, 0.5)).toBeCloseTo(-2 * t * (1 - t * t), 5);
    const s = 1 / (1 + Math.exp(-0.3));
    expect(d2(tf.sigmoid, 0.3)).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 5);
    expect(d2(tf.exp, 1.2)).toBeCloseTo(Math.exp(1.2), 4);
    expect(d2(tf.elu, -0.4)).toBeCloseTo(Math.exp(-0.4), 5);
    expect(d2(tf.elu, 0.4)).toBe(0);
    expect(d2((x) => tf.leakyRelu(x, 0.2), -0.4)).toBe(0);
    restore();
  });

  it('the first derivatives are unchanged (same formulas, recomputed)', () => {
    const x = tf.tensor1d([-3, -0.5, 0.1, 2, 40]);
    const firsts = (): Float32Array[] =>
      [tf.tanh, tf.sigmoid, tf.exp, tf.elu, (v: Tensor) => tf.softmax(v), (v: Tensor) => tf.pow(1.5, v), (v: Tensor) => tf.pow(tf.abs(v), 1.3)].map((op) =>
        tf.tidy(() => tf.grad((v: Tensor) => tf.sum(tf.mul(op(v), tf.linspace(0.5, 1.5, 5))))(x).dataSync() as Float32Array),
      );
    const before = firsts();
    const restore = enableHigherOrderGradients();
    const after = firsts();
    restore();
    before.forEach((b, i) => expectClose(after[i]!, b, { rtol: 2e-6, atol: 1e-7, label: `op ${i}` }));
    x.dispose();
  });

  it('stays finite where an unused branch overflows: elu at x = 100, pow at base 0', () => {
    const restore = enableHigherOrderGradients();
    tf.tidy(() => {
      const g2 = (op: Op, at: number[]) => tf.grad((v: Tensor) => tf.sum(tf.grad((u: Tensor) => tf.sum(op(u)))(v)))(tf.tensor1d(at));
      expectFinite(g2(tf.elu, [100, -100, 0.5]), 'elu″');
      expectFinite(g2((x) => tf.pow(x, 2), [0, 1, 2]), 'd²x²');
      expectFinite(g2((x) => tf.pow(tf.abs(x), tf.scalar(3)), [0.5, 1, 2]), 'd²|x|³');
    });
    restore();
  });

  it('leaks nothing with the replacements in force', () => {
    const restore = enableHigherOrderGradients();
    const x = tf.tensor1d([0.3, -0.2]);
    const g = expectNoLeaks(() =>
      tf.grad((v: Tensor) => tf.sum(tf.grad((u: Tensor) => tf.sum(tf.add(tf.tanh(u), tf.leakyRelu(tf.elu(u)))))(v)))(x),
    );
    tf.dispose([g, x]);
    restore();
  });
});

describe('enable / restore', () => {
  afterEach(() => disableHigherOrderGradients());
  const all = [...higherOrderGradientKernels.recomputed, ...higherOrderGradientKernels.zeroGradient];

  it('names the kernels it replaces', () => {
    expect([...higherOrderGradientKernels.recomputed]).toEqual(['Tanh', 'Sigmoid', 'Exp', 'Softmax', 'Elu', 'Pow', 'AvgPoolGrad']);
    expect(higherOrderGradientKernels.zeroGradient).toContain('Greater');
    expect(higherOrderGradientKernels.zeroGradient).toContain('LogicalNot');
  });

  it('restore puts back exactly the registrations found, including the absent ones', () => {
    const before = new Map(all.map((k) => [k, tf.getGradient(k)]));
    expect(before.get('Tanh')).toBeDefined();
    expect(before.get('Greater')).toBeUndefined(); // tfjs registers none
    const restore = enableHigherOrderGradients();
    expect(higherOrderGradientsEnabled()).toBe(true);
    for (const k of all) expect(tf.getGradient(k), k).not.toBe(before.get(k));
    restore();
    expect(higherOrderGradientsEnabled()).toBe(false);
    for (const k of all) expect(tf.getGradient(k), k).toBe(before.get(k));
    restore(); // idempotent
    for (const k of all) expect(tf.getGradient(k), k).toBe(before.get(k));
  });

  it('nests: restoring the outer call restores the inner one too; disable undoes everything', () => {
    const tanh = tf.getGradient('Tanh');
    const outer = enableHigherOrderGradients();
    const inner = enableHigherOrderGradients();
    inner();
    expect(higherOrderGradientsEnabled()).toBe(true); // the outer call is still in force
    const inner2 = enableHigherOrderGradients();
    outer();
    expect(tf.getGradient('Tanh')).toBe(tanh);
    inner2(); // no-op: already restored by the outer call
    expect(tf.getGradient('Tanh')).toBe(tanh);
    enableHigherOrderGradients();
    enableHigherOrderGradients();
    disableHigherOrderGradients();
    expect(tf.getGradient('Tanh')).toBe(tanh);
    expect(tf.getGradient('Less')).toBeUndefined();
  });

  it('nothing in the package turns it on by itself', async () => {
    const api = await import('./index.js');
    expect(higherOrderGradientsEnabled()).toBe(false);
    const c = tf.tidy(() => api.gradientPenalty((x) => tf.sum(tf.tanh(x), 1), tf.ones([2, 2]), tf.zeros([2, 2]), { seed: 1 }).dataSync()[0]);
    expect(Number.isFinite(c)).toBe(true);
    expect(higherOrderGradientsEnabled()).toBe(false);
  });
});
