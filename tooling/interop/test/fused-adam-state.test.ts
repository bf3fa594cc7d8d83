// @genmod/backend's fusedAdam is a drop-in for tf.train.adam also where state is saved: its slots go through the
// shared saveState/loadState (tf.io) of every package, a resumed run continues bit for bit, and a checkpoint written
// with tf.train.adam resumes under fusedAdam with the same losses as tf.train.adam itself (cpu and wasm: the fused
// kernel rounds like tfjs's ops).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { memoryHandler } from '@genmod-internal/testing';
import { fusedAdam } from '@genmod/backend';
import { loadState, saveState } from '@genmod/flows';
import { buildFlow, flowData, stateHex, trainFlow } from './persistence/models.js';

describe('fusedAdam state through saveState / loadState', () => {
  it('saved after 5 steps, loaded into a fresh model and optimizer: the next 10 losses and the weights are the same bits', async () => {
    const start = tf.memory().numTensors;
    const data = flowData();
    const a = buildFlow(41);
    const optA = fusedAdam(1e-2);
    trainFlow(a, optA, data, 0, 5);
    const handler = memoryHandler();
    await saveState(a.flow, handler, { optimizer: optA });
    const onward = trainFlow(a, optA, data, 5, 10);

    const b = buildFlow(42); // other initial weights: everything must come from the checkpoint
    const optB = fusedAdam(1e-2);
    await loadState(b.flow, handler, { optimizer: optB });
    const resumed = trainFlow(b, optB, data, 5, 10);
    expect(new Set(onward).size).toBe(10);
    expect(resumed).toEqual(onward);
    expect(stateHex(b.flow.getState())).toEqual(stateHex(a.flow.getState()));
    [optA, optB].forEach((o) => o.dispose());
    a.flow.dispose();
    b.flow.dispose();
    data.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('a tf.train.adam checkpoint resumes under fusedAdam exactly as under tf.train.adam', async () => {
    const start = tf.memory().numTensors;
    const data = flowData();
    const a = buildFlow(43);
    const adam = tf.train.adam(1e-2);
    trainFlow(a, adam, data, 0, 5);
    const handler = memoryHandler();
    await saveState(a.flow, handler, { optimizer: adam });
    const onward = trainFlow(a, adam, data, 5, 10);

    const b = buildFlow(44);
    const fused = fusedAdam(1e-2);
    await loadState(b.flow, handler, { optimizer: fused });
    expect(trainFlow(b, fused, data, 5, 10)).toEqual(onward);
    adam.dispose();
    fused.dispose();
    a.flow.dispose();
    b.flow.dispose();
    data.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
