import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { memoryHandler } from '@genmod-internal/testing';
import { assignState, composeState, isStateful, loadState, saveState, type StateDict, type Stateful } from './state.js';

/** A toy model: y = x·w + b, with a non-trainable int32 flag (like ActNorm's). */
class Toy implements Stateful {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  readonly flag: tf.Variable;
  constructor(seed: number) {
    this.w = tf.variable(tf.randomNormal([3, 2], 0, 1, 'float32', seed));
    this.b = tf.variable(tf.zeros([2]));
    this.flag = tf.variable(tf.scalar(0, 'int32'), false);
  }
  getState(): StateDict {
    return { 'dense/kernel': this.w, 'dense/bias': this.b, initialized: this.flag };
  }
  loadState(state: StateDict): void {
    assignState('Toy.loadState', this.getState(), state);
  }
  loss(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, this.w), this.b), 1))));
  }
  dispose(): void {
    this.w.dispose();
    this.b.dispose();
    this.flag.dispose();
  }
}

const values = (s: StateDict) => Object.fromEntries(Object.entries(s).map(([k, t]) => [k, Array.from(t.dataSync())]));

describe('state: save and load through tf.io artifacts', () => {
  it('round-trips every entry bit for bit, with tfjs weightSpecs and a genmod-state format', async () => {
    const a = new Toy(1);
    a.flag.assign(tf.scalar(1, 'int32'));
    const io = memoryHandler();
    await saveState(a, io, { metadata: { layers: 3 } });
    expect(io.artifacts!.format).toBe('genmod-state');
    expect(io.artifacts!.weightSpecs!.map((s) => [s.name, s.dtype, s.shape])).toEqual([
      ['dense/kernel', 'float32', [3, 2]], ['dense/bias', 'float32', [2]], ['initialized', 'int32', []],
    ]);
    const b = new Toy(2);
    const before = tf.memory().numTensors;
    const meta = await loadState(b, io);
    expect(tf.memory().numTensors).toBe(before);
    expect(meta).toEqual({ layers: 3 });
    expect(values(b.getState())).toEqual(values(a.getState()));
    a.dispose();
    b.dispose();
  });

  it('refuses a missing, unexpected or mismatched tensor, lists each, and changes nothing', async () => {
    const a = new Toy(1);
    const io = memoryHandler();
    await saveState(composeState({ other: { getState: () => ({ w: a.w }), loadState: () => {} } }), io);
    const b = new Toy(2);
    const snapshot = values(b.getState());
    const before = tf.memory().numTensors;
    await expect(loadState(b, io)).rejects.toThrow(
      /loadState: the state does not fit this object \(nothing was loaded\): missing 'dense\/kernel', 'dense\/bias', 'initialized'; unexpected 'other\/w'/,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(values(b.getState())).toEqual(snapshot);
    const wrongShape = { 'dense/kernel': tf.zeros([2, 3]), 'dense/bias': tf.zeros([2]), initialized: tf.scalar(1, 'float32') };
    expect(() => b.loadState(wrongShape)).toThrow(
      "Toy.loadState: the state does not fit this object (nothing was loaded): mismatched 'dense/kernel': expected float32[3, 2], got float32[2, 3]; 'initialized': expected int32[], got float32[]",
    );
    expect(values(b.getState())).toEqual(snapshot);
    Object.values(wrongShape).forEach((t) => t.dispose());
    await expect(loadState(b, 'nowhere://x')).rejects.toThrow("loadState: no tf.io load handler for 'nowhere://x'");
    await expect(loadState(b, tf.io.fromMemory({ modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(0) }))).rejects.toThrow(
      "loadState: the source is not a genmod state (format 'genmod-state'), got format 'none'",
    );
    a.dispose();
    b.dispose();
  });

  it('resumes Adam: 10 steps after save/load equal 10 steps without stopping, bit for bit', async () => {
    const x = tf.randomNormal([8, 3], 0, 1, 'float32', 7);
    const run = (m: Toy, opt: tf.Optimizer, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const l = opt.minimize(() => m.loss(x), true, [m.w, m.b])!;
        out.push(l.dataSync()[0]!);
        l.dispose();
      }
      return out;
    };
    const a = new Toy(3);
    const optA = tf.train.adam(0.05);
    run(a, optA, 5);
    const io = memoryHandler();
    await saveState(a, io, { optimizer: optA });
    expect(io.artifacts!.weightSpecs!.map((s) => s.name)).toEqual(expect.arrayContaining(['optimizer/iter', 'optimizer/dense/kernel/m', 'optimizer/dense/bias/v', 'optimizer/.accBeta1']));
    const straight = run(a, optA, 10);

    const b = new Toy(4); // a different initialisation, a fresh optimizer that has taken steps of its own
    const optB = tf.train.adam(0.05);
    run(b, optB, 2);
    const before = tf.memory().numTensors;
    await loadState(b, io, { optimizer: optB });
    expect(tf.memory().numTensors).toBe(before);
    expect(run(b, optB, 10)).toEqual(straight);
    for (const o of [optA, optB]) o.dispose();
    a.dispose();
    b.dispose();
    x.dispose();
  });

  it('loads an object\'s own state into itself without harm, and checks option keys', async () => {
    const a = new Toy(5);
    const before = values(a.getState());
    a.loadState(a.getState());
    expect(values(a.getState())).toEqual(before);
    const io = memoryHandler();
    await expect(saveState(a, io, { optimiser: tf.train.adam() } as never)).rejects.toThrow("saveState: unknown option 'optimiser' (did you mean 'optimizer'?)");
    await saveState(a, io);
    await expect(loadState(a, io, { metadata: {} } as never)).rejects.toThrow("loadState: unknown option 'metadata'");
    a.dispose();
  });

  it('composeState names parts and takes a tfjs-layers-like model by weight position', async () => {
    const a = new Toy(1);
    const w = tf.variable(tf.ones([2]));
    const layers = { weights: [{ name: 'dense_Dense7/kernel', read: () => w, write: (v: tf.Tensor) => w.assign(v) }] };
    const both = composeState({ flow: a, encoder: layers });
    expect(isStateful(both)).toBe(true);
    expect(isStateful(Object.assign(() => 1, { getState: () => ({}), loadState: () => {} }))).toBe(true);
    expect(isStateful(() => 1)).toBe(false);
    expect(Object.keys(both.getState())).toEqual(['flow/dense/kernel', 'flow/dense/bias', 'flow/initialized', 'encoder/0']);
    const io = memoryHandler();
    await saveState(both, io);
    w.assign(tf.zeros([2]));
    await loadState(both, io);
    expect(Array.from(w.dataSync())).toEqual([1, 1]);
    expect(() => composeState({ 'a/b': a })).toThrow("composeState: part names must be non-empty and contain no '/', got 'a/b'");
    a.dispose();
    w.dispose();
  });
});
