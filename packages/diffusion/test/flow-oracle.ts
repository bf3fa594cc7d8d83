// The exact flow-matching velocity for Gaussian data, and what follows from it in closed form (float64).
//
// Data x₁ ~ N(μ, Σ), Σ = Q·diag(λ)·Qᵀ; source x₀ ~ N(m₀, diag(s₀²)) (with Q = I) or N(0, I) (any Q);
// independent coupling; path x_t = a·x₀ + t·x₁, a = 1 − (1 − σ)t, target u = x₁ − (1 − σ)·x₀.
// In the eigenbasis w = Qᵀx every coordinate is independent (the source is rotation invariant when
// standard), so per coordinate i (with λ_i, μ_i = (Qᵀμ)_i, m_i, s0_i):
//   E[x_t] = a·m + t·μ,  Var[x_t] = a²s0² + t²λ,  E[u] = μ − (1 − σ)m,  Var[u] = λ + (1 − σ)²s0²,
//   Cov[u, x_t] = tλ − (1 − σ)a·s0²,
//   v*(w, t) = E[u | x_t = w] = E[u] + Cov/Var[x_t]·(w − E[x_t])     (Gaussian conditioning),
//   min E(u − v*)² = Var[u] − Cov²/Var[x_t]                            (= λs0²/Var[x_t] for σ = 0).
// Since d Var[x_t]/dt = 2·Cov, the ODE dz/dt = (Cov/Var)·z for z = w − E[x_t] solves to
//   z(t) = z(0)·√(Var[x_t](t)/Var[x_t](0)),  so  w(1) = σm + μ + (w(0) − m)·√(σ²s0² + λ)/s0.
import * as tf from '@tensorflow/tfjs-core';

export interface GaussianFlow {
  mu: number[];
  /** eigenvalues of Σ */
  lam: number[];
  /** eigenvectors of Σ as columns, Q[i][j] (default I) */
  Q?: number[][];
  /** source mean and sd per coordinate (only with Q = I); default N(0, I) */
  m0?: number[];
  s0?: number[];
  sigmaMin?: number;
}

const eye = (d: number): number[][] => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));

function parts(g: GaussianFlow) {
  const d = g.mu.length;
  const Q = g.Q ?? eye(d);
  const m0 = g.m0 ?? new Array<number>(d).fill(0);
  const s0 = g.s0 ?? new Array<number>(d).fill(1);
  const sigma = g.sigmaMin ?? 0;
  const muW = Array.from({ length: d }, (_, j) => g.mu.reduce((acc, m, i) => acc + m * Q[i]![j]!, 0)); // Qᵀμ
  return { d, Q, m0, s0, sigma, muW };
}

/** Per-coordinate (eigenbasis) moments at time t, float64. */
export function moments(g: GaussianFlow, t: number) {
  const { d, m0, s0, sigma, muW } = parts(g);
  const a = 1 - (1 - sigma) * t;
  return Array.from({ length: d }, (_, i) => {
    const lam = g.lam[i]!;
    const varX = a * a * s0[i]! ** 2 + t * t * lam;
    const cov = t * lam - (1 - sigma) * a * s0[i]! ** 2;
    const varU = lam + (1 - sigma) ** 2 * s0[i]! ** 2;
    return { meanX: a * m0[i]! + t * muW[i]!, varX, meanU: muW[i]! - (1 - sigma) * m0[i]!, cov, minLoss: varU - (cov * cov) / varX };
  });
}

/** The optimal velocity as a tfjs callback (x [B, d], t [B]). */
export function oracleVelocity(g: GaussianFlow): (x: tf.Tensor, t: tf.Tensor) => tf.Tensor {
  const { d, Q, m0, s0, sigma, muW } = parts(g);
  return (x, t) =>
    tf.tidy(() => {
      const q = tf.tensor2d(Q);
      const tc = tf.expandDims(t, 1); // [B, 1]
      const a = tf.sub(1, tf.mul(1 - sigma, tc));
      const lam = tf.tensor1d(g.lam);
      const s02 = tf.tensor1d(s0.map((s) => s * s));
      const varX = tf.add(tf.mul(tf.square(a), s02), tf.mul(tf.square(tc), lam));
      const cov = tf.sub(tf.mul(tc, lam), tf.mul(tf.mul(1 - sigma, a), s02));
      const meanX = tf.add(tf.mul(a, tf.tensor1d(m0)), tf.mul(tc, tf.tensor1d(muW)));
      const meanU = tf.tensor1d(muW.map((m, i) => m - (1 - sigma) * m0[i]!));
      const w = tf.matMul(x, q);
      const vw = tf.add(meanU, tf.mul(tf.div(cov, varX), tf.sub(w, meanX)));
      void d;
      return tf.matMul(vw, q, false, true);
    });
}

