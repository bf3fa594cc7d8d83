// One table-driven body over every bijector (zuko's and distrax's pattern): checkBijector's invariants
// (round trip, log-det against the autodiff Jacobian, the two log-dets opposite, no leaks), extreme
// inputs, gradients to the variables, and dispose() freeing everything.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectFinite, expectNoLeaks } from '@genmod-internal/testing';
import * as api from './index.js';
import { checkBijector } from './testing.js';
import type { Bijector } from './index.js';

type Made = () => Bijector;
interface Case {
  /** builds the bijector (measured by the leak check: dispose() must free all it made) */
  make: Made;
  /** points in the domain of forward, `[batch, ...event]` */
  x: () => tf.Tensor;
  /** points far out in the domain, where values must stay finite (forward direction) */
  extreme?: () => tf.Tensor;
  context?: () => tf.Tensor;
  /** whether forward's output is in inverse's domain for the extreme points */
  extremeInverse?: boolean;
  tolerance?: number;
}

const normal = (shape: number[], seed: number, sd = 1) => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), sd);
const wide = (d: number) => tf.tensor2d([new Array(d).fill(1e4), new Array(d).fill(-1e4), Array.from({ length: d }, (_, i) => (i % 2 ? 50 : -50))]);
const net = (inputs: number, outputs: number, seed: number, contextSize?: number) => api.mlp({ inputs, hidden: [16, 16], outputs, zeroLast: false, seed, contextSize, activation: (x) => tf.tanh(x) });
const madeNet = (d: number, seed: number, contextSize?: number, order?: number[]) => api.made({ features: d, hidden: [16, 16], zeroLast: false, seed, contextSize, order, activation: (x) => tf.tanh(x) });

const cases: Record<string, Case> = {
  exp: { make: () => api.exp(), x: () => normal([5, 2], 1), extreme: () => tf.tensor1d([-80, 0, 80]) },
  softplus: { make: () => api.softplus(), x: () => normal([5, 2], 2, 3), extreme: () => tf.tensor1d([-80, 0, 1e4]) },
  sigmoid: { make: () => api.sigmoid(), x: () => normal([5, 2], 3, 3), extreme: () => tf.tensor1d([-1e4, 0, 1e4]) },
  tanh: { make: () => api.tanh(), x: () => normal([5, 2], 4), extreme: () => tf.tensor1d([-1e4, 0, 1e4]) },
  shift: { make: () => api.shift([1, -2]), x: () => normal([5, 2], 5), extreme: () => wide(2), extremeInverse: true },
  scale: { make: () => api.scale([-0.5, 3]), x: () => normal([5, 2], 6), extreme: () => wide(2), extremeInverse: true },
  affine: { make: () => api.affine({ shift: 2, scale: [[0.3, -4]] }), x: () => normal([3, 5, 2], 7), extreme: () => wide(2), extremeInverse: true },
  permute: { make: () => api.permute([2, 0, 3, 1]), x: () => normal([5, 4], 8), extreme: () => wide(4), extremeInverse: true },
  reverse: { make: () => api.reverse(), x: () => normal([2, 3, 3], 9), extreme: () => wide(3), extremeInverse: true },
  'chain(shift, exp, permute)': { make: () => api.chain(api.shift([0.5, 1, 0]), api.exp(), api.permute([1, 2, 0])), x: () => normal([5, 3], 10) },
  'invert(softplus)': { make: () => api.invert(api.softplus()), x: () => tf.exp(normal([5, 2], 11, 2)), extreme: () => tf.tensor1d([1e-30, 1, 1e4]) },
  affineCoupling: {
    make: () => api.affineCoupling({ mask: [1, 0, 1, 0], conditioner: net(4, 8, 12) }),
    x: () => normal([6, 4], 13, 2),
    extreme: () => wide(4),
    extremeInverse: true,
  },
  'affineCoupling (softClamp, conditional)': {
    make: () => api.affineCoupling({ mask: [0, 1, 1], conditioner: net(3, 6, 14, 2), logScaleBound: api.softClamp(3), contextSize: 2 }),
    x: () => normal([6, 3], 15),
    context: () => normal([6, 2], 16),
    extreme: () => wide(3),
    extremeInverse: true,
  },
  rationalQuadraticSpline: {
    // some points beyond the bound: the linear tails
    make: () => api.rationalQuadraticSpline({ mask: [1, 0, 0], bins: 6, bound: 2.5, conditioner: net(3, 3 * 17, 17) }),
    x: () => normal([8, 3], 18, 2),
    extreme: () => tf.tensor2d([[1e4, -1e4, 1e4], [0, 2.5, -2.5], [-3, 2.4999, -2.5001]]),
    extremeInverse: true,
  },
  'rationalQuadraticSpline (conditional)': {
    make: () => api.rationalQuadraticSpline({ mask: [0, 1], bins: 4, bound: 3, conditioner: net(2, 2 * 11, 19, 3), contextSize: 3 }),
    x: () => normal([8, 2], 20, 1.5),
    context: () => normal([8, 3], 21),
  },
  maskedAutoregressive: {
    make: () => api.maskedAutoregressive({ network: madeNet(4, 22) }),
    x: () => normal([6, 4], 23),
    extreme: () => wide(4),
    extremeInverse: true,
  },
  'maskedAutoregressive (conditional, custom order)': {
    make: () => api.maskedAutoregressive({ network: madeNet(3, 24, 2, [2, 0, 1]), contextSize: 2 }),
    x: () => normal([6, 3], 25),
    context: () => normal([6, 2], 26),
  },
  inverseAutoregressive: {
    make: () => api.inverseAutoregressive({ network: madeNet(3, 27) }),
    x: () => normal([6, 3], 28),
    extreme: () => wide(3),
    extremeInverse: true,
  },
  actNorm: { make: () => api.actNorm({ features: 3 }), x: () => tf.add(normal([16, 3], 29, 3), 5), extreme: () => wide(3) },
  'batchNorm (inference)': {
    make: () => {
      const bn = api.batchNorm({ features: 2 });
      tf.tidy(() => void bn.inverse(tf.add(normal([64, 2], 30, 2), 1))); // move the running statistics
      bn.training = false;
      return bn;
    },
    x: () => normal([5, 2], 31),
    extreme: () => wide(2),
    extremeInverse: true,
  },
  luLinear: { make: () => api.luLinear({ features: 4, seed: 32, permutation: [3, 1, 0, 2] }), x: () => normal([6, 4], 33), extreme: () => wide(4), extremeInverse: true },
  'chain: a RealNVP block (actNorm, luLinear, coupling, spline)': {
    make: () =>
      api.chain(
        api.actNorm({ features: 2 }),
        api.luLinear({ features: 2, seed: 34 }),
        api.affineCoupling({ mask: [1, 0], conditioner: net(2, 4, 35) }),
        api.rationalQuadraticSpline({ mask: [0, 1], conditioner: net(2, 2 * 23, 36) }),
        api.reverse(),
      ),
    x: () => normal([6, 2], 37, 1.5),
  },
};

