import { describe, expect, it } from 'vitest';
import { expectThrowsClean } from '@genmod-internal/testing';
import { exponentialDecay } from './exponential-decay.js';

describe('exponentialDecay', () => {
  it('is max(min, initial·exp(−rate·step))', () => {
    const tau = exponentialDecay({ initial: 2, rate: 1e-3, min: 0.5 });
    expect(tau(0)).toBe(2);
    expect(tau(100)).toBeCloseTo(2 * Math.exp(-0.1), 14);
    expect(tau(1000)).toBeCloseTo(2 * Math.exp(-1), 14);
    expect(tau(1e6)).toBe(0.5);
    // monotone non-increasing
    let last = Infinity;
    for (let s = 0; s < 5000; s += 37) {
      expect(tau(s)).toBeLessThanOrEqual(last);
      last = tau(s);
    }
  });

  it('names the argument on bad input', () => {
    expectThrowsClean(() => exponentialDecay({ initial: 0, rate: 1, min: 0 }), /exponentialDecay: options\.initial must be a finite number > 0, got 0/);
    expectThrowsClean(() => exponentialDecay({ initial: 1, rate: -1, min: 0 }), /options\.rate must be a finite number ≥ 0, got -1/);
    expectThrowsClean(() => exponentialDecay({ initial: 1, rate: 1, min: 2 }), /options\.min must be a finite number in \[0, initial\] = \[0, 1\], got 2/);
    expectThrowsClean(() => exponentialDecay({ initial: 1, rate: 1, min: 0 })(-1), /exponentialDecay: step must be a number ≥ 0, got -1/);
  });
});
