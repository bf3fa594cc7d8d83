// Classifier-free guidance against closed forms. The data: a two-class Gaussian mixture in the plane, class c
// with law N(μ_c, s²I), μ₁ = −μ₀, equal weights. Its exact ε-denoisers are closed-form:
//   conditional   ε_c(x_t) = √(1 − ᾱ)·(x_t − √ᾱ μ_c)/v,   v = ᾱ s² + 1 − ᾱ   (the Gaussian oracle)
//   unconditional ε_∅(x_t) = Σ_k π_k(x_t)·ε_k(x_t),   π_k ∝ exp(−‖x_t − √ᾱ μ_k‖²/(2v))  (the posterior over k)
// A float32 tfjs network computes them (∅ = label 2); the references are the same closed forms evaluated in
// float64 on the host, and a float64 host run of the DDIM recursion with the closed-form guided denoiser.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@genmod-internal/core';
import { checkGradient, expectClose, expectNoLeaks, expectNoLeaksAsync, expectThrowsClean, zCritical } from '@genmod-internal/testing';
import { classifierFreeGuidance, ddimSample, ddpmSample, dropCondition, finalSample, linearSchedule, respace, trailingTimesteps, type ConditionalDenoiser, type Prediction, type Schedule } from './index.js';

const MU = [
  [1.0, 0.5],
  [-1.0, -0.5],
];
const S = 0.35;
const NULL = 2;
const base = linearSchedule(1000);
const fast = respace(base, trailingTimesteps(1000, 50));
const hundred = respace(base, trailingTimesteps(1000, 100)); // DDPM's schedule here (1000 steps would be slow on cpu)
const abar = tf.tensor1d(Float32Array.from(base.alphasCumprod)); // ᾱ by original timestep, float32
afterAll(() => {
  base.dispose();
  fast.dispose();
  hundred.dispose();
  abar.dispose();
});
const Z = zCritical(1e-3);

/** The float32 network: the class oracles for labels 0 and 1, the mixture's for label 2, as ε, x₀ or v. */
function mixtureNet(prediction: Prediction = 'epsilon', calls: number[] = []): ConditionalDenoiser {
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
function hostEps(x: readonly number[], a: number, c: number): { ec: number[]; eu: number[] } {
  const v = a * S * S + 1 - a;
  const d = MU.map((mu) => x.map((xi, j) => xi - Math.sqrt(a) * mu[j]!));
  const eps = d.map((dk) => dk.map((z) => (Math.sqrt(1 - a) * z) / v));
  const l = d.map((dk) => -dk.reduce((s, z) => s + z * z, 0) / (2 * v));
  const m = Math.max(...l);
  const e = l.map((lk) => Math.exp(lk - m));
  const pi = e.map((ek) => ek / (e[0]! + e[1]!));
  return { ec: eps[c]!, eu: [0, 1].map((j) => pi[0]! * eps[0]![j]! + pi[1]! * eps[1]![j]!) };
}

const popSd = (v: readonly number[]): number => {
  const m = v.reduce((s, z) => s + z, 0) / v.length;
  return Math.sqrt(v.reduce((s, z) => s + (z - m) ** 2, 0) / v.length);
};

/** float64: ε_∅ + w(ε_c − ε_∅), then φ-rescaled towards σ(ε_c) (Lin et al. 2024, §3.4). */
function hostGuided(x: readonly number[], a: number, c: number, w: number, phi: number): number[] {
  const { ec, eu } = hostEps(x, a, c);
  const g = eu.map((u, j) => u + w * (ec[j]! - u));
  if (phi === 0) return g;
  const sg = popSd(g);
  const ratio = sg > 0 ? popSd(ec) / sg : 1;
  return g.map((z) => phi * z * ratio + (1 - phi) * z);
}

/** float64: deterministic DDIM (η = 0) over a schedule from x_T with the closed-form guided ε. */
function hostDdim(schedule: Schedule, xT: readonly number[], c: number, w: number, phi = 0): number[] {
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
function hostNormals(n: number, seed: number): number[][] {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    return [r * Math.cos(th), r * Math.sin(th)];
  });
}

