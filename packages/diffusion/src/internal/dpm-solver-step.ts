/**
 * The host side of DPM-Solver++ (multistep, data prediction): which order each step runs at, the float64
 * coefficients of one step as a linear combination of x and the last x̂₀'s, and the history of x̂₀'s that
 * the multistep formulas need (kept outside the per-step tidy, freed by its owner).
 *
 * @see Lu, Zhou, Bao, Chen, Li & Zhu 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models", arXiv:2211.01095, §4 and Algorithm 2.
 * @see Lu, Zhou, Bao, Chen, Li & Zhu 2022, "DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling in Around 10 Steps", NeurIPS, arXiv:2206.00927, §3.3 (the Taylor expansion behind the third-order step).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Schedule } from '../schedule.js';

/** Below this many steps, `lowerOrderFinal` caps the second-to-last step at order 2 (diffusers' threshold). */
export const LOWER_ORDER_FINAL_STEPS = 15;

/**
 * The order step k (schedule index, T − 1 … 0) runs at: the warm-up min(order, steps done + 1) (the history
 * holds no more), 1 at the last step (k = 0 goes to ᾱ = 1, λ = +∞, where only the first-order update is
 * defined: it gives x = x̂₀), and at most 2 at k = 1 when `lowerOrderFinal` and T < 15 (as diffusers'
 * DPMSolverMultistepScheduler with its default `final_sigmas_type="zero"`).
 */
export function dpmStepOrder(order: number, T: number, k: number, lowerOrderFinal: boolean): number {
  let o = Math.min(order, T - k);
  if (k === 0) o = 1;
  if (k === 1 && lowerOrderFinal && T < LOWER_ORDER_FINAL_STEPS) o = Math.min(o, 2);
  return o;
}

/** λ = log(α/σ) = ½·log SNR at schedule index i; i = −1 stands for ᾱ = 1 (λ = +∞). −∞ where ᾱ = 0. */
export function dpmLambda(schedule: Schedule, i: number): number {
  return i < 0 ? Infinity : schedule.logSnr[i]! / 2;
}

/** One step as x_next = cx·x + Σ_j cm[j]·m_j (m_0 = x̂₀ now, m_1, m_2 the earlier ones); zero terms are dropped. */
export interface DpmCoefficients {
  cx: number;
  cm: number[];
}

/**
 * The float64 coefficients of the step from index k (λ_s = λ_k) to index k − 1 (λ_t; ᾱ = 1 after k = 0) at
 * the given order, with `lambdas` the λ's of the earlier x̂₀'s, newest first. With h = λ_t − λ_s,
 * h_i = λ_{s_i} − λ_{s_{i+1}}, r_i = h_i/h, φ₁ = 1 − e^{−h}:
 *
 *   order 1:  x_t = (σ_t/σ_s)·x + α_t·φ₁·m₀
 *   order 2:  x_t = (σ_t/σ_s)·x + α_t·φ₁·(m₀ + D₁/2),   D₁ = (m₀ − m₁)/r₀
 *   order 3:  x_t = (σ_t/σ_s)·x + α_t·φ₁·m₀ + α_t·φ₂·D₁ − 2·α_t·φ₃·D₂,
 *             φ₂ = 1 − φ₁/h,  φ₃ = (h − φ₁)/h² − ½,
 *             D₁,₀ = (m₀ − m₁)/r₀,  D₁,₁ = (m₁ − m₂)/r₁,  D₁ = D₁,₀ + r₀/(r₀ + r₁)·(D₁,₀ − D₁,₁),
 *             D₂ = (D₁,₀ − D₁,₁)/(r₀ + r₁)
 *
 * D₁ ≈ h·m′(λ_s) and D₂ ≈ h²·m″(λ_s)/2 (a second divided difference), while the exact integral
 * σ_t∫e^λ m(λ)dλ puts −α_t·φ₃·h²·m″ on the curvature: hence the factor 2 on D₂, with which the step is exact
 * for an x̂₀ quadratic in λ. (DPM-Solver's reference code and diffusers' `solver_order=3` use −α_t·φ₃·D₂,
 * which is exact only for linear x̂₀: their third-order multistep converges at order 2.)
 *
 * The infinite cases are limits, not NaN: λ_s = −∞ (ᾱ = 0, zero terminal SNR) gives φ₁ = 1 and σ_s = 1; an
 * earlier λ of −∞ gives r = ∞, 1/r = 0, and its x̂₀ drops out (the term is skipped, so an infinite x̂₀ there
 * cannot turn into NaN).
 */
