import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { zCritical } from '@genmod-internal/testing';
import { dynamicBatches, lowbias32, randomSubset, stochasticBinarize } from './binarize.js';
import { loadMnist } from './idx.js';

/** np.packbits: MSB first, 8 bits a byte. */
function packBits(bits: Float32Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === 1) out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}
const count = (a: ArrayLike<number>, from = 0, to = a.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s;
};

describe('stochasticBinarize (the fixed test binarization of the protocol)', () => {
  it('gives the checksum computed independently with numpy: 1,038,801 ones, 76 in the first image, the SHA-256 of the packed bits', () => {
    const { test } = loadMnist();
    const bits = stochasticBinarize(test.images, 1);
    expect(bits.length).toBe(7_840_000);
    expect(bits.every((b) => b === 0 || b === 1)).toBe(true);
    expect(count(bits)).toBe(1_038_801);
    expect(count(bits, 0, 784)).toBe(76);
    expect(createHash('sha256').update(packBits(bits)).digest('hex')).toBe('39316cce19f8e46ebecabe600c1fcf9698d2db7108afe322c564cbc79e8a1741');
    // the number of ones is within its standard error of Σp (a Poisson–binomial sum)
    let sum = 0, variance = 0;
    for (const b of test.images) {
      sum += b / 255;
      variance += (b / 255) * (1 - b / 255);
    }
    expect(Math.abs(count(bits) - sum)).toBeLessThan(zCritical(1e-3) * Math.sqrt(variance));
    // another seed gives other bits; a slice with its offset gives the same bits as the whole file
    expect(createHash('sha256').update(packBits(stochasticBinarize(test.images, 2))).digest('hex')).not.toBe('39316cce19f8e46ebecabe600c1fcf9698d2db7108afe322c564cbc79e8a1741');
    const from = 123 * 784;
    expect(stochasticBinarize(test.images.subarray(from, from + 784), 1, from)).toEqual(bits.subarray(from, from + 784));
  });

  it('never sets a pixel of byte 0 and always one of byte 255; lowbias32 is a 32-bit hash', () => {
    const bits = stochasticBinarize(new Uint8Array(2000).map((_, i) => (i % 2 ? 255 : 0)), 7);
    for (let i = 0; i < 2000; i++) expect(bits[i]).toBe(i % 2);
    // lowbias32(0) = 0 (a fixed point of xor-shift-multiply); lowbias32(1) by hand from the definition
    expect(lowbias32(0)).toBe(0);
    let x = 1;
    x ^= x >>> 16; x = Number((BigInt(x) * 0x7feb352dn) % 2n ** 32n); x ^= x >>> 15; x = x >>> 0;
    x = Number((BigInt(x) * 0x846ca68bn) % 2n ** 32n); x = (x ^ (x >>> 16)) >>> 0;
    expect(lowbias32(1)).toBe(x);
  });
});

describe('dynamicBatches (dynamic binarization)', () => {
  const size = 6;
  const bytes = [0, 1, 51, 128, 204, 255];
  const images = new Uint8Array(3 * size).map((_, i) => bytes[(i + Math.floor(i / size)) % size]!);

  it('draws each pixel as Bernoulli(byte / 255): the frequency over many batches is within its standard error of p', () => {
    const stream = dynamicBatches(images, 3, { batch: 3, seed: 5 }, size);
    const draws = 20_000;
    const ones = new Float64Array(3 * size);
    for (let d = 0; d < draws; d++) {
      const x = stream.next();
      // a batch of 3 is one whole permutation: every image once
      for (let b = 0; b < 3; b++) for (let p = 0; p < size; p++) ones[stream.indices[b]! * size + p]! += x[b * size + p]!;
    }
    const z = zCritical(1e-4);
    for (let i = 0; i < 3 * size; i++) {
      const p = images[i]! / 255;
      const freq = ones[i]! / draws;
      if (p === 0 || p === 1) expect(freq).toBe(p);
      else expect(Math.abs(freq - p), `pixel ${i}, p = ${p}`).toBeLessThan(z * Math.sqrt((p * (1 - p)) / draws));
    }
  });

  it('is fresh on every call, and reproducible from its seed', () => {
    const grey = new Uint8Array(784).fill(128);
    const a = dynamicBatches(grey, 1, { batch: 1, seed: 1 });
    const first = a.next().slice();
    const second = a.next().slice();
    expect(count(first)).toBeGreaterThan(0);
    expect(first).not.toEqual(second);
    const b = dynamicBatches(grey, 1, { batch: 1, seed: 1 });
    expect(b.next()).toEqual(first);
    expect(dynamicBatches(grey, 1, { batch: 1, seed: 2 }).next()).not.toEqual(first);
  });

  it('takes every image once per epoch from a fresh permutation, batches straddling two epochs', () => {
    const n = 10;
    const stream = dynamicBatches(new Uint8Array(n * size), n, { batch: 3, seed: 3 }, size);
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      stream.next();
      seen.push(...stream.indices);
    }
    expect(stream.epochs).toBe(6);
    const epochs = Array.from({ length: 6 }, (_, e) => seen.slice(e * n, (e + 1) * n));
    for (const e of epochs) expect([...e].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect(new Set(epochs.map((e) => e.join(','))).size).toBeGreaterThan(1);
  });

  it('rejects a wrong size, batch or option', () => {
    expect(() => dynamicBatches(new Uint8Array(10), 1)).toThrow(/images must hold n·784 = 784 bytes, got 10/);
    expect(() => dynamicBatches(new Uint8Array(784), 1, { batch: 0 })).toThrow(/batch must be an integer ≥ 1, got 0/);
    expect(() => dynamicBatches(new Uint8Array(784), 1, { bacth: 2 } as never)).toThrow(/unknown option bacth/);
  });
});

describe('randomSubset', () => {
  it('gives m distinct sorted indices, the same for the same seed', () => {
    const s = randomSubset(10_000, 500, 1);
    expect(s.length).toBe(500);
    expect(new Set(s).size).toBe(500);
    expect(s.every((v, i) => v >= 0 && v < 10_000 && (i === 0 || v > s[i - 1]!))).toBe(true);
    expect(randomSubset(10_000, 500, 1)).toEqual(s);
    expect(randomSubset(10_000, 500, 2)).not.toEqual(s);
    expect(randomSubset(5, 9)).toEqual([0, 1, 2, 3, 4]);
  });
});
