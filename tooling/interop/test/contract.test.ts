import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import { lawCases, releaseCallerTensors } from './laws.js';

const SUPPORTS = ['real', 'positive', 'unit-interval', 'interval', 'simplex', 'log-simplex', 'one-hot', 'index', 'binary'];
const values = (t: tf.Tensor) => Array.from(t.dataSync());

afterEach(() => releaseCallerTensors());

// One body over every distribution of every package: the shared contract, as a user mixing packages relies on it.
describe.each(lawCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it('has a family tag, shapes and a support', () => {
    const d = c.make(tf.scalar(0));
    expect(typeof d.family).toBe('string');
    expect([...d.batchShape]).toEqual(c.batchShape);
    expect([...d.eventShape]).toEqual(c.eventShape);
    expect(SUPPORTS).toContain(d.support);
    d.dispose?.();
  });

  it('draws [...sample, ...batch, ...event] and scores them [...sample, ...batch], finite', () => {
    const d = c.make(tf.scalar(0));
    tf.tidy(() => {
      const x = d.sample([3], { seed: 0 });
      expect(x.shape).toEqual([3, ...c.batchShape, ...c.eventShape]);
      const lp = d.logProb(x);
      expect(lp.shape).toEqual([3, ...c.batchShape]);
      expect(values(lp).every(Number.isFinite)).toBe(true);
      expect(d.sample([], { seed: 'a' }).shape).toEqual([...c.batchShape, ...c.eventShape]);
    });
    d.dispose?.();
  });

  it('reproduces seeds 0, 1 and "a" bit for bit, and they differ', () => {
    const d = c.make(tf.scalar(0));
    tf.tidy(() => {
      const draws = [0, 1, 'a'].map((seed) => [values(d.sample([64], { seed })), values(d.sample([64], { seed }))]);
      for (const [a, b] of draws) expect(a).toEqual(b);
      expect(draws[0]![0]).not.toEqual(draws[1]![0]);
      expect(draws[0]![0]).not.toEqual(draws[2]![0]);
      expect(draws[1]![0]).not.toEqual(draws[2]![0]);
    });
    d.dispose?.();
  });

  it(`sample carries no gradient; rsample ${c.reparameterized ? 'exists and does' : 'does not exist'}`, () => {
    const probe = tf.scalar(0);
    const d0 = c.make(probe);
    expect(typeof (d0 as { rsample?: unknown }).rsample).toBe(c.reparameterized ? 'function' : 'undefined');
    d0.dispose?.();
    if (c.hasParameter === false) return probe.dispose();
    const sampleGrad = tf.grad((t: tf.Tensor) => tf.sum(c.make(t).sample([8], { seed: 2 })))(probe);
    expect(values(sampleGrad)).toEqual([0]);
    if (c.reparameterized) {
      const rsampleGrad = tf.grad((t: tf.Tensor) => tf.sum((c.make(t) as unknown as { rsample: (s: number[], o: object) => tf.Tensor }).rsample([8], { seed: 2 })))(probe);
      expect(Math.abs(rsampleGrad.dataSync()[0]!)).toBeGreaterThan(0);
      rsampleGrad.dispose();
    }
    tf.dispose([sampleGrad, probe]);
  });

  it('leaks nothing: construction, sample, rsample, logProb, dispose', () => {
    const theta = tf.scalar(0);
    const before = tf.memory().numTensors;
    const d = c.make(theta);
    expectNoLeaks(() => d.sample([2], { seed: 3 })).dispose();
    const r = (d as { rsample?: (s: number[], o: object) => tf.Tensor }).rsample;
    if (r) expectNoLeaks(() => r.call(d, [2], { seed: 3 })).dispose();
    const x = d.sample([2], { seed: 3 });
    expectNoLeaks(() => d.logProb(x)).dispose();
    x.dispose();
    d.dispose?.();
    releaseCallerTensors();
    expect(tf.memory().numTensors).toBe(before);
    theta.dispose();
  });
});