describe('the guided denoiser equals ε_∅ + w(ε_c − ε_∅) of the closed-form oracles (float64), element by element', () => {
  const B = 48;
  const x = hostNormals(B, 7).map((p, b) => p.map((z) => z * (1 + (b % 3))));
  const steps = Array.from({ length: B }, (_, b) => [0, 3, 40, 200, 500, 800, 950, 999][b % 8]!);
  const labels = Array.from({ length: B }, (_, b) => (b * 5) % 2);
  it.each([
    [0, 0], [1, 0], [2, 0], [4, 0], [7.5, 0], [-1, 0],
    [0, 0.7], [2, 0.7], [4, 1], [7.5, 0.5], [1, 0.7],
  ])('w = %s, φ = %s', (w, phi) => {
    const xt = tf.tensor2d(x);
    const t = tf.tensor1d(steps, 'int32');
    const c = tf.tensor1d(labels, 'int32');
    const guided = classifierFreeGuidance(mixtureNet(), c, { scale: w, nullCondition: NULL, rescale: phi });
    const out = expectNoLeaks(() => guided(xt, t));
    // the network sees ᾱ in float32 (1 − ᾱ at t = 0 is 1e-4: its rounding matters): the reference takes the same ᾱ
    const want = x.map((xb, b) => hostGuided(xb, Math.fround(base.alphasCumprod[steps[b]!]!), labels[b]!, w, phi));
    // rescale divides by σ(out) = |out₀ − out₁|/2, which cancels where out₀ ≈ out₁: float32 rounding is then
    // amplified by κ_b = max|out_b|/σ(out_b), and so is the tolerance of that row
    const got = out.arraySync() as number[][];
    want.forEach((row, b) => {
      const g = hostGuided(x[b]!, Math.fround(base.alphasCumprod[steps[b]!]!), labels[b]!, w, 0);
      const kappa = phi === 0 ? 0 : Math.max(...g.map(Math.abs)) / popSd(g);
      row.forEach((v, j) => expect(Math.abs(got[b]![j]! - v), `row ${b}[${j}]: ${got[b]![j]} vs ${v} (κ = ${kappa})`).toBeLessThanOrEqual((2e-6 * (1 + Math.abs(w)) + 2e-5 * Math.abs(v)) * (1 + kappa)));
    });
    tf.dispose([xt, t, c, out]);
  });
});


describe('the guided output is differentiable (through the rescale, whose σ(out) > 0 mask is built off the tape)', () => {
  it.each([[3, 0], [3, 0.7], [0, 1]])('w = %s, φ = %s: d/dx_t of Σ out·r matches central differences', (w, phi) => {
    const t = tf.tensor1d([5, 300, 900], 'int32');
    const c = tf.tensor1d([0, 1, 0], 'int32');
    const r = tf.tensor2d([[0.3, -1.1], [0.7, 0.2], [-0.5, 0.9]]);
    const x0 = tf.tensor2d([[0.4, -0.9], [1.5, 0.3], [-0.6, 1.2]]);
    const guided = classifierFreeGuidance(mixtureNet(), c, { scale: w, nullCondition: NULL, rescale: phi });
    const { analytic } = checkGradient((x) => tf.sum(tf.mul(guided(x, t), r)), x0, { eps: 2e-3, rtol: 2e-2, atol: 1e-3 });
    expect(analytic.every(Number.isFinite)).toBe(true);
    tf.dispose([t, c, r, x0]);
  });
});

