// Saving and restoring a VectorQuantizer (issue 15): codebook, EMA sums and counts, usage averages, the step
// counter and the rows generator, by structural names, through tf.io artifacts. A loaded quantizer continues
// exactly where the saved one was: the same next EMA update, the same next dead-code restart, no second k-means.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { memoryHandler } from '@genmod-internal/testing';
import { composeState, isStateful, loadState, saveState, type StateDict, VectorQuantizer, type VectorQuantizerOptions } from './index.js';

/** every entry as [dtype, shape, bit patterns]: equality is bit for bit */
const bitsOf = (t: tf.Tensor) => Array.from(new Uint32Array(t.dtype === 'int32' ? Int32Array.from(t.dataSync()).buffer : Float32Array.from(t.dataSync()).buffer));
const values = (s: StateDict) => Object.fromEntries(Object.entries(s).map(([k, t]) => [k, [t.dtype, t.shape, bitsOf(t)]]));

const OPTIONS: VectorQuantizerOptions = { codebookSize: 6, dim: 2, ema: { decay: 0.8 }, kmeansIterations: 2, deadCodeThreshold: 1.5, seed: 1 };
const batch = (seed: number) => tf.randomNormal([12, 2], 0, 1, 'float32', seed);

/** `steps` updates on batches from `seed` (restart counts, then the state's bits), and one quantize after */
function continueTraining(vq: VectorQuantizer, seed: number, steps = 3): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < steps; i++) {
    const z = batch(seed + i);
    out.push(vq.update(z).restarted);
    const { zQ, indices, loss, perplexity } = vq.quantize(z);
    out.push(bitsOf(zQ), Array.from(indices.dataSync()), bitsOf(loss), bitsOf(perplexity));
    tf.dispose([z, zQ, indices, loss, perplexity]);
  }
  out.push(values(vq.getState()));
  return out;
}

