import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkSeed, deriveSeed } from './seed.js';
import { normalNoise } from './math.js';

describe('deriveSeed', () => {
  it('matches the documented hash (known answers from an independent Python implementation)', () => {
    // fmix32(FNV-1a-32(text)) for the texts below, computed with plain Python integers
    expect(deriveSeed(0)).toBe(1195917645);
    expect(deriveSeed(1)).toBe(98436590);
    expect(deriveSeed('a')).toBe(1653849569);
    expect(deriveSeed('1')).toBe(2654494492);
    expect(deriveSeed(0, 'eps', 3)).toBe(3304890817);
  });
  it('treats 0 as a seed, keeps undefined unseeded, and separates streams and types', () => {
    expect(deriveSeed(0)).not.toBe(0);
    expect(deriveSeed(undefined, 'eps')).toBeUndefined();
    expect(deriveSeed(-0)).toBe(deriveSeed(0));
    const all = [deriveSeed(0), deriveSeed(1), deriveSeed('a'), deriveSeed('1'), deriveSeed(0, 1), deriveSeed(0, 2), deriveSeed(1, 0)];
    expect(new Set(all).size).toBe(all.length);
    for (const s of all) expect(Number.isInteger(s) && s >= 1 && s < 2 ** 32).toBe(true);
  });
  it('gives reproducible tfjs draws for seed 0 (tfjs alone would read 0 as no seed)', () => {
    const [a, b, c] = [normalNoise([8], 0), normalNoise([8], 0), normalNoise([8], 1)];
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });
});

describe('checkSeed', () => {
  it('accepts numbers (0 too), strings and undefined; refuses the rest naming the argument', () => {
    expect(checkSeed('f', 0)).toBe(0);
    expect(checkSeed('f', 'a')).toBe('a');
    expect(checkSeed('f', undefined)).toBeUndefined();
    expect(() => checkSeed('f', NaN)).toThrow("f: options.seed must be a finite number or a string, got NaN");
    expect(() => checkSeed('f', {}, 'seed')).toThrow(/f: seed must be a finite number or a string/);
  });
});
