// DPM-Solver++'s step coefficients in float64 on the host: λ of the schedule, the multistep weights against
// closed-form integrals (3M exact for x̂₀ quadratic in λ, 2M one-step error O(h³)), the λ = −∞ limit, and the
// order of each step.
import { afterAll, describe, expect, it } from 'vitest';
import { scheduleFromAlphasCumprod } from './index.js';
import { dpmCoefficients, dpmLambda, dpmStepOrder } from './internal/dpm-solver-step.js';

describe('the step coefficients (float64, on the host)', () => {
  // ᾱ at uneven λ's: 2.5, 1.1, 0.2, −0.9, −2.6 (index 0 … 4)
  const lams = [2.5, 1.1, 0.2, -0.9, -2.6];
  const s = scheduleFromAlphasCumprod(lams.map((l) => 1 / (1 + Math.exp(-2 * l))));
  afterAll(() => s.dispose());

  /** σ_t·∫_{λs}^{λt} e^λ·(c₀ + c₁λ + c₂λ²) dλ, from the antiderivative e^λ·(c₀ + c₁(λ − 1) + c₂(λ² − 2λ + 2)). */
  function integral(ls: number, lt: number, sigmaT: number, [c0, c1, c2]: number[]): number {
    const F = (l: number) => Math.exp(l) * (c0! + c1! * (l - 1) + c2! * (l * l - 2 * l + 2));
    return sigmaT * (F(lt) - F(ls));
  }

  it('λ = ½·log SNR of the schedule, +∞ past the last index', () => {
    lams.forEach((l, i) => expect(dpmLambda(s, i)).toBeCloseTo(l, 12));
    expect(dpmLambda(s, -1)).toBe(Infinity);
  });

  it('order 3 integrates an x̂₀ quadratic in λ exactly (with D₂ weighted by 2·φ₃), order 1 a constant', () => {
    const quad = [0.3, -0.7, 0.45];
    const p = (l: number) => quad[0]! + quad[1]! * l + quad[2]! * l * l;
    for (const k of [1, 2]) {
      const c = dpmCoefficients(s, k, 3, [lams[k + 1]!, lams[k + 2]!]);
      expect(c.cx).toBeCloseTo(s.sqrtOneMinusAlphasCumprod[k - 1]! / s.sqrtOneMinusAlphasCumprod[k]!, 14);
      const got = c.cm.reduce((a, w, j) => a + w * p(lams[k + j]!), 0);
      const want = integral(lams[k]!, lams[k - 1]!, s.sqrtOneMinusAlphasCumprod[k - 1]!, quad);
      expect(Math.abs(got - want), `k = ${k}: ${got} vs ${want}`).toBeLessThan(1e-12 * Math.abs(want));
    }
    const c1 = dpmCoefficients(s, 2, 1, []);
    expect(c1.cm[0]! * 0.8).toBeCloseTo(integral(lams[2]!, lams[1]!, s.sqrtOneMinusAlphasCumprod[1]!, [0.8, 0, 0]), 14);
  });

  it('2M is exact for constants and second order for a linear x̂₀: its one-step error falls as h³', () => {
    const errs = [1, 0.5, 0.25].map((scale) => {
      const l = [0.4, 0.4 - 0.6 * scale, 0.4 - 1.3 * scale];
      const t = scheduleFromAlphasCumprod(l.map((v) => 1 / (1 + Math.exp(-2 * v))));
      const c = dpmCoefficients(t, 1, 2, [l[2]!]);
      const got = c.cm[0]! * (1 + 2 * l[1]!) + c.cm[1]! * (1 + 2 * l[2]!);
      const want = integral(l[1]!, l[0]!, t.sqrtOneMinusAlphasCumprod[0]!, [1, 2, 0]);
      t.dispose();
      const constant = c.cm[0]! + c.cm[1]!;
      expect(constant).toBeCloseTo(integral(l[1]!, l[0]!, t.sqrtOneMinusAlphasCumprod[0]!, [1, 0, 0]), 14);
      return Math.abs(got - want);
    });
    expect(Math.log2(errs[0]! / errs[1]!)).toBeGreaterThan(2.7);
    expect(Math.log2(errs[1]! / errs[2]!)).toBeGreaterThan(2.8);
  });

  it('λ = −∞ (ᾱ = 0) as a limit: φ₁ = 1, and an earlier x̂₀ at −∞ drops out (coefficient 0, no NaN)', () => {
    const z = scheduleFromAlphasCumprod([0.9, 0.5, 0]);
    const first = dpmCoefficients(z, 2, 1, []);
    // from ᾱ = 0 to ᾱ = 0.5: x = σ_t·x + α_t·x̂₀
    expect(first.cx).toBeCloseTo(Math.sqrt(0.5), 15);
    expect(first.cm).toHaveLength(1);
    expect(first.cm[0]).toBeCloseTo(Math.sqrt(0.5), 15);
    const second = dpmCoefficients(z, 1, 2, [-Infinity]);
    expect(second.cm[1]).toBe(-0);
    expect(second.cm[0]).toBeCloseTo(Math.sqrt(0.9) * (1 - Math.exp(-(dpmLambda(z, 0) - dpmLambda(z, 1)))), 14);
    z.dispose();
  });

  it('the order per step: warm-up, first order at the last step, lowerOrderFinal below 15 steps', () => {
    const orders = (order: number, T: number, lof: boolean) => Array.from({ length: T }, (_, i) => dpmStepOrder(order, T, T - 1 - i, lof));
    expect(orders(3, 6, true)).toEqual([1, 2, 3, 3, 2, 1]);
    expect(orders(3, 6, false)).toEqual([1, 2, 3, 3, 3, 1]);
    expect(orders(3, 15, true)).toEqual([1, 2, ...Array(12).fill(3), 1]);
    expect(orders(2, 5, true)).toEqual([1, 2, 2, 2, 1]);
    expect(orders(1, 3, true)).toEqual([1, 1, 1]);
    expect(orders(3, 1, true)).toEqual([1]);
  });
});