describe('how the network is called', () => {
  const x = [[0.3, -1.2], [2.0, 0.1], [-0.7, 0.9]];
  const steps = [10, 500, 999];
  it('one call on the doubled batch [x; x], [t; t], [c; ∅] when both halves are needed; one call of batch B at w = 1 (f_c exactly, rescale or not) and at w = 0 without rescale (f_∅ exactly)', () => {
    const xt = tf.tensor2d(x);
    const t = tf.tensor1d(steps, 'int32');
    const c = tf.tensor1d([0, 1, 0], 'int32');
    const nul = tf.fill([3], NULL, 'int32');
    const direct = mixtureNet();
    const fc = direct(xt, t, c);
    const fu = direct(xt, t, nul);
    for (const [w, phi, batches, exact] of [
      [1, 0, [3], fc], [1, 0.7, [3], fc], [0, 0, [3], fu], [0, 0.5, [6], undefined], [3, 0, [6], undefined], [-2, 1, [6], undefined],
    ] as const) {
      const calls: number[] = [];
      const out = classifierFreeGuidance(mixtureNet('epsilon', calls), c, { scale: w, nullCondition: NULL, rescale: phi })(xt, t);
      expect(calls, `w = ${w}, φ = ${phi}`).toEqual(batches);
      if (exact) expect(out.arraySync(), `w = ${w}, φ = ${phi}: bit for bit`).toEqual(exact.arraySync());
      out.dispose();
    }
    tf.dispose([xt, t, c, nul, fc, fu]);
  });

  it('the batch is [c; ∅] in that order, and a condition of batch 1 is broadcast (the same output as the tiled condition)', () => {
    const seen: number[][] = [];
    const spy: ConditionalDenoiser = (xt, _t, c) => {
      seen.push(Array.from(c.dataSync()));
      return tf.zerosLike(xt);
    };
    const xt = tf.tensor2d(x);
    const t = tf.tensor1d(steps, 'int32');
    const out = classifierFreeGuidance(spy, tf.tensor1d([1], 'int32'), { scale: 2, nullCondition: [7] })(xt, t);
    expect(seen).toEqual([[1, 1, 1, 7, 7, 7]]);
    const one = tf.tensor1d([1], 'int32');
    const three = tf.tensor1d([1, 1, 1], 'int32');
    const a = classifierFreeGuidance(mixtureNet(), one, { scale: 3, nullCondition: NULL, rescale: 0.5 })(xt, t);
    const b = classifierFreeGuidance(mixtureNet(), three, { scale: 3, nullCondition: NULL, rescale: 0.5 })(xt, t);
    expect(a.arraySync()).toEqual(b.arraySync());
    tf.dispose([xt, t, out, one, three, a, b]);
  });

  it('float32 embeddings [B, E] with a null embedding [E] or [1, E]; arrays take the tensor\'s dtype; arrays are converted at each call (nothing held)', () => {
    const seen: tf.Tensor[] = [];
    const spy: ConditionalDenoiser = (xt, _t, c) => {
      seen.push(tf.keep(tf.clone(c)));
      return c.rank === 2 ? tf.mul(xt, tf.sum(c, 1, true)) : tf.zerosLike(xt);
    };
    const xt = tf.tensor2d(x);
    const t = tf.tensor1d(steps, 'int32');
    const emb = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const before = tf.memory().numTensors;
    const guided = classifierFreeGuidance(spy, emb, { scale: 2, nullCondition: [[0.5, -0.5]] });
    expect(tf.memory().numTensors).toBe(before);
    const out = guided(xt, t);
    expect(seen[0]!.dtype).toBe('float32');
    expect(seen[0]!.arraySync()).toEqual([[1, 2], [3, 4], [5, 6], [0.5, -0.5], [0.5, -0.5], [0.5, -0.5]]);
    // f_c = 3x, 7x, 11x; f_∅ = 0: out = 2·f_c
    expectClose(out, x.map((r, b) => r.map((z) => 2 * z * [3, 7, 11][b]!)), { rtol: 1e-6 });
    const labels = classifierFreeGuidance(spy, Int32Array.of(0, 1, 2), { scale: 2, nullCondition: 9 })(xt, t);
    expect(seen[1]!.dtype).toBe('int32');
    tf.dispose([xt, t, emb, out, labels, ...seen]);
  });
});

/** float64: the law of one coordinate after a linear-Gaussian sampler run with the class oracle (mean μ). */
function exactGaussianLaw(schedule: Schedule, mu: number, kind: 'ddim' | 'ddpm'): { mean: number; sd: number } {
  let m = 0;
  let v = 1;
  for (let k = schedule.T - 1; k >= 0; k--) {
    const a = schedule.alphasCumprod[k]!;
    const aPrev = schedule.alphasCumprodPrev[k]!;
    const den = a * S * S + 1 - a;
    const [e1, e0] = [Math.sqrt(1 - a) / den, (-Math.sqrt(1 - a) * Math.sqrt(a) * mu) / den]; // ε̂ = e1·x + e0
    const [x1, x0] = [(1 - Math.sqrt(1 - a) * e1) / Math.sqrt(a), (-Math.sqrt(1 - a) * e0) / Math.sqrt(a)]; // x̂₀ = x1·x + x0
    let [g, h, noise] = [0, 0, 0]; // next = g·x + h + noise
    if (kind === 'ddim') {
      [g, h] = [Math.sqrt(aPrev) * x1 + Math.sqrt(1 - aPrev) * e1, Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * e0];
    } else {
      const [c1, c2] = [schedule.posteriorMeanCoef1[k]!, schedule.posteriorMeanCoef2[k]!];
      [g, h, noise] = [c1 * x1 + c2, c1 * x0, k === 0 ? 0 : schedule.posteriorVariance[k]!];
    }
    m = g * m + h;
    v = g * g * v + noise;
  }
  return { mean: m, sd: Math.sqrt(v) };
}