/** The minimum of the loss at time t (mean over the d dimensions) and its per-example variance. */
export function minLoss(g: GaussianFlow, t: number): { mean: number; perExampleVar: number } {
  const m = moments(g, t).map((c) => c.minLoss);
  const d = m.length;
  return { mean: m.reduce((a, b) => a + b, 0) / d, perExampleVar: (2 * m.reduce((a, b) => a + b * b, 0)) / (d * d) };
}

/** The exact endpoint x(1) of the ODE from x(0), row by row (float64). */
export function exactEndpoint(g: GaussianFlow, x0: number[][]): number[][] {
  const { d, Q, m0, s0, sigma, muW } = parts(g);
  return x0.map((row) => {
    const w = Array.from({ length: d }, (_, j) => row.reduce((acc, v, i) => acc + v * Q[i]![j]!, 0));
    const w1 = w.map((wi, i) => sigma * m0[i]! + muW[i]! + ((wi - m0[i]!) * Math.sqrt(sigma ** 2 * s0[i]! ** 2 + g.lam[i]!)) / s0[i]!);
    return Array.from({ length: d }, (_, i) => w1.reduce((acc, v, j) => acc + Q[i]![j]! * v, 0));
  });
}

/** log N(x; μ, Σ) of the data law (σ = 0), per row, float64. */
export function dataLogDensity(g: GaussianFlow, x: number[][]): number[] {
  const { d, Q, muW } = parts(g);
  return x.map((row) => {
    const w = Array.from({ length: d }, (_, j) => row.reduce((acc, v, i) => acc + v * Q[i]![j]!, 0));
    return w.reduce((acc, wi, i) => acc - 0.5 * Math.log(2 * Math.PI * g.lam[i]!) - (0.5 * (wi - muW[i]!) ** 2) / g.lam[i]!, 0);
  });
}

/** A diagonal Normal law of the shared contract (batchShape [d], eventShape []), written for the tests. */
export function diagNormal(loc: number[], scale: number[]) {
  const d = loc.length;
  return {
    family: 'Normal',
    batchShape: [d],
    eventShape: [],
    support: 'real' as const,
    sample(sampleShape: number[] = [], options: { seed?: number | string } = {}) {
      const seed = typeof options.seed === 'number' ? options.seed : undefined;
      return tf.tidy(() => tf.add(tf.mul(tf.randomNormal([...sampleShape, d], 0, 1, 'float32', seed), tf.tensor1d(scale)), tf.tensor1d(loc)));
    },
    logProb(x: tf.Tensor) {
      return tf.tidy(() => {
        const z = tf.div(tf.sub(x, tf.tensor1d(loc)), tf.tensor1d(scale));
        return tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(tf.tensor1d(scale)), 0.5 * Math.log(2 * Math.PI)));
      });
    },
  };
}

/** A uniform law on [lo, hi]^d of the shared contract (batchShape [d]). */
export function uniformBox(d: number, lo: number, hi: number) {
  return {
    family: 'Uniform',
    batchShape: [d],
    eventShape: [],
    support: 'interval' as const,
    sample(sampleShape: number[] = [], options: { seed?: number | string } = {}) {
      const seed = typeof options.seed === 'number' ? options.seed : undefined;
      return tf.randomUniform([...sampleShape, d], lo, hi, 'float32', seed);
    },
    logProb(x: tf.Tensor) {
      return tf.fill(x.shape, -Math.log(hi - lo));
    },
  };
}

/** Draws from N(μ, Σ) of a GaussianFlow (float32 [n, d]). */
export function gaussianData(g: GaussianFlow, n: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const d = g.mu.length;
    const q = tf.tensor2d(g.Q ?? [[1, 0], [0, 1]]);
    const w = tf.mul(tf.randomNormal([n, d], 0, 1, 'float32', seed), tf.sqrt(tf.tensor1d(g.lam)));
    return tf.add(tf.matMul(w, q, false, true), tf.tensor1d(g.mu));
  });
}

/** Σ_i ‖x₀[π(i)] − x₁[i]‖² in float64. */
export function pairingCost(x0: number[][], x1: number[][], pi: ArrayLike<number>): number {
  return x1.reduce((acc, row, i) => acc + row.reduce((s, v, k) => s + (v - x0[pi[i]!]![k]!) ** 2, 0), 0);
}

/** Every permutation of 0 … n − 1 (Heap's algorithm). */
export function* permutations(n: number): Generator<number[]> {
  const a = Array.from({ length: n }, (_, i) => i);
  const c = new Array<number>(n).fill(0);
  yield [...a];
  let i = 0;
  while (i < n) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [a[i], a[j]] = [a[j]!, a[i]!];
      yield [...a];
      c[i]!++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
}
