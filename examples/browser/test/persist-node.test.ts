// Save and load in Node, on cpu and wasm (issue 15): the flow the page ships (public/models/two-moons-spline,
// trained and saved by examples/flows-2d's `npm run export-model`) loads and gives the logProb values its
// reference.json recorded at export time; and ./src/demos/persist-model.ts's round trip, here through an
// in-memory tf.io handler (the page runs it through IndexedDB), is bit for bit and refuses mismatched checkpoints.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { SHIPPED_ARCHITECTURE } from '@genmod-examples/flows-2d/models';
import { loadPretrained, roundTrip } from '../src/demos/persist-model.js';
import { NODE_ATOL, NODE_RTOL, files, modelDir, reference } from './pretrained.js';

/** An in-memory tf.io destination: save() keeps the artifacts, load() returns them. */
function memory(): tf.io.IOHandler {
  let saved: tf.io.ModelArtifacts | undefined;
  return {
    save: async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async () => saved!,
  };
}

const initial = tf.getBackend();
afterAll(() => tf.setBackend(initial));

it('the shipped model is small: model.json + weights.bin under 100 KB', () => {
  const bytes = statSync(join(modelDir, 'model.json')).size + statSync(join(modelDir, 'weights.bin')).size;
  expect(bytes).toBeLessThan(100_000);
});

describe.each(['cpu', 'wasm'] as const)('on %s', (backend) => {
  it('the flow trained by flows-2d loads from its files and gives the logProb of reference.json', async () => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const { flow, architecture, metadata } = await loadPretrained(files);
    expect(architecture).toEqual(SHIPPED_ARCHITECTURE);
    expect(metadata).toMatchObject({ density: 'TWO MOONS', steps: reference.steps, heldOutNll: reference.heldOutNll });
    const lp = tf.tidy(() => Array.from(flow.logProb(tf.tensor2d(reference.points)).dataSync()));
    if (backend === reference.backend) {
      expect(lp).toEqual(reference.logProb); // the backend that exported: the very same float32 values
    } else {
      lp.forEach((v, i) => expect(Math.abs(v - reference.logProb[i]!), `point ${i}`).toBeLessThanOrEqual(NODE_ATOL + NODE_RTOL * Math.abs(reference.logProb[i]!)));
    }
    flow.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round trip through a tf.io handler: bit for bit, ActNorm kept, BatchNorm statistics, resumed Adam, mismatches refused, no leak', async () => {
    await tf.setBackend(backend);
    const r = await roundTrip(memory());
    expect(r.names).toContain('bijector/0/initialized');
    expect(r.names).toContain('bijector/2/runningMean');
    expect(r.stateDiffers).toEqual([]);
    expect(r).toMatchObject({ logProbIdentical: true, logProbMaxAbsDiff: 0, sampleIdentical: true, actNormInitialized: 1, runningStatsIdentical: true });
    expect(r.resumedLosses).toEqual(r.continuedLosses);
    expect(r.refusals.map((f) => f.unchanged)).toEqual([true, true]);
    expect(r.refusals[0]!.message).toMatch(/nothing was loaded.*mismatched 'bijector\/1\/net\/0\/kernel': expected float32\[2, 24\], got float32\[2, 16\]/);
    expect(r.refusals[1]!.message).toMatch(/unexpected 'bijector\/2\/logGamma'/);
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
  });
});
