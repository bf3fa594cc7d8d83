/**
 * Element-wise comparison against float64 closed forms, shared by the numerical-edge tests (issue 14).
 */
import { expect } from 'vitest';

export const F32_MAX = 3.4028234663852886e38;
export const f = Math.fround;
export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** results below 2⁻¹²⁶ are subnormal float32 (absolute spacing 2⁻¹⁴⁹): judged on an absolute scale of 1e−39 */
export const SUBNORMAL = 1e-39;

/**
 * Asserts |actual − expected| ≤ rtol·size for every element (size: the magnitude of the terms that make up
 * the expected value, so a cancellation to 0 is judged against the terms); a non-finite expected value must
 * be met exactly. Returns the worst |actual − expected|/size.
 */
export function expectElementwise(label: string, actual: ArrayLike<number>, expected: number[], size: number[], rtol: number): number {
  expect(actual.length, label).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(e)) {
      expect(a, `${label}[${i}]`).toBe(e);
      continue;
    }
    expect(Number.isFinite(a), `${label}[${i}]: ${a}, expected ${e}`).toBe(true);
    const rel = Math.abs(a - e) / size[i]!;
    if (!(rel <= rtol)) throw new Error(`${label}[${i}]: actual ${a}, expected ${e} (relative error ${rel} > ${rtol})`);
    worst = Math.max(worst, rel);
  }
  return worst;
}

export const representable = (v: number) => Number.isFinite(v) && Math.abs(v) <= F32_MAX;
