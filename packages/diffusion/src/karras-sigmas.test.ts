// The σ grids: karrasSigmas against the EDM formula (mpmath, numpy float64), scheduleSigmas of (respaced,
// zero-terminal-SNR) schedules.
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '@genmod-internal/testing';
import { karrasSigmas, leadingTimesteps, linearSchedule, rescaleZeroTerminalSnr, respace, scheduleSigmas, trailingTimesteps } from './index.js';

const base = linearSchedule(1000);
afterAll(() => base.dispose());

describe('the σ grids', () => {
  it('karrasSigmas: the EDM formula for k-diffusion’s defaults (σ_min = 0.002, σ_max = 80, ρ = 7, n = 5), from mpmath', () => {
    const got = karrasSigmas(base, 5, { sigmaMin: 0.002, sigmaMax: 80 });
    expect(got).toBeInstanceOf(Float64Array);
    expectClose(got, [80, 17.52783196464411, 2.5152189761471586, 0.16975275626876403, 0.002, 0], { rtol: 1e-13, atol: 0 });
  });

  it('karrasSigmas: defaults from the schedule’s σ range (numpy float64), any ρ against (a + i/(n − 1)·(b − a))^ρ', () => {
    const got = karrasSigmas(base, 12);
    expect(got).toHaveLength(13);
    expect(got[0]).toBeCloseTo(157.40728081040757, 10);
    expect(got[11]).toBeCloseTo(0.010000500037502575, 14);
    expect(got[12]).toBe(0);
    for (const rho of [1, 3, 7, 20]) {
      const g = karrasSigmas(base, 6, { rho, sigmaMin: 0.1, sigmaMax: 10 });
      // ρ = 1 is linear in σ; otherwise σ_i^{1/ρ} is evenly spaced
      const roots = Array.from(g.subarray(0, 6), (v) => v ** (1 / rho));
      for (let i = 1; i < 6; i++) expect(roots[i]! - roots[i - 1]!).toBeCloseTo((0.1 ** (1 / rho) - 10 ** (1 / rho)) / 5, 12);
    }
    expectClose(karrasSigmas(base, 5, { rho: 1, sigmaMin: 1, sigmaMax: 5 }), [5, 4, 3, 2, 1, 0], { rtol: 1e-14, atol: 1e-14 });
    expectClose(karrasSigmas(base, 1, { sigmaMax: 3 }), [3, 0], { rtol: 0, atol: 0 });
  });

  it('scheduleSigmas: √((1 − ᾱ)/ᾱ) of each (respaced) timestep, descending, then 0 (numpy float64)', () => {
    const s = respace(base, trailingTimesteps(1000, 4));
    expectClose(scheduleSigmas(s), [157.40728081040757, 17.24698300991162, 3.424136619044041, 0.9529355002015923, 0], { rtol: 1e-12, atol: 0 });
    s.dispose();
    const lead = respace(base, leadingTimesteps(1000, 5));
    const sig = scheduleSigmas(lead);
    expect(sig).toHaveLength(6);
    expect(sig[0]).toBeCloseTo(Math.sqrt(1 / base.alphasCumprod[800]! - 1), 10);
    lead.dispose();
  });

  it('zero terminal SNR: ᾱ_T = 0 is clamped to 2⁻²⁴ (σ ≈ 4096, numpy), and the few timesteps before it with ᾱ < 2⁻²⁴ too', () => {
    const zero = rescaleZeroTerminalSnr(base);
    expect(karrasSigmas(zero, 4)[0]).toBeCloseTo(4095.9998779296857, 8);
    const all = scheduleSigmas(zero);
    expect(all.every((v) => Number.isFinite(v))).toBe(true);
    for (let i = 1; i < all.length; i++) expect(all[i]!).toBeLessThanOrEqual(all[i - 1]!);
    expect(all[0]).toBe(all[1]); // ᾱ_998 ≈ 4e−9 < 2⁻²⁴ as well
    zero.dispose();
  });
});
