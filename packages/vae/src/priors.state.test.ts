// Saving and restoring priors (issue 15): standardNormalPrior (no state), flowPrior (its bijector's state under
// bijector/…, the base's under base/…), autoregressivePrior (its network's variables under network/…).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs';
import * as flows from '@genmod/flows';
import { describe, expect, it } from 'vitest';
import { memoryHandler } from '@genmod-internal/testing';
import { assignState } from '@genmod-internal/core';
import {
  autoregressivePrior, composeState, flowPrior, isStateful, loadState, saveState, standardNormalPrior, type PriorBijector, type StateDict,
} from './index.js';

const bitsOf = (t: tf.Tensor) => Array.from(new Uint32Array(t.dtype === 'int32' ? Int32Array.from(t.dataSync()).buffer : Float32Array.from(t.dataSync()).buffer));
const values = (s: StateDict) => Object.fromEntries(Object.entries(s).map(([k, t]) => [k, [t.dtype, t.shape, bitsOf(t)]]));
/** f(…) as bit patterns, its tensor disposed */
const bits = (f: () => tf.Tensor) => {
  const t = f();
  const b = bitsOf(t);
  t.dispose();
  return b;
};

/** z = shift + exp(logScale)·u with its own variables: a Stateful bijector as @genmod/flows' are. */
function affine(seed: number): PriorBijector & { getState(): StateDict; loadState(s: StateDict): void; dispose(): void } {
  const shift = tf.tidy(() => tf.variable(tf.randomNormal([2], 0, 1, 'float32', seed)));
  const logScale = tf.tidy(() => tf.variable(tf.randomNormal([2], 0, 0.3, 'float32', seed + 1)));
  const getState = () => ({ shift, logScale });
  return {
    forward: (u) => tf.tidy(() => ({ y: tf.add(shift, tf.mul(tf.exp(logScale), u)), logDet: tf.mul(tf.onesLike(tf.sum(u, -1)), tf.sum(logScale)) })),
    inverse: (z) => tf.tidy(() => ({ x: tf.div(tf.sub(z, shift), tf.exp(logScale)), logDet: tf.mul(tf.onesLike(tf.sum(z, -1)), tf.neg(tf.sum(logScale))) })),
    trainableVariables: [shift, logScale],
    getState,
    loadState: (s) => assignState('affine.loadState', getState(), s),
    dispose: () => tf.dispose([shift, logScale]),
  };
}

describe('standardNormalPrior: save and load', () => {
  it('has an empty state, refuses any entry, and takes part in a checkpoint', async () => {
    const prior = standardNormalPrior([3]);
    expect(isStateful(prior)).toBe(true);
    expect(prior.getState()).toEqual({});
    prior.loadState({});
    const x = tf.zeros([3]);
    expect(() => prior.loadState({ loc: x })).toThrow("standardNormalPrior.loadState: the state does not fit this object (nothing was loaded): unexpected 'loc'");
    const io = memoryHandler();
    await saveState(prior, io);
    await loadState(standardNormalPrior([3]), io);
    expect(io.artifacts!.weightSpecs).toEqual([]);
    x.dispose();
  });
});

