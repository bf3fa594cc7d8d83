// The two-class Gaussian mixture of the guidance tests: class c has law N(μ_c, s²I) in the plane, μ₁ = −μ₀,
// equal weights. Its exact ε-denoisers are closed-form:
//   conditional   ε_c(x_t) = √(1 − ᾱ)·(x_t − √ᾱ μ_c)/v,   v = ᾱ s² + 1 − ᾱ   (the Gaussian oracle)
//   unconditional ε_∅(x_t) = Σ_k π_k(x_t)·ε_k(x_t),   π_k ∝ exp(−‖x_t − √ᾱ μ_k‖²/(2v))  (the posterior over k)
// A float32 tfjs network computes them (∅ = label 2); the references evaluate the same closed forms in float64
// on the host, and run the DDIM recursion with the closed-form guided denoiser in float64.
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '@genmod-internal/core';
import type { ConditionalDenoiser, Prediction, Schedule } from '../src/index.js';

export const MU = [
  [1.0, 0.5],
  [-1.0, -0.5],
];
export const S = 0.35;
export const NULL = 2;

/**
 * The float32 network: the class oracles for labels 0 and 1, the mixture's for label 2 (∅), as ε, x₀ or v;
 * `abar` holds ᾱ by original timestep (float32), `calls` collects the batch size of every call.
 */
export function mixtureOracle(abar: tf.Tensor, prediction: Prediction = 'epsilon', calls: number[] = []): ConditionalDenoiser {
  return (xt, t, c) =>
    tf.tidy(() => {
      calls.push(xt.shape[0]!);
      const a = tf.expandDims(tf.gather(abar, t), 1); // [n, 1]
      const sa = tf.sqrt(a);
      const sb = tf.sqrt(tf.sub(1, a));
      const v = tf.add(tf.mul(a, S * S), tf.sub(1, a));
      const d = MU.map((mu) => tf.sub(xt, tf.mul(sa, tf.tensor2d([mu]))));
      const eps = d.map((dk) => tf.div(tf.mul(sb, dk), v));
      const logits = tf.concat(d.map((dk) => tf.div(tf.sum(tf.square(dk), 1, true), tf.mul(-2, v))), 1); // [n, 2]
      const pi = tf.softmax(logits);
      const [p0, p1] = tf.split(pi, 2, 1) as [tf.Tensor, tf.Tensor];
      const epsU = tf.add(tf.mul(p0, eps[0]!), tf.mul(p1, eps[1]!));
      const pick = tf.oneHot(c, 3); // [n, 3]
      const [k0, k1, k2] = tf.split(pick, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const e = tf.addN([tf.mul(k0, eps[0]!), tf.mul(k1, eps[1]!), tf.mul(k2, epsU)]);
      if (prediction === 'epsilon') return e;
      const x0 = tf.div(tf.sub(xt, tf.mul(sb, e)), sa);
      return prediction === 'x0' ? x0 : tf.sub(tf.mul(sa, e), tf.mul(sb, x0));
    });
}

/** float64: ε_c and ε_∅ at x (2-vector) and ᾱ = a. */
export function hostEps(x: readonly number[], a: number, c: number): { ec: number[]; eu: number[] } {
  const v = a * S * S + 1 - a;
  const d = MU.map((mu) => x.map((xi, j) => xi - Math.sqrt(a) * mu[j]!));
  const eps = d.map((dk) => dk.map((z) => (Math.sqrt(1 - a) * z) / v));
  const l = d.map((dk) => -dk.reduce((s, z) => s + z * z, 0) / (2 * v));
  const m = Math.max(...l);
  const e = l.map((lk) => Math.exp(lk - m));
  const pi = e.map((ek) => ek / (e[0]! + e[1]!));
  return { ec: eps[c]!, eu: [0, 1].map((j) => pi[0]! * eps[0]![j]! + pi[1]! * eps[1]![j]!) };
}

export const popSd = (v: readonly number[]): number => {
  const m = v.reduce((s, z) => s + z, 0) / v.length;
  return Math.sqrt(v.reduce((s, z) => s + (z - m) ** 2, 0) / v.length);
};

/** float64: ε_∅ + w(ε_c − ε_∅), then φ-rescaled towards σ(ε_c) (Lin et al. 2024, §3.4). */
export function hostGuided(x: readonly number[], a: number, c: number, w: number, phi: number): number[] {
  const { ec, eu } = hostEps(x, a, c);
  const g = eu.map((u, j) => u + w * (ec[j]! - u));
  if (phi === 0) return g;
  const sg = popSd(g);
  const ratio = sg > 0 ? popSd(ec) / sg : 1;
  return g.map((z) => phi * z * ratio + (1 - phi) * z);
}

/** float64: deterministic DDIM (η = 0) over a schedule from x_T with the closed-form guided ε. */
export function hostDdim(schedule: Schedule, xT: readonly number[], c: number, w: number, phi = 0): number[] {
  let x = [...xT];
  for (let k = schedule.T - 1; k >= 0; k--) {
    const a = schedule.alphasCumprod[k]!;
    const aPrev = schedule.alphasCumprodPrev[k]!;
    const eps = hostGuided(x, a, c, w, phi);
    const x0 = x.map((z, j) => (z - Math.sqrt(1 - a) * eps[j]!) / Math.sqrt(a));
    x = x0.map((z, j) => Math.sqrt(aPrev) * z + Math.sqrt(1 - aPrev) * eps[j]!);
  }
  return x;
}

/** Standard normal pairs from a fixed host generator (Box–Muller). */
export function hostNormals(n: number, seed: number): number[][] {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    return [r * Math.cos(th), r * Math.sin(th)];
  });
}
