// Saving and restoring movingAverageBaseline (issue 15): its running average and whether it is initialised, by
// structural names, through tf.io artifacts; refusals leave it unchanged; no tensor leaks on any path.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { memoryHandler } from '@genmod-internal/testing';
import { composeState, isStateful, leaveOneOutBaseline, loadState, movingAverageBaseline, saveState, type StateDict } from './index.js';

const values = (s: StateDict) => Object.fromEntries(Object.entries(s).map(([k, t]) => [k, [t.dtype, t.shape, Array.from(t.dataSync())]]));
const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));
/** the baselines of `steps` estimates on reward vectors drawn from `seed`, as float32 bit patterns */
function nextBaselines(b: ReturnType<typeof movingAverageBaseline>, seed: number, steps = 4): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    const v = tf.randomNormal([5], 3, 2, 'float32', seed + i);
    const r = b.compute(v);
    out.push(bits(r));
    tf.dispose([v, r]);
  }
  return out;
}

describe('movingAverageBaseline: save and load', () => {
  it('names its state average (float32 []) and initialized (int32 []), and is Stateful', () => {
    const b = movingAverageBaseline(0.9, { initial: 2 });
    expect(isStateful(b)).toBe(true);
    expect(values(b.getState())).toEqual({ average: ['float32', [], [2]], initialized: ['int32', [], [0]] });
    nextBaselines(b, 1, 1);
    expect(b.getState().initialized!.dataSync()[0]).toBe(1);
    expect(isStateful(leaveOneOutBaseline())).toBe(false); // stateless: nothing to save
    b.dispose();
  });

  it('round-trips through saveState/loadState into a fresh baseline: the same next baselines, bit for bit', async () => {
    const a = movingAverageBaseline(0.8, { initial: 1 });
    nextBaselines(a, 10, 6);
    const io = memoryHandler();
    await saveState(a, io);
    expect(io.artifacts!.weightSpecs!.map((s) => [s.name, s.dtype, s.shape])).toEqual([['average', 'float32', []], ['initialized', 'int32', []]]);
    const fresh = movingAverageBaseline(0.8, { initial: 7 }); // another initial value: the loaded state wins
    await loadState(fresh, io);
    expect(fresh.average).toBeDefined();
    expect(bits(fresh.average!)).toEqual(bits(a.average!));
    expect(nextBaselines(fresh, 100)).toEqual(nextBaselines(a, 100));
    a.dispose();
    fresh.dispose();
  });

  it('restores the initialised flag: a loaded baseline does not fall back to its initial value (the trap)', () => {
    const a = movingAverageBaseline(0.5, { initial: 0 });
    const v = tf.tensor1d([4, 6]);
    tf.dispose(a.compute(v)); // average = 5, initialised
    const fresh = movingAverageBaseline(0.5, { initial: 0 });
    fresh.loadState(a.getState());
    const r = fresh.compute(v);
    expect(Array.from(r.dataSync())).toEqual([5]); // not 0, the initial value
    expect(Array.from(fresh.average!.dataSync())).toEqual([5]); // 0.5·5 + 0.5·5, not the first mean again
    // and loading an uninitialised state starts over from its average
    fresh.loadState(movingAverageBaseline(0.5, { initial: 3 }).getState());
    expect(fresh.average).toBeUndefined();
    const r2 = fresh.compute(tf.tensor1d([9, 9]));
    expect(Array.from(r2.dataSync())).toEqual([3]);
    expect(Array.from(fresh.average!.dataSync())).toEqual([9]);
    tf.dispose([v, r, r2]);
    a.dispose();
    fresh.dispose();
  });

  it('refuses a missing tensor, a wrong shape or dtype, and another object’s state; nothing changes, nothing leaks', async () => {
    const b = movingAverageBaseline(0.9);
    nextBaselines(b, 3, 2);
    const snapshot = values(b.getState());
    const before = tf.memory().numTensors;
    const average = tf.scalar(1);
    const flag = tf.scalar(1, 'int32');
    expect(() => b.loadState({ average })).toThrow(
      "movingAverageBaseline.loadState: the state does not fit this object (nothing was loaded): missing 'initialized'",
    );
    const wide = tf.zeros([2]);
    const floatFlag = tf.scalar(1, 'float32');
    expect(() => b.loadState({ average: wide, initialized: floatFlag })).toThrow(
      "movingAverageBaseline.loadState: the state does not fit this object (nothing was loaded): mismatched 'average': expected float32[], got float32[2]; 'initialized': expected int32[], got float32[]",
    );
    expect(() => b.loadState({ 'baseline/average': average, 'baseline/initialized': flag })).toThrow(
      /missing 'average', 'initialized'; unexpected 'baseline\/average', 'baseline\/initialized'/,
    );
    const io = memoryHandler();
    const other = movingAverageBaseline(0.9);
    await saveState(composeState({ baseline: other }), io); // a different architecture: a checkpoint of a composite
    await expect(loadState(b, io)).rejects.toThrow(/missing 'average', 'initialized'; unexpected 'baseline\/average', 'baseline\/initialized'/);
    other.dispose();
    tf.dispose([average, flag, wide, floatFlag]);
    expect(values(b.getState())).toEqual(snapshot);
    expect(tf.memory().numTensors).toBe(before);
    b.dispose();
  });

  it('keeps tf.memory().numTensors flat across getState, loadState, saveState and loadState', async () => {
    const a = movingAverageBaseline(0.9);
    const b = movingAverageBaseline(0.9);
    nextBaselines(a, 5, 2);
    b.getState(); // makes its variables
    const io = memoryHandler();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      a.getState();
      b.loadState(a.getState());
      await saveState(a, io);
      await loadState(b, io);
      await expect(loadState(b, { load: async () => ({ ...io.artifacts!, weightSpecs: io.artifacts!.weightSpecs!.slice(0, 1), weightData: io.artifacts!.weightData }) })).rejects.toThrow(/missing 'initialized'/);
      expect(tf.memory().numTensors).toBe(before);
    }
    a.dispose();
    b.dispose();
  });
});