describe('flowPrior: save and load', () => {
  it('names its state bijector/… (and base/… for a Stateful base), and round-trips into a fresh prior: logProb and seeded sample bit for bit', async () => {
    const inner = affine(1);
    const outer = affine(3);
    const prior = flowPrior(outer, flowPrior(inner, standardNormalPrior([2]))); // a flow prior as the base of another
    expect(Object.keys(prior.getState())).toEqual(['bijector/shift', 'bijector/logScale', 'base/bijector/shift', 'base/bijector/logScale']);
    expect(Object.keys(flowPrior(inner, standardNormalPrior([2])).getState())).toEqual(['bijector/shift', 'bijector/logScale']); // the standard normal holds none
    const io = memoryHandler();
    await saveState(prior, io);
    const [i2, o2] = [affine(10), affine(20)];
    const fresh = flowPrior(o2, flowPrior(i2, standardNormalPrior([2])));
    const z = tf.randomNormal([7, 2], 0, 2, 'float32', 5);
    expect(bits(() => fresh.logProb(z))).not.toEqual(bits(() => prior.logProb(z)));
    await loadState(fresh, io);
    expect(values(fresh.getState())).toEqual(values(prior.getState()));
    expect(bits(() => fresh.logProb(z))).toEqual(bits(() => prior.logProb(z)));
    expect(bits(() => fresh.sample([4], { seed: 9 }))).toEqual(bits(() => prior.sample([4], { seed: 9 })));
    expect(bits(() => fresh.rsample!([4], { seed: 9 }))).toEqual(bits(() => prior.rsample!([4], { seed: 9 })));
    z.dispose();
    [inner, outer, i2, o2].forEach((b) => b.dispose());
  });

  it('a bijector without getState: nothing to save without variables; an Error with trainable variables', () => {
    const plain: PriorBijector = { forward: (x) => ({ y: tf.clone(x), logDet: tf.zeros(x.shape.slice(0, -1)) }), inverse: (y) => ({ x: tf.clone(y), logDet: tf.zeros(y.shape.slice(0, -1)) }) };
    expect(flowPrior(plain, standardNormalPrior([2])).getState()).toEqual({});
    const v = tf.variable(tf.zeros([2]));
    const opaque = flowPrior({ ...plain, trainableVariables: [v] }, standardNormalPrior([2]));
    expect(() => opaque.getState()).toThrow(/flowPrior\.getState: the bijector has trainableVariables but no getState\(\)\/loadState\(\)/);
    v.dispose();
  });

  it('refuses a missing tensor, a wrong shape and a different architecture; nothing changes, nothing leaks', async () => {
    const inner = affine(1);
    const outer = affine(3);
    const prior = flowPrior(outer, flowPrior(inner, standardNormalPrior([2])));
    const snapshot = values(prior.getState());
    const before = tf.memory().numTensors;
    const { 'base/bijector/shift': _dropped, ...missing } = prior.getState();
    expect(() => prior.loadState(missing)).toThrow("flowPrior.loadState: the state does not fit this object (nothing was loaded): missing 'base/bijector/shift'");
    const wide = tf.zeros([3]);
    expect(() => prior.loadState({ ...prior.getState(), 'bijector/shift': wide })).toThrow(/mismatched 'bijector\/shift': expected float32\[2\], got float32\[3\]$/);
    const io = memoryHandler();
    await saveState(flowPrior(inner, standardNormalPrior([2])), io); // one layer fewer
    await expect(loadState(prior, io)).rejects.toThrow(/missing 'base\/bijector\/shift', 'base\/bijector\/logScale'$/);
    for (let i = 0; i < 2; i++) {
      await saveState(prior, io);
      await loadState(prior, io);
    }
    wide.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(values(prior.getState())).toEqual(snapshot);
    inner.dispose();
    outer.dispose();
  });

  // @genmod/flows through the structural interface (a dev dependency: its built dist, with getState from issue 15 on)
  const probe = flows.affineCoupling({ mask: [1, 0], conditioner: (x: tf.Tensor) => tf.concat([x, x], -1) });
  it.runIf(isStateful(probe))('works with a @genmod/flows chain (ActNorm not re-initialised after loading)', async () => {
    const build = (seed: number) => flows.chain(
      flows.actNorm({ features: 2 }),
      flows.affineCoupling({ mask: [1, 0], conditioner: flows.mlp({ inputs: 2, hidden: [4], outputs: 4, seed, zeroLast: false }) }),
    );
    const data = tf.randomNormal([16, 2], 3, 2, 'float32', 1);
    const flow = build(1);
    const prior = flowPrior(flow, standardNormalPrior([2]));
    tf.dispose(prior.logProb(data)); // ActNorm initialises on its first batch
    const names = Object.keys(prior.getState());
    expect(names.every((n) => n.startsWith('bijector/'))).toBe(true);
    expect(names).toContain('bijector/0/initialized');
    const io = memoryHandler();
    await saveState(prior, io);
    const fresh = flowPrior(build(2), standardNormalPrior([2]));
    await loadState(fresh, io);
    const other = tf.randomNormal([5, 2], -4, 1, 'float32', 2); // would re-initialise ActNorm on this batch otherwise
    expect(bits(() => fresh.logProb(other))).toEqual(bits(() => prior.logProb(other)));
    expect(bits(() => fresh.sample([3], { seed: 4 }))).toEqual(bits(() => prior.sample([3], { seed: 4 })));
    tf.dispose([data, other]);
  });
});

