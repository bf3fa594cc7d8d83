import { describe, expect, it } from 'vitest';
import { expectClose, expectThrowsClean } from '@genmod-internal/testing';
import { cosineSchedule, leadingTimesteps, linearSchedule, linspaceTimesteps, respace, trailingTimesteps } from './index.js';

describe('timestep spacings (as diffusers computes them)', () => {
  it('linspace keeps both ends, rounds half to even', () => {
    expect(Array.from(linspaceTimesteps(1000, 5))).toEqual([0, 250, 500, 749, 999]);
    expect(Array.from(linspaceTimesteps(1000, 1))).toEqual([0]);
    expect(Array.from(linspaceTimesteps(10, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // np.round(np.linspace(0, 9, 4)) = [0, 3, 6, 9]; np.round(np.linspace(0, 5, 3)) = [0, 2, 5] (2.5 → 2)
    expect(Array.from(linspaceTimesteps(10, 4))).toEqual([0, 3, 6, 9]);
    expect(Array.from(linspaceTimesteps(6, 3))).toEqual([0, 2, 5]);
  });

  it('leading starts at 0 (plus offset) in strides of ⌊T/n⌋', () => {
    expect(Array.from(leadingTimesteps(1000, 5))).toEqual([0, 200, 400, 600, 800]);
    expect(Array.from(leadingTimesteps(1000, 3, { offset: 1 }))).toEqual([1, 334, 667]);
  });

  it('trailing ends at T − 1 in strides of T/n', () => {
    expect(Array.from(trailingTimesteps(1000, 5))).toEqual([199, 399, 599, 799, 999]);
    expect(Array.from(trailingTimesteps(1000, 3))).toEqual([332, 666, 999]);
    expect(Array.from(trailingTimesteps(10, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reject counts outside [1, T]', () => {
    expectThrowsClean(() => trailingTimesteps(10, 11), /trailingTimesteps: n must be an integer ≥ 1 and ≤ 10, got 11/);
    expectThrowsClean(() => linspaceTimesteps(0, 1), /linspaceTimesteps: T must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => leadingTimesteps(10, 3, { offset: 5 }), /leadingTimesteps: options\.offset must be an integer ≥ 0 and ≤ 3, got 5/);
  });
});

describe('respace', () => {
  const base = linearSchedule(1000);

  it('keeps ᾱ at the kept timesteps and recomputes β from it; the denoiser keeps the original timesteps', () => {
    const ts = trailingTimesteps(1000, 50);
    const s = respace(base, ts);
    expect(s.T).toBe(50);
    expect(s.isRespaced).toBe(true);
    expect(Array.from(s.timesteps)).toEqual(Array.from(ts));
    expectClose(s.alphasCumprod, Array.from(ts, (i) => base.alphasCumprod[i]!), { rtol: 1e-13, atol: 0, label: 'ᾱ' });
    expect(s.betas[0]).toBeCloseTo(1 - base.alphasCumprod[ts[0]!]!, 15);
    expect(s.betas[1]).toBeCloseTo(1 - base.alphasCumprod[ts[1]!]! / base.alphasCumprod[ts[0]!]!, 15);
    // with every step kept it is the same schedule
    const all = respace(base, linspaceTimesteps(1000, 1000));
    expect(all.isRespaced).toBe(false);
    expectClose(all.betas, base.betas, { rtol: 1e-11, atol: 0, label: 'β' });
  });

  it('composes: respacing a respaced schedule maps to the original timesteps', () => {
    const s = respace(respace(cosineSchedule(1000), linspaceTimesteps(1000, 100)), [0, 50, 99]);
    expect(Array.from(s.timesteps)).toEqual([0, 505, 999]);
  });

  it('rejects timesteps out of range or unsorted', () => {
    expectThrowsClean(() => respace(base, [0, 1000]), /respace: timesteps must be strictly increasing integers in \[0, 1000\), got \[0, 1000\]/);
    expectThrowsClean(() => respace(base, [5, 5]), /respace: timesteps must be strictly increasing/);
    expectThrowsClean(() => respace(base, []), /respace: timesteps must be a non-empty array/);
  });
});
