import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { METHODS, createTrainer, run, type Method } from './train.js';

// Small networks keep these fast; the learning test uses the configuration checked over seeds 1–5.
const small = { batch: 16, generatorHidden: 16, discriminatorHidden: 32 };

describe('createTrainer', () => {
  it.each(METHODS)('%s: the tensor count stays flat over training steps', (method) => {
    const before = tf.memory().numTensors;
    const trainer = createTrainer({ method, seed: 3, ...small });
    trainer.step(); // Adam creates its slots on the first step
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) trainer.step();
    trainer.evaluate(64, 1);
    expect(tf.memory().numTensors).toBe(afterFirst);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(METHODS)('%s: a seeded run is reproducible, and another seed differs', (method: Method) => {
    const go = (seed: number) => {
      const trainer = createTrainer({ method, seed, ...small });
      const losses = Array.from({ length: 3 }, () => trainer.step());
      const samples = trainer.sample(32, 7);
      trainer.dispose();
      return { losses, samples };
    };
    const a = go(11);
    expect(go(11)).toEqual(a);
    const b = go(12);
    expect(b.losses.map((l) => l.discriminatorLoss)).not.toEqual(a.losses.map((l) => l.discriminatorLoss));
    expect(b.samples).not.toEqual(a.samples);
  });

  it('rejects an unknown method before allocating anything', () => {
    const before = tf.memory().numTensors;
    expect(() => createTrainer({ method: 'gumbel' as Method, seed: 1 })).toThrow(/options.method must be one of soft, straight-through, reinforce, got "gumbel"/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('learning', () => {
  it('the straight-through Gumbel-softmax GAN learns to emit valid sequences (untrained < 0.02, after 150 steps > 0.1)', () => {
    const r = run({ method: 'straight-through', seed: 1, steps: 150, evalEvery: 150, evalSamples: 512, batch: 32, generatorHidden: 32 });
    const untrained = r.history[0]!;
    // a random token string of length 12 is a padded balanced word with probability ≈ 196/3¹² ≈ 4e-4;
    // the untrained GRU is close to uniform
    expect(untrained.valid).toBeLessThan(0.02);
    // seeds 1–5 reach 0.21–0.29 here (34–83 distinct words); 0.1 leaves a wide margin
    expect(r.final.valid).toBeGreaterThan(0.1);
    expect(r.final.valid).toBeGreaterThan(5 * untrained.valid + 0.05);
    // and it is not one memorised word
    expect(r.final.distinctValid).toBeGreaterThan(5);
  });
});
