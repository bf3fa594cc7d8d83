// Saving and restoring what trains in @genmod/adversarial (issue 15): spectral normalizers (their power-iteration
// vector u) and user networks (networkState), through tf.io artifacts; a GAN with a spectrally normalized critic
// resumes from a checkpoint plus both Adam states with the same next losses; refusals leave everything unchanged;
// no tensor leaks on any path.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { memoryHandler } from '@genmod-internal/testing';
import { composeState, isStateful, loadState, networkState, saveState, spectralNormalizer, type StateDict } from './index.js';

const values = (s: StateDict) => Object.fromEntries(Object.entries(s).map(([k, t]) => [k, [t.dtype, t.shape, Array.from(t.dataSync())]]));
const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

/** `steps` normalised weights of `W` by `sn` (each step one power iteration), with σ and u after each, as bits */
function nextSteps(sn: ReturnType<typeof spectralNormalizer>, W: tf.Tensor, steps = 3): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    const w = sn.apply(W);
    out.push([...bits(w), ...bits(sn.u), sn.sigma]);
    w.dispose();
  }
  return out;
}

describe('spectralNormalizer: save and load', () => {
  it('names its state u (float32 [out]), the live variable, and is Stateful', () => {
    const sn = spectralNormalizer([3, 4], { seed: 1 });
    expect(isStateful(sn)).toBe(true);
    const state = sn.getState();
    expect(Object.keys(state)).toEqual(['u']);
    expect(state.u).toBe(sn.u);
    expect([state.u!.dtype, state.u!.shape]).toEqual(['float32', [4]]);
    const second = spectralNormalizer([4, 2], { seed: 2 });
    expect(Object.keys(composeState({ '0': sn, '1': second }).getState())).toEqual(['0/u', '1/u']);
    sn.dispose();
    second.dispose();
    expect(() => sn.getState()).toThrow('spectralNormalizer: getState() after dispose()');
  });

  it('round-trips through saveState/loadState into a fresh normalizer (another seed): the same next weights and u, bit for bit', async () => {
    const W = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    const a = spectralNormalizer([5, 4], { seed: 1 });
    nextSteps(a, W, 4);
    const io = memoryHandler();
    await saveState(a, io);
    expect(io.artifacts!.weightSpecs!.map((s) => [s.name, s.dtype, s.shape])).toEqual([['u', 'float32', [4]]]);
    const fresh = spectralNormalizer([5, 4], { seed: 99 });
    await loadState(fresh, io);
    expect(bits(fresh.u)).toEqual(bits(a.u));
    expect(fresh.sigma).toBeNaN(); // σ belonged to the fresh normalizer's own u: read again after the next apply
    expect(nextSteps(fresh, W)).toEqual(nextSteps(a, W));
    tf.dispose(W);
    a.dispose();
    fresh.dispose();
  });

  it('restores u, not only the weights (the trap): without it the next power iteration differs', () => {
    const W = tf.tensor2d([[2, 1, 0], [0.5, 1.5, 0.2]]); // σ₁ and σ₂ close: one iteration from another u is far off
    const a = spectralNormalizer([2, 3], { seed: 'a' });
    nextSteps(a, W, 2);
    const unloaded = spectralNormalizer([2, 3], { seed: 'b' });
    const loaded = spectralNormalizer([2, 3], { seed: 'b' });
    loaded.loadState(a.getState());
    const expected = nextSteps(a, W, 1);
    expect(nextSteps(loaded, W, 1)).toEqual(expected);
    expect(nextSteps(unloaded, W, 1)).not.toEqual(expected);
    tf.dispose(W);
    [a, unloaded, loaded].forEach((s) => s.dispose());
  });

  it('refuses a missing tensor, a wrong shape or dtype, and another architecture; nothing changes, nothing leaks', async () => {
    const sn = spectralNormalizer([3, 4], { seed: 5 });
    const snapshot = values(sn.getState());
    const before = tf.memory().numTensors;
    const short = tf.zeros([3]);
    const ints = tf.zeros([4], 'int32');
    const ok = tf.ones([4]);
    expect(() => sn.loadState({})).toThrow("spectralNormalizer.loadState: the state does not fit this object (nothing was loaded): missing 'u'");
    expect(() => sn.loadState({ u: short })).toThrow("mismatched 'u': expected float32[4], got float32[3]");
    expect(() => sn.loadState({ u: ints })).toThrow("mismatched 'u': expected float32[4], got int32[4]");
    expect(() => sn.loadState({ u: ok, v: ok })).toThrow("unexpected 'v'");
    const io = memoryHandler();
    const other = spectralNormalizer([4, 3], { seed: 6 });
    await saveState(composeState({ '0': other }), io); // a critic's normalizers, not one normalizer
    await expect(loadState(sn, io)).rejects.toThrow("missing 'u'; unexpected '0/u'");
    await saveState(other, io); // one normalizer of another weight shape
    await expect(loadState(sn, io)).rejects.toThrow("mismatched 'u': expected float32[4], got float32[3]");
    other.dispose();
    tf.dispose([short, ints, ok]);
    expect(values(sn.getState())).toEqual(snapshot);
    expect(tf.memory().numTensors).toBe(before);
    sn.dispose();
  });

  it('keeps tf.memory().numTensors flat across getState, loadState, saveState and loadState (and after apply)', async () => {
    const W = tf.randomNormal([3, 2], 0, 1, 'float32', 4);
    const a = spectralNormalizer([3, 2], { seed: 1 });
    const b = spectralNormalizer([3, 2], { seed: 2 });
    nextSteps(a, W, 2);
    nextSteps(b, W, 1); // b keeps a σ: loading frees it
    const io = memoryHandler();
    const before = tf.memory().numTensors;
    b.loadState(a.getState());
    expect(tf.memory().numTensors).toBe(before - 1);
    for (let i = 0; i < 3; i++) {
      a.getState();
      b.loadState(a.getState());
      await saveState(a, io);
      await loadState(b, io);
      await expect(loadState(b, { load: async () => ({ ...io.artifacts!, weightSpecs: [], weightData: new ArrayBuffer(0) }) })).rejects.toThrow(/missing 'u'/);
      expect(tf.memory().numTensors).toBe(before - 1);
    }
    tf.dispose(W);
    a.dispose();
    b.dispose();
  });
});

