// The shared Distribution contract: StandardNormal and TransformedDistribution (shapes, support, family,
// gradient-free sample, rsample only where the base has one, condition(context), dispose()).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { hasRsample, isDistribution, type Distribution } from '@genmod-internal/core';
import * as api from './index.js';

const coupling = (contextSize?: number) => api.affineCoupling({ mask: [1, 0], conditioner: api.mlp({ inputs: 2, outputs: 4, zeroLast: false, seed: 1, contextSize }), contextSize });

/** A base without rsample: a batch of 3 independent N(0, 1) scalars drawn through StandardNormal. */
function noRsampleBase(n = 3): Distribution {
  const sn = new api.StandardNormal([n]);
  return { family: 'Plain', batchShape: [n], eventShape: [], support: 'real', sample: (s, o) => sn.sample(s, o), logProb: (x) => tf.tidy(() => tf.mul(-0.5, tf.square(x))) };
}

describe('StandardNormal implements the contract', () => {
  it('family, shapes, support, rsample, mean, variance and entropy', () => {
    const d = new api.StandardNormal([2, 3]);
    expect([d.family, d.batchShape, d.eventShape, d.support]).toEqual(['StandardNormal', [], [2, 3], 'real']);
    expect(isDistribution(d) && hasRsample(d)).toBe(true);
    const [m, v, h] = [d.mean(), d.variance(), d.entropy()];
    expectClose(m, new Array(2).fill(new Array(3).fill(0)), { atol: 0, rtol: 0 });
    expectClose(v, new Array(2).fill(new Array(3).fill(1)), { atol: 0, rtol: 0 });
    expect(h.shape).toEqual([]);
    expectClose(h, 3 * (1 + Math.log(2 * Math.PI)), { rtol: 1e-6, atol: 0, label: '(n/2)(1 + log 2π)' });
    tf.dispose([m, v, h]);
  });
});