/** Per-coordinate sample mean and sd of the rows of `rows`. */
function moments(rows: number[][]): { mean: number[]; sd: number[] } {
  const mean = [0, 1].map((j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  const sd = [0, 1].map((j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / (rows.length - 1)));
  return { mean, sd };
}

function expectLaw(rows: number[][], want: { mean: number; sd: number }[], label: string): void {
  const got = moments(rows);
  const n = rows.length;
  [0, 1].forEach((j) => {
    expect(Math.abs(got.mean[j]! - want[j]!.mean), `${label} mean[${j}] ${got.mean[j]} vs ${want[j]!.mean}`).toBeLessThan((Z * want[j]!.sd) / Math.sqrt(n));
    expect(Math.abs(got.sd[j]! - want[j]!.sd), `${label} sd[${j}] ${got.sd[j]} vs ${want[j]!.sd}`).toBeLessThan((Z * want[j]!.sd) / Math.sqrt(2 * n));
  });
}

/** The fraction of rows nearer μ₀ than μ₁ (the boundary is the line through 0 orthogonal to μ₀). */
const nearMu0 = (rows: number[][]): number => rows.filter((r) => r[0]! * MU[0]![0]! + r[1]! * MU[0]![1]! > 0).length / rows.length;

const N = 2000;
const halfLabels = () => tf.tensor1d(Array.from({ length: N }, (_, b) => (b < N / 2 ? 0 : 1)), 'int32');

describe('sampling the guided oracle', () => {
  it('DDIM (50 steps) follows the float64 DDIM recursion with the closed-form guided ε, sample by sample (w = 0, 1, 2, 4, 7.5)', async () => {
    const n = 200;
    const xT = hostNormals(n, 11);
    // (not with rescale: in two dimensions σ(out) = |out₀ − out₁|/2 comes near 0 on some paths, where the
    // ratio σ(f_c)/σ(out) amplifies rounding and the float32 and float64 paths part; the element test above checks it)
    for (const [w, phi] of [[0, 0], [1, 0], [2, 0], [4, 0], [7.5, 0]] as const) {
      const c = tf.fill([n], 0, 'int32');
      const start = tf.tensor2d(xT);
      const x = await finalSample(ddimSample(classifierFreeGuidance(mixtureNet(), c, { scale: w, nullCondition: NULL, rescale: phi }), [n, 2], fast, { xT: start }));
      expectClose(x, xT.map((p) => hostDdim(fast, p, 0, w, phi)), { atol: 2e-5, label: `w = ${w}, φ = ${phi}` });
      tf.dispose([c, start, x]);
    }
  });

  it('w = 1 gives each class its own law N(μ_c, s²I) (the exact law of the sampler run: DDIM 50 steps, DDPM 100 steps), within sampling error', async () => {
    for (const [kind, sample] of [
      ['ddim', (d: ReturnType<typeof classifierFreeGuidance>) => finalSample(ddimSample(d, [N, 2], fast, { seed: 3 }))],
      ['ddpm', (d: ReturnType<typeof classifierFreeGuidance>) => finalSample(ddpmSample(d, [N, 2], hundred, { seed: 4 }))],
    ] as const) {
      const c = halfLabels();
      const x = await sample(classifierFreeGuidance(mixtureNet(), c, { scale: 1, nullCondition: NULL }));
      const rows = x.arraySync() as number[][];
      const schedule = kind === 'ddim' ? fast : hundred;
      [0, 1].forEach((k) => {
        const want = MU[k]!.map((m) => exactGaussianLaw(schedule, m, kind));
        expectLaw(rows.slice(k * (N / 2), (k + 1) * (N / 2)), want, `${kind} class ${k}`);
        // and that law is N(μ_c, s²) up to the sampler's own bias: means within 0.005; sds 0.323 (DDIM, 50 steps)
        // and 0.321 (DDPM, 100 steps, variance β̃) for s = 0.35, the few-step samplers' known variance deficit
        want.forEach((l, j) => {
          expect(Math.abs(l.mean - MU[k]![j]!), `${kind} class ${k}: exact mean vs μ_c`).toBeLessThan(0.005);
          expect(Math.abs(l.sd / S - 1), `${kind} class ${k}: exact sd vs s`).toBeLessThan(0.1);
        });
      });
      tf.dispose([c, x]);
    }
  }, 60_000);

  it('w = 0 gives the mixture: half the samples near each mean (exactly 1/2 by the symmetry μ₁ = −μ₀), each mode at μ_k with sd s (DDPM)', async () => {
    for (const kind of ['ddim', 'ddpm'] as const) {
      const c = tf.fill([N], 0, 'int32');
      const guided = classifierFreeGuidance(mixtureNet(), c, { scale: 0, nullCondition: NULL });
      const x = await finalSample(kind === 'ddim' ? ddimSample(guided, [N, 2], fast, { seed: 5 }) : ddpmSample(guided, [N, 2], hundred, { seed: 6 }));
      const rows = x.arraySync() as number[][];
      const f = nearMu0(rows);
      expect(Math.abs(f - 0.5), `${kind}: fraction near μ₀ ${f}`).toBeLessThan(Z * Math.sqrt(0.25 / N));
      if (kind === 'ddpm') {
        const mode = moments(rows.filter((r) => r[0]! * MU[0]![0]! + r[1]! * MU[0]![1]! > 0));
        [0, 1].forEach((j) => {
          expect(Math.abs(mode.mean[j]! - MU[0]![j]!), `mode mean[${j}]`).toBeLessThan((Z * S) / Math.sqrt(f * N) + 0.01);
          expect(Math.abs(mode.sd[j]! - S), `mode sd[${j}]`).toBeLessThan((Z * S) / Math.sqrt(2 * f * N) + 0.01);
        });
      }
      tf.dispose([c, x]);
    }
  }, 60_000);

  it('w > 1 moves the mean along μ_c − μ_other beyond μ_c, monotone in w (1 < 2 < 4): the sample means (DDIM, 50 steps) match E[x] of the closed form, integrated over x_T in float64', async () => {
    /** E and sd of the final DDIM sample of class 0, by a tensor-product trapezoid rule over x_T ~ N(0, I) (spectrally accurate: h = 0.4 and 0.1 agree to 1e-13). */
    const expected = (w: number) => {
      const m = [0, 0];
      const m2 = [0, 0];
      let total = 0;
      for (let a = -8; a <= 8 + 1e-9; a += 0.4) {
        for (let b = -8; b <= 8 + 1e-9; b += 0.4) {
          const wt = Math.exp(-(a * a + b * b) / 2);
          const y = hostDdim(fast, [a, b], 0, w);
          total += wt;
          [0, 1].forEach((j) => ((m[j]! += wt * y[j]!), (m2[j]! += wt * y[j]! ** 2)));
        }
      }
      return [0, 1].map((j) => ({ mean: m[j]! / total, sd: Math.sqrt(m2[j]! / total - (m[j]! / total) ** 2) }));
    };
    const dir = [MU[0]![0]! - MU[1]![0]!, MU[0]![1]! - MU[1]![1]!];
    const along = (p: readonly number[]) => p[0]! * dir[0]! + p[1]! * dir[1]!;
    const projections: number[] = [];
    for (const w of [1, 2, 4]) {
      const want = expected(w);
      const c = tf.fill([N], 0, 'int32');
      const x = await finalSample(ddimSample(classifierFreeGuidance(mixtureNet(), c, { scale: w, nullCondition: NULL }), [N, 2], fast, { seed: 8 }));
      const rows = x.arraySync() as number[][];
      const got = moments(rows);
      [0, 1].forEach((j) => expect(Math.abs(got.mean[j]! - want[j]!.mean), `w = ${w} mean[${j}] ${got.mean[j]} vs ${want[j]!.mean}`).toBeLessThan((Z * want[j]!.sd) / Math.sqrt(N)));
      projections.push(along(got.mean));
      if (w > 1) expect(along(want.map((l) => l.mean)), `w = ${w}: E[x] beyond μ₀ along μ₀ − μ₁`).toBeGreaterThan(along(MU[0]!) + 0.2);
      tf.dispose([c, x]);
    }
    expect(projections[0]).toBeLessThan(projections[1]!);
    expect(projections[1]).toBeLessThan(projections[2]!);
  }, 60_000);

  it('ε-, x₀- and v-prediction networks give the same samples (guidance is linear in the output; without rescale)', async () => {
    const outs: number[][][] = [];
    const n = 400;
    for (const prediction of ['epsilon', 'x0', 'v'] as const) {
      const c = tf.tensor1d(Array.from({ length: n }, (_, b) => b % 2), 'int32');
      const x = await finalSample(ddimSample(classifierFreeGuidance(mixtureNet(prediction), c, { scale: 3, nullCondition: NULL }), [n, 2], fast, { seed: 9, prediction }));
      outs.push(x.arraySync() as number[][]);
      tf.dispose([c, x]);
    }
    expectClose(outs[1]!, outs[0]!, { atol: 1e-4, label: 'x₀ vs ε' });
    expectClose(outs[2]!, outs[0]!, { atol: 1e-4, label: 'v vs ε' });
  }, 60_000);

  it('leaks nothing inside the samplers (DDIM and DDPM, rescaled, labels and embeddings, batch-1 condition); the condition stays the caller\'s', async () => {
    const c = tf.tensor1d([0, 1, 1, 0], 'int32');
    const one = tf.tensor1d([1], 'int32');
    const short = respace(base, trailingTimesteps(1000, 20));
    for (const cond of [c, one, [0, 1, 1, 0]]) {
      const guided = expectNoLeaks(() => classifierFreeGuidance(mixtureNet(), cond instanceof tf.Tensor ? cond : Int32Array.from(cond), { scale: 4, nullCondition: NULL, rescale: 0.7 }));
      const a = await expectNoLeaksAsync(() => finalSample(ddimSample(guided, [4, 2], short, { seed: 1 })));
      const b = await expectNoLeaksAsync(() => finalSample(ddpmSample(guided, [4, 2], short, { seed: 1 })));
      tf.dispose([a, b]);
    }
    const emb = tf.tensor2d([[1, 0], [0, 1], [0, 1], [1, 0]]);
    const embNet: ConditionalDenoiser = (xt, t, e) => tf.tidy(() => mixtureNet()(xt, t, tf.cast(tf.argMax(e, 1), 'int32')));
    const x = await expectNoLeaksAsync(() => finalSample(ddimSample(classifierFreeGuidance(embNet, emb, { scale: 2, nullCondition: [0, 0] }), [4, 2], short, { seed: 2 })));
    expect(c.isDisposed || one.isDisposed || emb.isDisposed).toBe(false);
    tf.dispose([c, one, emb, x]);
    short.dispose();
  }, 60_000);
});

describe('classifierFreeGuidance errors (before allocating anything)', () => {
  const net = mixtureNet();
  const c = tf.tensor1d([0, 1], 'int32');
  const floatTwo = tf.scalar(2);
  const boolLabels = tf.tensor1d([1, 0], 'bool');
  afterAll(() => tf.dispose([c, floatTwo, boolLabels]));
  it.each([
    ['scale NaN', () => classifierFreeGuidance(net, c, { scale: NaN, nullCondition: 2 }), /classifierFreeGuidance: options.scale must be a finite number, got NaN/],
    ['scale Infinity', () => classifierFreeGuidance(net, c, { scale: Infinity, nullCondition: 2 }), /options.scale must be a finite number, got Infinity/],
    ['scale missing', () => classifierFreeGuidance(net, c, { nullCondition: 2 } as never), /options.scale must be a finite number, got undefined/],
    ['rescale < 0', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: 2, rescale: -0.1 }), /options.rescale must be a finite number ≥ 0 and ≤ 1, got -0.1/],
    ['rescale > 1', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: 2, rescale: 1.5 }), /options.rescale must be .* ≤ 1, got 1.5/],
    ['no options', () => classifierFreeGuidance(net, c, undefined as never), /options must be an object with scale and nullCondition/],
    ['unknown option', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: 2, rescal: 0.5 } as never), /unknown option 'rescal' \(did you mean 'rescale'\?\)/],
    ['no null condition', () => classifierFreeGuidance(net, c, { scale: 2 } as never), /options.nullCondition must be the null condition/],
    ['denoiser', () => classifierFreeGuidance(3 as never, c, { scale: 2, nullCondition: 2 }), /denoiser must be a function/],
    ['scalar condition', () => classifierFreeGuidance(net, 3, { scale: 2, nullCondition: 2 }), /condition must be a batch \[B, \.\.\.\].*got a scalar/],
    ['bool condition', () => classifierFreeGuidance(net, [true, false] as never, { scale: 2, nullCondition: 2 }), /condition must be a rectangular \(nested\) array of numbers, got \[true, false\]/],
    ['bool tensor condition', () => classifierFreeGuidance(net, boolLabels, { scale: 2, nullCondition: 2 }), /condition must be an int32 tensor of class labels, a float32 tensor of embeddings.*got a bool tensor/],
    ['ragged condition', () => classifierFreeGuidance(net, [[1, 2], [3]], { scale: 2, nullCondition: [0, 0] }), /condition must be a rectangular/],
    ['null shape', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: [2, 2] }), /options.nullCondition must be of one example's condition shape \[\] or shape \[1\], got shape \[2\]/],
    ['null dtype', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: floatTwo }), /options.nullCondition must be of condition's dtype int32, got a float32 tensor/],
    ['fractional null label', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: 2.5 }), /options.nullCondition must be integers/],
  ])('%s', (_name, call, pattern) => expectThrowsClean(call, pattern));

  it('at call time: a condition batch that is neither x_t\'s nor 1, t of the wrong shape, a wrong network output, a disposed condition: clear messages, nothing left behind', async () => {
    const guided = classifierFreeGuidance(net, c, { scale: 2, nullCondition: NULL });
    const xt = tf.zeros([3, 2]);
    const t = tf.tensor1d([1, 2, 3], 'int32');
    expectThrowsClean(() => guided(xt, t), /classifierFreeGuidance: condition must be of x_t's batch 3 \(or of batch 1, broadcast\) at this call, got shape \[2\]/);
    const x2 = tf.zeros([2, 2]);
    const t2 = tf.tensor1d([1, 2], 'int32');
    expectThrowsClean(() => guided(x2, t), /t \(guided denoiser call\) must be a tensor of x_t's batch, shape \[2\]/);
    const bad = classifierFreeGuidance((x) => tf.zeros([x.shape[0]!, 3]), c, { scale: 2, nullCondition: NULL });
    expectThrowsClean(() => bad(x2, t2), /the conditional denoiser output must be a float32 tensor of its input's shape \[4, 2\], got a float32 tensor of shape \[4, 3\]/);
    const before = tf.memory().numTensors;
    await expect(finalSample(ddimSample(guided, [5, 2], fast, { seed: 1 }))).rejects.toThrow(/condition must be of x_t's batch 5/);
    expect(tf.memory().numTensors).toBe(before);
    const gone = tf.tensor1d([0, 1], 'int32');
    const dangling = classifierFreeGuidance(net, gone, { scale: 2, nullCondition: NULL });
    gone.dispose();
    expectThrowsClean(() => dangling(x2, t2), /condition must be alive while the guided denoiser is used/);
    expectThrowsClean(() => classifierFreeGuidance(net, gone, { scale: 2, nullCondition: NULL }), /condition must be a live tensor/);
    tf.dispose([xt, t, x2, t2]);
  });
});

describe('dropCondition', () => {
  it('drops a fraction p of the examples, within the binomial standard error (B = 20000; p = 0.1, 0.2, 0.5)', () => {
    const B = 20000;
    const labels = tf.tensor1d(Array.from({ length: B }, (_, b) => b % 10), 'int32');
    for (const [p, seed] of [[0.1, 0], [0.2, 'a'], [0.5, 3]] as const) {
      const out = expectNoLeaks(() => dropCondition(labels, 10, p, { seed }));
      expect(out.dtype).toBe('int32');
      const v = out.dataSync();
      const l = labels.dataSync();
      expect(v.every((z, b) => z === 10 || z === l[b]), 'each label kept or replaced by ∅').toBe(true);
      const f = v.filter((z) => z === 10).length / B;
      expect(Math.abs(f - p), `p = ${p}: dropped ${f}`).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / B));
      out.dispose();
    }
    labels.dispose();
  });

  it('p = 0 keeps every condition and p = 1 drops every one, exactly; embeddings [B, E] are replaced row by row', () => {
    const emb = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const keep = dropCondition(emb, [0, 0, 0], 0, { seed: 1 });
    const all = dropCondition(emb, [[-1, -2, -3]], 1, { seed: 1 });
    expect(keep.arraySync()).toEqual(emb.arraySync());
    expect(all.arraySync()).toEqual([[-1, -2, -3], [-1, -2, -3], [-1, -2, -3]]);
    const big = tf.add(tf.zeros([1000, 4]), tf.expandDims(tf.range(1, 1001), 1));
    const half = dropCondition(big, tf.zeros([4]), 0.5, { seed: 2 });
    const rows = half.arraySync() as number[][];
    expect(rows.every((r, b) => r.every((z) => z === 0) || r.every((z) => z === b + 1)), 'whole rows kept or replaced').toBe(true);
    tf.dispose([emb, keep, all, big, half]);
  });

  it('the same seed gives the same rows (seed 0 included; for labels and embeddings alike); other seeds other rows; a mask overrides the draw', () => {
    const B = 64;
    const labels = tf.tensor1d(Array.from({ length: B }, (_, b) => b % 10), 'int32');
    const emb = tf.ones([B, 3]);
    const dropped = (t: tf.Tensor) => {
      const v = t.arraySync() as number[] | number[][];
      t.dispose();
      return v.map((z) => (Array.isArray(z) ? z[0] === 0 : z === 10));
    };
    const a = dropped(dropCondition(labels, 10, 0.3, { seed: 0 }));
    expect(dropped(dropCondition(labels, 10, 0.3, { seed: 0 }))).toEqual(a);
    expect(dropped(dropCondition(emb, [0, 0, 0], 0.3, { seed: 0 }))).toEqual(a);
    expect(dropped(dropCondition(labels, 10, 0.3, { seed: 1 }))).not.toEqual(a);
    const mask = Array.from({ length: B }, (_, b) => b % 3 === 0);
    expect(dropped(dropCondition(labels, 10, 0.3, { mask }))).toEqual(mask);
    const maskTensor = tf.tensor1d(mask.map(Number), 'float32');
    const boolMask = tf.tensor1d(mask.map(Number), 'bool');
    expect(dropped(expectNoLeaks(() => dropCondition(emb, [0, 0, 0], 0.3, { mask: maskTensor })))).toEqual(mask);
    expect(dropped(dropCondition(labels, 10, 0.9, { mask: boolMask }))).toEqual(mask);
    tf.dispose([labels, emb, maskTensor, boolMask]);
  });

  it('errors before allocating anything', () => {
    const labels = tf.tensor1d([1, 2, 3], 'int32');
    const emb = tf.ones([3, 2]);
    const [floatZero, intZeros, bools] = [tf.scalar(0), tf.zeros([2], 'int32'), tf.tensor1d([true, false], 'bool')];
    const cases: [() => unknown, RegExp][] = [
      [() => dropCondition(labels, 10, -0.1), /dropCondition: p must be a finite number ≥ 0 and ≤ 1, got -0.1/],
      [() => dropCondition(labels, 10, 1.01), /p must be .* ≤ 1, got 1.01/],
      [() => dropCondition(labels, 10, NaN), /p must be a finite number/],
      [() => dropCondition(emb, [0, 0, 0], 0.1), /nullCondition must be of one example's condition shape \[2\] or shape \[1, 2\], got shape \[3\]/],
      [() => dropCondition(labels, floatZero, 0.1), /nullCondition must be of condition's dtype int32, got a float32 tensor/],
      [() => dropCondition(emb, intZeros, 0.1), /nullCondition must be of condition's dtype float32, got a int32 tensor/],
      [() => dropCondition(labels, 10, 0.1, { seed: NaN }), /options.seed must be a finite number or a string/],
      [() => dropCondition(labels, 10, 0.1, { sed: 1 } as never), /unknown option 'sed' \(did you mean 'seed'\?\)/],
      [() => dropCondition(labels, 10, 0.1, { mask: [true, false] }), /options.mask must be booleans or 0\/1 values of shape \[3\]/],
      [() => dropCondition(labels, 10, 0.1, { mask: [1, 0, 2] }), /options.mask must be booleans or 0\/1/],
      [() => dropCondition(bools as never, 0, 0.1), /condition must be an int32 tensor of class labels/],
    ];
    for (const [call, pattern] of cases) expectThrowsClean(call, pattern);
    tf.dispose([labels, emb, floatZero, intZeros, bools]);
  });
});