describe('autoregressivePrior: save and load', () => {
  const N = 5;
  const K = 3;
  /** a Markov chain: logits of code n from code n − 1 through a K × K table, behind a learned start row */
  function markov(seed: number) {
    const table = tf.tidy(() => tf.variable(tf.randomNormal([K, K], 0, 1, 'float32', seed)));
    const start = tf.tidy(() => tf.variable(tf.randomNormal([1, 1, K], 0, 1, 'float32', seed + 1)));
    const network = (c: tf.Tensor) => {
      const m = c.shape[0]!;
      const previous = tf.reshape(tf.matMul(tf.reshape(tf.slice(c, [0, 0, 0], [-1, N - 1, -1]), [-1, K]), table), [m, N - 1, K]);
      return tf.concat([tf.tile(start, [m, 1, 1]), previous], 1);
    };
    return { table, start, network };
  }
  const codes = () => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor2d([[0, 1, 2, 0, 1], [2, 2, 1, 0, 0]], undefined, 'int32'), K), 'float32'));

  it('names the network’s variables network/<name>; round-trips into a fresh prior: logProb and seeded samples bit for bit', async () => {
    const a = markov(1);
    const prior = autoregressivePrior(a.network, { length: N, classes: K, parameters: { table: a.table, start: a.start } });
    expect(isStateful(prior)).toBe(true);
    expect(Object.keys(prior.getState())).toEqual(['network/table', 'network/start']);
    expect(prior.getState()['network/table']).toBe(a.table);
    const io = memoryHandler();
    await saveState(prior, io);
    const b = markov(7);
    const fresh = autoregressivePrior(b.network, { length: N, classes: K, parameters: { table: b.table, start: b.start } });
    const c = codes();
    expect(bits(() => fresh.logProb(c))).not.toEqual(bits(() => prior.logProb(c)));
    await loadState(fresh, io);
    expect(bits(() => fresh.logProb(c))).toEqual(bits(() => prior.logProb(c)));
    expect(bits(() => fresh.conditionalLogProbs(c))).toEqual(bits(() => prior.conditionalLogProbs(c)));
    expect(bits(() => fresh.sample([6], { seed: 3, temperature: 0.7 }))).toEqual(bits(() => prior.sample([6], { seed: 3, temperature: 0.7 })));
    c.dispose();
    tf.dispose([a.table, a.start, b.table, b.start]);
  });

  it('takes a Stateful network, a tfjs-layers model, or {}; without parameters getState explains what to pass', async () => {
    const a = markov(1);
    const stateful = Object.assign((c: tf.Tensor) => a.network(c), { getState: () => ({ 'markov/table': a.table, 'markov/start': a.start }), loadState: (s: StateDict) => assignState('markov', { 'markov/table': a.table, 'markov/start': a.start }, s) });
    expect(Object.keys(autoregressivePrior(stateful, { length: N, classes: K }).getState())).toEqual(['network/markov/table', 'network/markov/start']);
    expect(autoregressivePrior(a.network, { length: N, classes: K, parameters: {} }).getState()).toEqual({});
    const bare = autoregressivePrior(a.network, { length: N, classes: K });
    expect(() => bare.getState()).toThrow(/^autoregressivePrior\.getState: the prior does not know the network's variables: pass them as options\.parameters/);
    expect(() => bare.loadState({})).toThrow(/^autoregressivePrior\.loadState: the prior does not know the network's variables/);
    expect(() => autoregressivePrior(a.network, { length: N, classes: K, parameters: { table: tf.zeros([2]) as unknown as tf.Variable } })).toThrow(/autoregressivePrior: options\.parameters\.table must be a tf\.Variable/);

    // a tfjs-layers network (dense over the shifted one-hots), saved with the prior as network/0, network/1
    const layers = (seed: number) => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [K], units: K, kernelInitializer: tfl.initializers.randomNormal({ seed }) })] });
    const net = (model: tfl.Sequential) => (c: tf.Tensor) => {
      const m = c.shape[0]!;
      const shifted = tf.pad(tf.slice(c, [0, 0, 0], [-1, N - 1, -1]), [[0, 0], [1, 0], [0, 0]]);
      return tf.reshape(model.apply(tf.reshape(shifted, [-1, K])) as tf.Tensor, [m, N, K]);
    };
    const m1 = layers(1);
    const m2 = layers(2);
    const p1 = autoregressivePrior(net(m1), { length: N, classes: K, parameters: m1 });
    const p2 = autoregressivePrior(net(m2), { length: N, classes: K, parameters: m2 });
    expect(Object.entries(p1.getState()).map(([k, t]) => [k, t.shape])).toEqual([['network/0', [K, K]], ['network/1', [K]]]);
    const io = memoryHandler();
    await saveState(p1, io);
    await loadState(p2, io);
    const c = codes();
    expect(bits(() => p2.logProb(c))).toEqual(bits(() => p1.logProb(c)));
    c.dispose();
    m1.dispose();
    m2.dispose();
    tf.dispose([a.table, a.start]);
  });

  it('refuses a missing tensor, a wrong shape and a different architecture; nothing changes, nothing leaks', async () => {
    const a = markov(1);
    const prior = autoregressivePrior(a.network, { length: N, classes: K, parameters: { table: a.table, start: a.start } });
    const snapshot = values(prior.getState());
    const before = tf.memory().numTensors;
    expect(() => prior.loadState({ 'network/table': a.table })).toThrow("loadState: the state does not fit this object (nothing was loaded): missing 'network/start'");
    const big = tf.zeros([K + 1, K + 1]);
    expect(() => prior.loadState({ 'network/table': big, 'network/start': a.start })).toThrow(/mismatched 'network\/table': expected float32\[3, 3\], got float32\[4, 4\]/);
    const io = memoryHandler();
    const bigger = tf.tidy(() => tf.variable(tf.zeros([K + 1, K + 1])));
    await saveState(autoregressivePrior(a.network, { length: N, classes: K, parameters: { weights: bigger } }), io);
    await expect(loadState(prior, io)).rejects.toThrow(/missing 'network\/table', 'network\/start'; unexpected 'network\/weights'/);
    bigger.dispose();
    big.dispose();
    for (let i = 0; i < 2; i++) {
      await saveState(prior, io);
      await loadState(prior, io);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(values(prior.getState())).toEqual(snapshot);
    tf.dispose([a.table, a.start]);
  });
});
