// One table over the whole public API: every function and method leaves tf.memory().numTensors as it
// found it, apart from what it returns; objects free what they made in dispose().
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import * as api from './index.js';
import * as testing from './testing.js';

type Call = [name: string, run: () => unknown];
const x2 = tf.keep(tf.tensor2d([[0.3, -1.2], [2, 0.5], [-0.1, 0.9]]));
const ctx = tf.keep(tf.tensor2d([[1, 0], [0, 1], [1, 1]]));

/** factories: each builds, runs forward + inverse (+ a gradient), then disposes; the count must return. */
const factories: [string, () => api.Bijector][] = [
  ['exp', () => api.exp()],
  ['softplus', () => api.softplus()],
  ['sigmoid', () => api.sigmoid()],
  ['tanh', () => api.tanh()],
  ['shift', () => api.shift([1, 2])],
  ['scale', () => api.scale(2)],
  ['affine', () => api.affine({ shift: 1, scale: [2, 3] })],
  ['permute', () => api.permute([1, 0])],
  ['reverse', () => api.reverse()],
  ['chain', () => api.chain(api.exp(), api.permute([1, 0]))],
  ['invert', () => api.invert(api.softplus())],
  ['affineCoupling', () => api.affineCoupling({ mask: [1, 0], conditioner: api.mlp({ inputs: 2, outputs: 4, seed: 1, contextSize: 2 }), contextSize: 2 })],
  ['rationalQuadraticSpline', () => api.rationalQuadraticSpline({ mask: [0, 1], conditioner: api.mlp({ inputs: 2, outputs: 2 * 23, seed: 1 }) })],
  ['maskedAutoregressive', () => api.maskedAutoregressive({ network: api.made({ features: 2, hidden: [4], seed: 1 }) })],
  ['inverseAutoregressive', () => api.inverseAutoregressive({ network: api.made({ features: 2, hidden: [4], seed: 1, contextSize: 2 }), contextSize: 2 })],
  ['actNorm', () => api.actNorm({ features: 2 })],
  ['batchNorm', () => api.batchNorm({ features: 2 })],
  ['luLinear', () => api.luLinear({ features: 2, seed: 1 })],
];

const functions: Call[] = [
  ['tanhBound', () => api.tanhBound(2)(x2)],
  ['softClamp', () => api.softClamp(2)(x2)],
  ['trainableVariablesOf', () => void api.trainableVariablesOf(api.exp())],
];

describe('no public function leaks', () => {
  it.each(factories)('%s: forward, inverse and a gradient leak nothing; dispose() frees what it made', (name, make) => {
    const before = tf.memory().numTensors;
    const b = make();
    const c = ['affineCoupling', 'inverseAutoregressive'].includes(name) ? ctx : undefined;
    const y = x2; // every bijector here accepts these points in both directions
    const input = name === 'invert' ? tf.tidy(() => tf.exp(x2)) : y;
    tf.dispose(Object.values(expectNoLeaks(() => b.forward(input, c), `${name}.forward`)));
    tf.dispose(Object.values(expectNoLeaks(() => b.inverse(input, c), `${name}.inverse`)));
    const vars = b.trainableVariables ?? [];
    if (vars.length) {
      const r = expectNoLeaks(() => tf.variableGrads(() => tf.sum(b.inverse(input, c).logDet) as tf.Scalar, vars), `${name} gradient`);
      tf.dispose([r.value, ...Object.values(r.grads)]);
    }
    if (input !== y) input.dispose();
    b.dispose?.();
    expect(tf.memory().numTensors, `${name} after dispose()`).toBe(before);
  });

  it.each(functions)('%s', (name, run) => {
    tf.dispose(expectNoLeaks(run, name) as tf.Tensor);
  });

  it('networks: mlp and made leak nothing per call and free their variables', () => {
    const before = tf.memory().numTensors;
    const nets = [api.mlp({ inputs: 2, outputs: 3, seed: 1 }), api.made({ features: 2, hidden: [4], seed: 2 })];
    for (const n of nets) tf.dispose(expectNoLeaks(() => n(x2), 'network call'));
    nets.forEach((n) => n.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('TransformedDistribution and StandardNormal: every method', () => {
    const before = tf.memory().numTensors;
    const base = new api.StandardNormal([2]);
    const flow = new api.TransformedDistribution(base, api.affineCoupling({ mask: [1, 0], conditioner: api.mlp({ inputs: 2, outputs: 4, seed: 1 }) }));
    const calls: Call[] = [
      ['base.sample', () => base.sample([3], { seed: 1 })],
      ['base.rsample', () => base.rsample([3], { seed: 1 })],
      ['base.logProb', () => base.logProb(x2)],
      ['base.mean', () => base.mean()],
      ['base.variance', () => base.variance()],
      ['base.entropy', () => base.entropy()],
      ['condition', () => void flow.condition(ctx)],
      ['condition(context).sample', () => flow.condition(ctx).sample([2], { seed: 1 })],
      ['condition(context).logProb', () => flow.condition(ctx).logProb(x2)],
      ['sample', () => flow.sample([3], { seed: 1 })],
      ['rsample', () => flow.rsample!([3], { seed: 1 })],
      ['logProb', () => flow.logProb(x2)],
      ['prob', () => flow.prob([[0, 1]])],
      ['sampleAndLogProb', () => flow.sampleAndLogProb([3], { seed: 1 })],
      ['training step', () => {
        const opt = tf.train.sgd(0.01);
        opt.minimize(() => tf.neg(tf.mean(flow.logProb(x2))) as tf.Scalar, false, flow.trainableVariables);
        opt.dispose();
      }],
    ];
    for (const [m, run] of calls) {
      const r = expectNoLeaks(run, m);
      if (r) tf.dispose(r instanceof tf.Tensor ? r : Object.values(r as object));
    }
    flow.bijector.dispose?.();
    base.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checkBijector leaves nothing behind', () => {
    const b = api.luLinear({ features: 2, seed: 3 });
    expectNoLeaks(() => void testing.checkBijector(b, x2), 'checkBijector');
    b.dispose();
  });

  it('covers every exported function and class', () => {
    const covered = new Set([...factories.map(([n]) => n), ...functions.map(([n]) => n), 'mlp', 'made', 'TransformedDistribution', 'StandardNormal', 'deriveSeed', 'saveState', 'loadState', 'composeState', 'isStateful']); // deriveSeed: host integers, no tensors; the state functions: state.test.ts
    expect(Object.keys(api).filter((k) => !covered.has(k))).toEqual([]);
    expect(Object.keys(testing).sort()).toEqual(['checkBijector', 'logAbsDet']);
  });
});