describe('networkState', () => {
  it('names a network’s variables by the names given, by position, or over a LayersModel’s weights', () => {
    const W1 = tf.variable(tf.ones([2, 3]));
    const W2 = tf.variable(tf.zeros([3, 1]));
    const critic = Object.assign((x: tf.Tensor) => tf.matMul(tf.matMul(x, W1), W2), { trainableVariables: [W1, W2] });
    expect(networkState(critic, { '0/kernel': W1, '1/kernel': W2 }).getState()).toEqual({ '0/kernel': W1, '1/kernel': W2 });
    expect(networkState(critic).getState()).toEqual({ '0': W1, '1': W2 });
    expect(networkState((x: tf.Tensor) => x, [W2]).getState()).toEqual({ '0': W2 });
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 3 }), tfl.layers.batchNormalization()] });
    const layers = networkState(model).getState(); // every weight, the batch norm's moving statistics too
    expect(Object.keys(layers)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(Object.values(layers).map((t) => t.shape)).toEqual([[2, 3], [3], [3], [3], [3], [3]]);
    expect(Object.keys(layers)).toEqual(Object.keys(composeState({ m: model }).getState()).map((k) => k.slice(2)));
    model.dispose();
    const own = { getState: () => ({ w: W1 }), loadState: () => {} };
    expect(networkState(own)).toBe(own);
    expect(() => networkState((x: tf.Tensor) => x)).toThrow(/networkState: network must be a Stateful network, a function with a trainableVariables property/);
    expect(() => networkState(critic, [W1, tf.zeros([1])] as tf.Variable[])).toThrow(/networkState: variables\[1\] must be a tf.Variable/);
    tf.dispose([W1, W2]);
  });

  it('loads by name after checking everything; a wrong state changes nothing and leaks nothing', () => {
    const W1 = tf.variable(tf.ones([2, 3]));
    const W2 = tf.variable(tf.zeros([3]));
    const net = networkState((x: tf.Tensor) => x, { a: W1, b: W2 });
    const a = tf.fill([2, 3], 7);
    const b = tf.fill([3], 8);
    const before = tf.memory().numTensors;
    expect(() => net.loadState({ a, b: a })).toThrow("networkState.loadState: the state does not fit this object (nothing was loaded): mismatched 'b': expected float32[3], got float32[2, 3]");
    expect(() => net.loadState({ a })).toThrow("missing 'b'");
    expect(Array.from(W1.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(W2.dataSync())).toEqual([0, 0, 0]);
    net.loadState({ a, b });
    expect(Array.from(W2.dataSync())).toEqual([8, 8, 8]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([W1, W2, a, b]);
  });
});
