// The demos' models (src/demos/*-model.ts) in Node, on cpu and wasm: they do what the page shows, and free
// what they allocate.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ddpmSample, finalSample } from '@genmod/diffusion';
import { createFlowModel, twoMoons } from '../src/demos/flow-model.js';
import { createRingModel } from '../src/demos/diffusion-model.js';
import { createFits, momentMatch } from '../src/demos/modes-model.js';

const initial = tf.getBackend();
afterAll(() => tf.setBackend(initial));

describe.each(['cpu', 'wasm'] as const)('on %s', (backend) => {
  it('the flow learns two moons: held-out NLL falls by over 0.3 nats in 60 Adam steps', async () => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const model = createFlowModel({ batch: 128, learningRate: 1e-2 });
    const test = twoMoons(512, 99);
    const start = model.nll(test);
    for (let i = 0; i < 60; i++) model.trainStep(i).dispose();
    const end = model.nll(test);
    expect(end).toBeLessThan(start - 0.3);
    test.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('DDPM with the exact ε-model lands on the ring of modes; an abort stops it cleanly', async () => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const ring = createRingModel(100);
    const x = await finalSample(ddpmSample(ring.denoiser, [400, 2], ring.schedule, { seed: 3 }));
    const noise = tf.randomNormal([400, 2], 0, 1, 'float32', 3);
    expect(ring.distanceToModes(await x.data())).toBeLessThan(0.25); // σ = 0.12: E|N(0, σ²I)| ≈ 0.15
    expect(ring.distanceToModes(await noise.data())).toBeGreaterThan(0.6); // the check can fail
    tf.dispose([x, noise]);
    const controller = new AbortController();
    let steps = 0;
    await expect(async () => {
      for await (const s of ddpmSample(ring.denoiser, [50, 2], ring.schedule, { seed: 4, signal: controller.signal })) {
        steps = s.step;
        if (s.step === 10) controller.abort();
      }
    }).rejects.toThrow(/abort/i);
    expect(steps).toBe(10);
    ring.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('forward KL covers both modes, reverse KL seeks one (150 Adam steps)', async () => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const [forward, reverse] = createFits(256);
    for (let i = 0; i < 150; i++) {
      forward.step(1000 + 2 * i).dispose();
      reverse.step(1001 + 2 * i).dispose();
    }
    const f = await forward.params();
    const r = await reverse.params();
    // forward: towards moment matching (μ 0, σ 2.06); reverse: one mode (μ ≈ ±2, σ ≈ 0.5)
    expect(Math.abs(f.mu - momentMatch.mu)).toBeLessThan(0.4);
    expect(f.sigma).toBeGreaterThan(1.5);
    expect(Math.abs(Math.abs(r.mu) - 2)).toBeLessThan(0.3);
    expect(r.sigma).toBeLessThan(0.9);
    forward.dispose();
    reverse.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