export function dpmCoefficients(schedule: Schedule, k: number, order: number, lambdas: readonly number[]): DpmCoefficients {
  const sigmaS = schedule.sqrtOneMinusAlphasCumprod[k]!;
  const alphaT = k > 0 ? schedule.sqrtAlphasCumprod[k - 1]! : 1;
  const sigmaT = k > 0 ? schedule.sqrtOneMinusAlphasCumprod[k - 1]! : 0;
  const lamS = dpmLambda(schedule, k);
  const h = dpmLambda(schedule, k - 1) - lamS;
  const phi1 = -Math.expm1(-h);
  const cx = sigmaT / sigmaS;
  const a = alphaT * phi1;
  if (order === 1) return { cx, cm: [a] };
  // 1/r₀ = h/h₀: 0 when the earlier point is at λ = −∞
  const invR0 = h / (lamS - lambdas[0]!);
  if (order === 2) return { cx, cm: [a * (1 + invR0 / 2), (-a * invR0) / 2] };
  // an earlier point at λ = −∞ can only be the first step's, and the step after it runs at order ≤ 2 (warm-up):
  // this fallback is for completeness
  if (!Number.isFinite(invR0) || invR0 === 0) return dpmCoefficients(schedule, k, 2, lambdas);
  const r0 = (lamS - lambdas[0]!) / h;
  const r1 = (lambdas[0]! - lambdas[1]!) / h;
  const invR1 = 1 / r1;
  const p = Number.isFinite(r1) ? r0 / (r0 + r1) : 0;
  const q = 1 / (r0 + r1);
  const { phi2, phi3 } = phi23(h, phi1);
  // D₁ and D₂ as combinations of m₀, m₁, m₂
  const d1 = [(1 + p) * invR0, -((1 + p) * invR0 + p * invR1), p * invR1];
  const d2 = [q * invR0, -q * (invR0 + invR1), q * invR1];
  return { cx, cm: [0, 1, 2].map((j) => (j === 0 ? a : 0) + alphaT * phi2 * d1[j]! - 2 * alphaT * phi3 * d2[j]!) };
}

/**
 * φ₂ = 1 − φ₁/h and φ₃ = (h − φ₁)/h² − ½, by their Taylor series below h = 0.01 (where the differences cancel):
 * φ₂ = h/2 − h²/6 + h³/24 − h⁴/120, φ₃ = −h/6 + h²/24 − h³/120 + h⁴/720 (truncation below 1e-11 relative).
 */
function phi23(h: number, phi1: number): { phi2: number; phi3: number } {
  if (h < 0.01) return { phi2: h * (1 / 2 - h * (1 / 6 - h * (1 / 24 - h / 120))), phi3: -h * (1 / 6 - h * (1 / 24 - h * (1 / 120 - h / 720))) };
  return { phi2: 1 - phi1 / h, phi3: (h - phi1) / (h * h) - 0.5 };
}

/**
 * x_next = cx·x + Σ_j cm[j]·m_j as one expression (terms with a zero coefficient left out), inside a tidy.
 * Always a new tensor, also when it is 1·m₀ alone (the last step), so that x and x̂₀ are never the same.
 */
export function dpmCombine(x: Tensor, ms: readonly Tensor[], c: DpmCoefficients): Tensor {
  const terms: Tensor[] = [];
  if (c.cx !== 0) terms.push(tf.mul(x, c.cx));
  c.cm.forEach((w, j) => {
    if (w !== 0) terms.push(tf.mul(ms[j]!, w));
  });
  return terms.length === 1 ? terms[0]! : tf.addN(terms);
}

/**
 * The last x̂₀'s and their λ's, newest first, at most `capacity` of them. Each is a clone kept out of the
 * step's tidy (the sampler loop frees the step's own x̂₀ when it moves on); `dispose()` frees them all.
 */
export class DpmHistory {
  readonly x0s: Tensor[] = [];
  readonly lambdas: number[] = [];
  constructor(private readonly capacity: number) {}

  /** Adds the x̂₀ of the step just taken (inside the step's tidy), dropping the oldest beyond the capacity. */
  push(lambda: number, x0: Tensor): void {
    if (this.capacity === 0) return;
    this.x0s.unshift(tf.keep(tf.clone(x0)));
    this.lambdas.unshift(lambda);
    while (this.x0s.length > this.capacity) {
      this.x0s.pop()!.dispose();
      this.lambdas.pop();
    }
  }

  dispose(): void {
    tf.dispose(this.x0s.splice(0));
    this.lambdas.splice(0);
  }
}