const table = Object.entries(cases);

describe.each(table)('%s', (name, c) => {
  it('passes checkBijector: round trip, log-det = log|det J| (autodiff), opposite log-dets, no leaks', () => {
    const x = c.x();
    const ctx = c.context?.();
    const before = tf.memory().numTensors;
    const b = c.make();
    const report = checkBijector(b, x, { tolerance: c.tolerance ?? 1e-4, context: ctx, label: name });
    expect(report.jacobianLogDetError).toBeLessThan(1e-4 * 10);
    b.dispose?.();
    expect(tf.memory().numTensors, 'dispose() frees what the bijector made').toBe(before);
    tf.dispose([x, ctx ?? []].flat());
  });

  it('gives finite values and log-dets at extreme inputs, and gradients reach its variables', () => {
    const b = c.make();
    const x = c.extreme?.() ?? c.x();
    const ctx = c.context ? tf.tidy(() => tf.slice(c.context!(), [0, 0], [x.shape[0]!, -1])) : undefined;
    const { y, logDet } = expectNoLeaks(() => b.forward(x, ctx), `${name}.forward`);
    expectFinite(y, 'y');
    expectFinite(logDet, 'logDet');
    if (c.extremeInverse) {
      const back = expectNoLeaks(() => b.inverse(y, ctx), `${name}.inverse`);
      expectFinite(back.x, 'inverse x');
      expectFinite(back.logDet, 'inverse logDet');
      tf.dispose([back.x, back.logDet]);
    }
    const vars = b.trainableVariables ?? [];
    if (vars.length > 0) {
      const xs = c.x();
      const ctx2 = c.context?.();
      const { value, grads } = tf.variableGrads(() => {
        const f = b.forward(xs, ctx2);
        const i = b.inverse(xs, ctx2);
        return tf.add(tf.sum(tf.mul(f.y, f.y)), tf.add(tf.sum(f.logDet), tf.sum(tf.mul(i.logDet, i.logDet)))) as tf.Scalar;
      }, vars);
      expect(Object.keys(grads).length).toBe(vars.length);
      let any = false;
      for (const g of Object.values(grads)) {
        expectFinite(g, 'gradient');
        any ||= tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!) > 0;
      }
      expect(any, 'some variable gets a non-zero gradient').toBe(true);
      tf.dispose([value, ...Object.values(grads), xs, ctx2 ?? []].flat());
    }
    b.dispose?.();
    tf.dispose([x, y, logDet, ctx ?? []].flat());
  });
});

it('the table covers every bijector factory of the package', () => {
  const factories = ['exp', 'softplus', 'sigmoid', 'tanh', 'shift', 'scale', 'affine', 'permute', 'reverse', 'chain', 'invert', 'affineCoupling', 'rationalQuadraticSpline', 'maskedAutoregressive', 'inverseAutoregressive', 'actNorm', 'batchNorm', 'luLinear'];
  const names = table.map(([n]) => n).join(' ');
  for (const f of factories) expect(names, f).toContain(f);
});
