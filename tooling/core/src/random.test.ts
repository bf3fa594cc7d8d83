import { describe, expect, it } from 'vitest';
import { chiSquare, chiSquareCritical } from '@genmod-internal/testing';
import { mulberry32 } from './random.js';

describe('mulberry32', () => {
  it('is reproducible per seed and uniform on [0, 1) (chi-square over 10 cells, N = 20000)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 20000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs[0]).not.toBe(c());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const counts = new Array<number>(10).fill(0);
    for (const x of xs) counts[Math.floor(x * 10)]!++;
    expect(chiSquare(counts, new Array(10).fill(0.1)).statistic).toBeLessThan(chiSquareCritical(9));
  });
});