describe('VectorQuantizer: save and load', () => {
  it('names its state: codebook, EMA cluster sizes and sums, usage average, step counter, rows generator', () => {
    const ema = new VectorQuantizer(OPTIONS);
    expect(isStateful(ema)).toBe(true);
    const s = ema.getState();
    expect(Object.entries(s).map(([k, t]) => [k, t.dtype, t.shape])).toEqual([
      ['codebook', 'float32', [6, 2]],
      ['clusterSize', 'float32', [6]],
      ['embedSum', 'float32', [6, 2]],
      ['usageAverage', 'float32', [6]],
      ['updates', 'int32', []],
      ['randomState', 'int32', []],
    ]);
    expect(Object.values(s).every((t) => t instanceof tf.Variable)).toBe(true);
    expect(s.codebook).toBe(ema.codebook);
    const z = batch(3);
    ema.update(z);
    ema.update(z);
    expect(Array.from(ema.getState().updates!.dataSync())).toEqual([2]);
    const plain = new VectorQuantizer({ codebookSize: 3, dim: 4, seed: 0 });
    expect(Object.keys(plain.getState())).toEqual(['codebook', 'usageAverage', 'updates', 'randomState']);
    tf.dispose(z);
    ema.dispose();
    plain.dispose();
  });

  it('round-trips through saveState/loadState into a fresh quantizer (another seed): the same next updates, restarts and codes, bit for bit', async () => {
    const a = new VectorQuantizer(OPTIONS);
    continueTraining(a, 10, 2); // k-means, EMA steps, restarts
    const io = memoryHandler();
    await saveState(a, io, { metadata: { codebookSize: 6 } });
    expect(io.artifacts!.weightSpecs!.map((w) => w.name)).toEqual(['codebook', 'clusterSize', 'embedSum', 'usageAverage', 'updates', 'randomState']);
    const fresh = new VectorQuantizer({ ...OPTIONS, seed: 'another' });
    expect(values(fresh.getState())).not.toEqual(values(a.getState()));
    expect(await loadState(fresh, io)).toEqual({ codebookSize: 6 });
    expect(values(fresh.getState())).toEqual(values(a.getState()));
    const expected = continueTraining(a, 50);
    expect(expected.filter((x): x is number => typeof x === 'number').some((n) => n > 0)).toBe(true); // restarts happen
    expect(continueTraining(fresh, 50)).toEqual(expected);
    a.dispose();
    fresh.dispose();
  });

  it('the traps: no second k-means after loading, the same next EMA update and the same dead-code restart rows', () => {
    const OPTIONS: VectorQuantizerOptions = { codebookSize: 6, dim: 2, ema: { decay: 0.8 }, kmeansIterations: 2, deadCodeThreshold: 2.5, seed: 1 }; // restarts every step
    const z0 = batch(1);
    const z1 = batch(2);
    const a = new VectorQuantizer(OPTIONS);
    a.update(z0); // k-means on the first batch
    const fresh = new VectorQuantizer({ ...OPTIONS, seed: 99 });
    fresh.loadState(a.getState());
    const ra = a.update(z1);
    const rf = fresh.update(z1); // would run k-means (updates = 0) and pick other rows without the counter and generator
    expect(rf).toEqual(ra);
    expect(ra.restarted).toBeGreaterThan(0);
    expect(values(fresh.getState())).toEqual(values(a.getState()));
    // copying only the codebook and EMA tensors (the workaround) does not continue the same way
    const partial = new VectorQuantizer({ ...OPTIONS, seed: 99 });
    const saved = new VectorQuantizer(OPTIONS);
    saved.update(z0);
    for (const name of ['codebook', 'clusterSize', 'embedSum', 'usageAverage']) (partial.getState()[name] as tf.Variable).assign(saved.getState()[name]!);
    partial.update(z1);
    expect(values(partial.getState()).codebook).not.toEqual(values(a.getState()).codebook);
    tf.dispose([z0, z1]);
    [a, fresh, partial, saved].forEach((q) => q.dispose());
  });

  it('resumes gradient training of the codebook with Adam: the same next losses as training on', async () => {
    const options: VectorQuantizerOptions = { codebookSize: 4, dim: 3, seed: 5 };
    const z = tf.randomNormal([16, 3], 0, 1, 'float32', 6);
    const step = (vq: VectorQuantizer, opt: tf.Optimizer) => {
      const loss = opt.minimize(() => {
        const r = vq.quantize(z);
        tf.dispose([r.zQ, r.indices, r.perplexity]);
        return r.loss;
      }, true, vq.trainableVariables)!;
      const bits = bitsOf(loss);
      loss.dispose();
      return bits;
    };
    const a = new VectorQuantizer(options);
    const optA = tf.train.adam(0.05);
    for (let i = 0; i < 3; i++) step(a, optA);
    const io = memoryHandler();
    await saveState(a, io, { optimizer: optA });
    const onward = Array.from({ length: 5 }, () => step(a, optA));
    const b = new VectorQuantizer({ ...options, seed: 7 });
    const optB = tf.train.adam(0.05);
    step(b, optB); // the optimizer has slots of its own before loading
    await loadState(b, io, { optimizer: optB });
    expect(Array.from({ length: 5 }, () => step(b, optB))).toEqual(onward);
    tf.dispose(z);
    a.dispose();
    b.dispose();
    optA.dispose();
    optB.dispose();
  });

  it('refuses a missing tensor, a wrong shape and a different architecture; nothing changes, nothing leaks', async () => {
    const vq = new VectorQuantizer(OPTIONS);
    const z = batch(4);
    vq.update(z);
    const snapshot = values(vq.getState());
    const before = tf.memory().numTensors;
    const { embedSum: _dropped, ...missing } = vq.getState();
    expect(() => vq.loadState(missing)).toThrow(
      "VectorQuantizer.loadState: the state does not fit this object (nothing was loaded): missing 'embedSum'",
    );
    const wider = new VectorQuantizer({ ...OPTIONS, codebookSize: 7 });
    expect(() => vq.loadState(wider.getState())).toThrow(
      "VectorQuantizer.loadState: the state does not fit this object (nothing was loaded): mismatched 'codebook': expected float32[6, 2], got float32[7, 2]; 'clusterSize': expected float32[6], got float32[7]; 'embedSum': expected float32[6, 2], got float32[7, 2]; 'usageAverage': expected float32[6], got float32[7]",
    );
    const plain = new VectorQuantizer({ codebookSize: 6, dim: 2, seed: 3 }); // no EMA: another architecture
    const io = memoryHandler();
    await saveState(plain, io);
    await expect(loadState(vq, io)).rejects.toThrow(/missing 'clusterSize', 'embedSum'$/);
    await saveState(composeState({ quantizer: vq }), io);
    await expect(loadState(vq, io)).rejects.toThrow(/missing 'codebook', .*unexpected 'quantizer\/codebook'/);
    wider.dispose();
    plain.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(values(vq.getState())).toEqual(snapshot);
    // and the next update is the one it would have made (the JS caches were not touched either)
    const twin = new VectorQuantizer(OPTIONS);
    twin.update(z);
    expect(vq.update(z)).toEqual(twin.update(z));
    expect(values(vq.getState())).toEqual(values(twin.getState()));
    tf.dispose(z);
    vq.dispose();
    twin.dispose();
  });

  it('keeps tf.memory().numTensors flat across getState, loadState, saveState and loadState; dispose() frees the counters', async () => {
    const start = tf.memory().numTensors;
    const a = new VectorQuantizer(OPTIONS);
    const b = new VectorQuantizer({ ...OPTIONS, seed: 2 });
    const z = batch(8);
    a.update(z);
    const io = memoryHandler();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      a.getState();
      b.loadState(a.getState());
      await saveState(a, io);
      await loadState(b, io);
      expect(() => b.loadState({})).toThrow(/missing/);
      await expect(loadState(b, { load: async () => ({ ...io.artifacts!, weightSpecs: io.artifacts!.weightSpecs!.slice(0, 2) }) })).rejects.toThrow(/missing 'embedSum'/);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose(z);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