describe('TransformedDistribution implements the contract', () => {
  it('family, batch and event shapes from the base and the bijector event rank', () => {
    const cases: [Distribution, api.Bijector, number[], number[]][] = [
      [new api.StandardNormal([2]), api.exp(), [], [2]],
      [new api.StandardNormal([]), api.exp(), [], []],
      [noRsampleBase(), api.exp(), [3], []],
      [noRsampleBase(), api.reverse(), [], [3]],
    ];
    for (const [base, b, batch, event] of cases) {
      const flow = new api.TransformedDistribution(base, b);
      expect([flow.family, flow.batchShape, flow.eventShape]).toEqual(['Transformed', batch, event]);
      expect(isDistribution(flow)).toBe(true);
      const y = flow.sample([5], { seed: 0 });
      expect(y.shape).toEqual([5, ...batch, ...event]);
      const lp = flow.logProb(y);
      expect(lp.shape).toEqual([5, ...batch]);
      tf.dispose([y, lp]);
      flow.dispose();
    }
    expectThrowsClean(() => new api.TransformedDistribution(new api.StandardNormal([]), api.reverse()), /TransformedDistribution: bijector must be of event rank ≤ 0 \(the rank of the base's batch and event shapes, shape \[\]\), got event rank 1/);
  });

  it("support: the bijector's codomain, seen through a chain's outermost part and permutations, else 'real'", () => {
    const base = new api.StandardNormal([2]);
    const cases: [api.Bijector, string][] = [
      [api.exp(), 'positive'],
      [api.softplus(), 'positive'],
      [api.sigmoid(), 'unit-interval'],
      [api.tanh(), 'interval'],
      [api.shift(1), 'real'],
      [api.chain(api.exp(), api.shift(-1)), 'positive'],
      [api.chain(api.reverse(), api.sigmoid()), 'unit-interval'],
      [api.chain(api.shift(-1), api.exp()), 'real'],
      [api.invert(api.exp()), 'real'],
    ];
    for (const [b, support] of cases) {
      const flow = new api.TransformedDistribution(base, b);
      expect(flow.support, String(support)).toBe(support);
      flow.dispose();
    }
  });

  it('sample carries no gradient; rsample does', () => {
    const loc = tf.variable(tf.tensor1d([0.5, -1]));
    const flow = new api.TransformedDistribution(new api.StandardNormal([2]), api.shift(loc));
    const viaSample = tf.variableGrads(() => tf.sum(flow.sample([4], { seed: 0 })) as tf.Scalar, [loc]);
    expectClose(viaSample.grads[loc.name]!, [0, 0], { atol: 0, rtol: 0, label: 'd sample / d loc' });
    const viaRsample = tf.variableGrads(() => tf.sum(flow.rsample!([4], { seed: 0 })) as tf.Scalar, [loc]);
    expectClose(viaRsample.grads[loc.name]!, [4, 4], { atol: 1e-6, rtol: 0, label: 'd rsample / d loc' });
    tf.dispose([viaSample.value, viaRsample.value, ...Object.values(viaSample.grads), ...Object.values(viaRsample.grads)]);
    flow.dispose();
    loc.dispose();
  });

  it('rsample exists only when the base has one', () => {
    const flow = new api.TransformedDistribution(noRsampleBase(), api.exp());
    expect(flow.rsample).toBeUndefined();
    expect(hasRsample(flow)).toBe(false);
    expect('rsample' in flow).toBe(false);
    const withR = new api.TransformedDistribution(new api.StandardNormal([1]), api.exp());
    expect(hasRsample(withR)).toBe(true);
    flow.dispose();
    withR.dispose();
  });

  it('dispose() frees the bijector and the base, once; nothing leaks', () => {
    const before = tf.memory().numTensors;
    let baseDisposed = 0;
    const base = Object.assign(new api.StandardNormal([2]), { dispose: () => void baseDisposed++ });
    const flow = new api.TransformedDistribution(base, api.chain(coupling(), api.shift([1, 2]), api.luLinear({ features: 2, seed: 0 })));
    const vars = flow.trainableVariables;
    expect(vars.length).toBeGreaterThan(0);
    tf.dispose(expectNoLeaks(() => flow.sample([3], { seed: 0 })));
    flow.dispose();
    flow.dispose();
    expect(baseDisposed).toBe(1);
    expect(vars.every((v) => v.isDisposed)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('condition(context): a conditional flow as an ordinary distribution', () => {
  it('binds the context: batch shape, samples and log-densities match the context option', () => {
    const before = tf.memory().numTensors;
    const flow = new api.TransformedDistribution(new api.StandardNormal([2]), coupling(2));
    const ctx = tf.tensor2d([[1, 0], [0, 1], [2, -1]]);
    const cond = flow.condition(ctx);
    expect([cond.family, cond.batchShape, cond.eventShape, cond.context === ctx]).toEqual(['Transformed', [3], [2], true]);
    expect(isDistribution(cond) && hasRsample(cond)).toBe(true);
    const y = expectNoLeaks(() => cond.sample([5], { seed: 0 }));
    expect(y.shape).toEqual([5, 3, 2]);
    const viaOption = flow.sample([5, 3], { seed: 0, context: ctx });
    expectClose(y, viaOption, { atol: 0, rtol: 0, label: 'condition(c).sample = sample({ context: c })' });
    const [lp, lpOption] = [expectNoLeaks(() => cond.logProb(y)), flow.logProb(y, { context: ctx })];
    expect(lp.shape).toEqual([5, 3]);
    expectClose(lp, lpOption, { atol: 0, rtol: 0, label: 'logProb' });
    const { sample, logProb } = cond.sampleAndLogProb([5], { seed: 0 });
    expectClose(logProb, lp, { atol: 1e-4, rtol: 1e-4, label: 'sampleAndLogProb' });
    cond.dispose(); // owns nothing: the flow's variables stay alive
    expect(flow.trainableVariables.every((v) => !v.isDisposed)).toBe(true);
    tf.dispose([y, viaOption, lp, lpOption, sample, logProb, ctx]);
    flow.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a bad context, a second context, and a context that changes the batch shape', () => {
    const flow = new api.TransformedDistribution(new api.StandardNormal([2]), coupling(2));
    const ctx = tf.tensor2d([[1, 0]]);
    const cond = flow.condition(ctx);
    expectThrowsClean(() => flow.condition([1, 0] as never), /TransformedDistribution\.condition: context must be a float32 tensor of rank ≥ 1 \(\[\.\.\., C\]\), got \[1, 0\]/);
    expectThrowsClean(() => cond.condition(ctx), /TransformedDistribution\.condition: this must be an unconditioned flow/);
    expectThrowsClean(() => cond.sample([1], { context: ctx }), /TransformedDistribution\.sample: options\.context must be absent on a distribution made by condition\(\)/);
    expectThrowsClean(() => cond.logProb([[0, 0]], { context: ctx }), /TransformedDistribution\.logProb: options\.context must be absent/);
    const batched = new api.TransformedDistribution(noRsampleBase(), api.exp());
    const wide = tf.zeros([2, 1]);
    expectThrowsClean(() => batched.condition(wide), /TransformedDistribution\.condition: the flow's batch shape and the context's must be broadcastable shapes, got \[3\] and \[2\]/);
    const single = new api.TransformedDistribution(noRsampleBase(1), api.exp());
    expectThrowsClean(() => single.condition(wide), /TransformedDistribution\.condition: context must be a tensor whose batch shape \(all but the last axis\) broadcasts against the flow's batch shape \[1\] without changing it, got a float32 tensor of shape \[2, 1\]/);
    tf.dispose([ctx, wide]);
    flow.dispose();
  });
});
