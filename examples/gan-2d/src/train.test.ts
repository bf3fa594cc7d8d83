import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { enableHigherOrderGradients } from '@genmod/adversarial';
import { CONFIG, runGan } from './train.js';

describe('gan-2d', () => {
  it(`WGAN-GP covers on average at least 6 of the 8 modes of the ring within ${CONFIG.testSteps} generator steps (seeds 1, 2, 3)`, async () => {
    // the example's configuration, fewer steps than the full run; wasm by default (vitest.config.ts). One
    // seed is one sample of a stochastic training run: the claim is made over three.
    const restore = enableHigherOrderGradients();
    const before = tf.memory().numTensors;
    try {
      const covered: number[] = [];
      for (const seed of [1, 2, 3]) {
        const r = await runGan({ kind: 'wgan-gp', steps: CONFIG.testSteps, seed, checkpoints: [0] });
        const [first, last] = r.checkpoints;
        console.log(`WGAN-GP seed ${seed} on ${tf.getBackend()}: step 0 ${first!.coverage.modesCovered}/8, step ${last!.step} ${last!.coverage.modesCovered}/8 modes, ${(100 * last!.coverage.highQualityFraction).toFixed(1)} % high quality, ${r.seconds.toFixed(1)} s`);
        expect(last!.step).toBe(CONFIG.testSteps);
        // every run learns: the untrained generator covers at most a mode or two by chance
        expect(first!.coverage.modesCovered).toBeLessThanOrEqual(2);
        expect(first!.coverage.highQualityFraction).toBeLessThan(0.15);
        expect(last!.coverage.modesCovered).toBeGreaterThanOrEqual(4);
        // mass moves onto the modes, not between them
        expect(last!.coverage.highQualityFraction).toBeGreaterThan(0.15);
        covered.push(last!.coverage.modesCovered);
      }
      expect(covered.reduce((a, b) => a + b, 0) / covered.length).toBeGreaterThanOrEqual(6);
    } finally {
      restore();
    }
    // runGan disposes its networks and optimizers
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});
