import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { enableHigherOrderGradients } from '@genmod/adversarial';
import { CONFIG, runGan } from './train.js';

describe('gan-2d', () => {
  it(`WGAN-GP covers at least 7 of the 8 modes of the ring within ${CONFIG.testSteps} generator steps`, async () => {
    // the example's configuration and seed, fewer steps than the full run; wasm by default (vitest.config.ts)
    const restore = enableHigherOrderGradients();
    const before = tf.memory().numTensors;
    try {
      const r = await runGan({ kind: 'wgan-gp', steps: CONFIG.testSteps, seed: 1, checkpoints: [0] });
      const [first, last] = r.checkpoints;
      console.log(`WGAN-GP on ${tf.getBackend()}: step 0 ${first!.coverage.modesCovered}/8, step ${last!.step} ${last!.coverage.modesCovered}/8 modes, ${(100 * last!.coverage.highQualityFraction).toFixed(1)} % high quality, ${r.seconds.toFixed(1)} s`);
      expect(last!.step).toBe(CONFIG.testSteps);
      expect(last!.coverage.modesCovered).toBeGreaterThanOrEqual(7);
      // mass sits on the modes, not between them
      expect(last!.coverage.highQualityFraction).toBeGreaterThan(0.25);
      // the untrained generator covers at most a mode or two by chance: the test measures learning
      expect(first!.coverage.modesCovered).toBeLessThanOrEqual(2);
      expect(first!.coverage.highQualityFraction).toBeLessThan(0.15);
    } finally {
      restore();
    }
    // runGan disposes its networks and optimizers
    expect(tf.memory().numTensors).toBe(before);
  }, 180_000);
});
