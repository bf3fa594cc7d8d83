/**
 * Likelihood versus sample quality: two models from our notes (Isachenko, Deep Generative Models, lecture 7)
 * whose test log-likelihood and sample quality disagree, built on the ring of 8 Gaussians.
 *
 * - p  — the true density, (1/8)·Σ_k N(x | μ_k, σ²I): the reference.
 * - p₁ — a kernel density on the training set, (1/n)·Σ_i N(x | x_i, εI). As ε → 0 its samples are copies of
 *        the training points (perfect quality) while its test log-likelihood falls without bound: a test point
 *        lies at some distance d from every training point, and log p₁(x) ≈ −d²/(2ε) − log(2πε·n).
 * - p₂ — 0.01·p + 0.99·p_noise, p_noise uniform on a square around the data. Pointwise
 *        log p₂(x) ≥ log(0.01·p(x)) = log p(x) − log 100, so its log-likelihood is within log 100 ≈ 4.6 nats of
 *        the true density's, yet 99 % of its samples are noise.
 *
 * Sample quality is the high-quality fraction of the mode-coverage metric (`modeCoverage` of
 * @genmod/adversarial: a sample is high quality within 3σ of its nearest mode, VEEGAN's criterion), plus the
 * number of modes covered. Everything is computed on the host in float64 (log-densities down to −10⁶ nats).
 *
 * @see Theis, van den Oord & Bethge 2016, "A note on the evaluation of generative models", ICLR, arXiv:1511.01844 (both constructions).
 * @see Srivastava et al. 2017, "VEEGAN", arXiv:1705.07761, §5.1 (high-quality samples, modes captured).
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '@genmod-internal/core';
import { deriveSeed } from '@genmod/adversarial';
import { modeCoverage, ringOfGaussians, type GaussianMixture } from '@genmod/adversarial/testing';

/** Points in the plane, `[x0, y0, x1, y1, …]`. */
export type Points = Float64Array;

export const LOG_100 = Math.log(100);

/** log Σ_i exp(a_i), stable; −Infinity for an empty or all −Infinity input. */
export function logSumExp(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i]! > m) m = a[i]!;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i]! - m);
  return m + Math.log(s);
}

/** log of the equal-weight mixture (1/M)·Σ_k N(x | c_k, vI) at every point, 2-D. */
export function logMixtureDensity(points: Points, centers: Points, variance: number): Float64Array {
  const m = centers.length / 2;
  const out = new Float64Array(points.length / 2);
  const terms = new Float64Array(m);
  const norm = -Math.log(m) - Math.log(2 * Math.PI * variance);
  for (let j = 0; j < out.length; j++) {
    const x = points[2 * j]!, y = points[2 * j + 1]!;
    for (let i = 0; i < m; i++) {
      const dx = x - centers[2 * i]!, dy = y - centers[2 * i + 1]!;
      terms[i] = -(dx * dx + dy * dy) / (2 * variance);
    }
    out[j] = logSumExp(terms) + norm;
  }
  return out;
}

/** Standard normals from a seeded host generator (Box–Muller). */
function normals(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface Density {
  name: string;
  /** log p(x) at every point, nats */
  logDensity(points: Points): Float64Array;
  /** n samples, seeded */
  sample(n: number, seed: number): Points;
}

/** The ring's true density p and its sampler (through @genmod/adversarial's `ringOfGaussians`). */
export function trueDensity(ring: GaussianMixture): Density {
  const centers = Float64Array.from(ring.centers.flat());
  return {
    name: 'p (true density)',
    logDensity: (x) => logMixtureDensity(x, centers, ring.std ** 2),
    sample: (n, seed) => {
      const t = ring.sample(n, { seed });
      const out = Float64Array.from(t.dataSync());
      t.dispose();
      return out;
    },
  };
}

/** p₁(x) = (1/n)·Σ_i N(x | x_i, εI): a kernel density on the training points; samples are x_i + √ε·ξ. */
export function kernelDensity(train: Points, epsilon: number): Density {
  return {
    name: `p1 (kernel density, eps = ${epsilon.toExponential(0)})`,
    logDensity: (x) => logMixtureDensity(x, train, epsilon),
    sample: (n, seed) => {
      const u = mulberry32(seed);
      const g = normals(u);
      const rows = train.length / 2;
      const out = new Float64Array(2 * n);
      const s = Math.sqrt(epsilon);
      for (let j = 0; j < n; j++) {
        const i = Math.min(rows - 1, Math.floor(u() * rows));
        out[2 * j] = train[2 * i]! + s * g();
        out[2 * j + 1] = train[2 * i + 1]! + s * g();
      }
      return out;
    },
  };
}

/**
 * p₂(x) = w·p(x) + (1 − w)·p_noise(x), w = 0.01, p_noise uniform on the square [−b, b]²:
 * log p₂ = logsumexp(log w + log p, log(1 − w) + log p_noise) ≥ log p − log 100.
 */
export function noisyMixture(p: Density, { weight = 0.01, box = 4 }: { weight?: number; box?: number } = {}): Density {
  const logNoise = -Math.log(4 * box * box);
  return {
    name: `p2 (${weight} p + ${1 - weight} noise)`,
    logDensity: (x) => {
      const lp = p.logDensity(x);
      return lp.map((v, j) => {
        const inside = Math.abs(x[2 * j]!) <= box && Math.abs(x[2 * j + 1]!) <= box;
        return logSumExp([Math.log(weight) + v, inside ? Math.log(1 - weight) + logNoise : -Infinity]);
      });
    },
    sample: (n, seed) => {
      const u = mulberry32(seed);
      const fromP = p.sample(n, deriveSeed(seed, 'p'));
      const out = new Float64Array(2 * n);
      for (let j = 0; j < n; j++) {
        if (u() < weight) {
          out[2 * j] = fromP[2 * j]!;
          out[2 * j + 1] = fromP[2 * j + 1]!;
        } else {
          out[2 * j] = (2 * u() - 1) * box;
          out[2 * j + 1] = (2 * u() - 1) * box;
        }
      }
      return out;
    },
  };
}

export const mean = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
};

export interface Row {
  model: string;
  /** ε of the kernel density (p₁ only) */
  epsilon?: number;
  /** mean log-density of the held-out points, nats */
  testLogLikelihood: number;
  /** mean log-density of the training points, nats (the kernel density memorizes them) */
  trainLogLikelihood: number;
  /** the fraction of samples within 3σ of a mode (mode coverage's high-quality fraction) */
  quality: number;
  /** modes with at least a fifth of their expected share of high-quality samples, of 8 */
  modesCovered: number;
}

export interface ExperimentOptions {
  nTrain?: number;
  nTest?: number;
  nSamples?: number;
  /** kernel variances ε, as multiples of σ² */
  epsilons?: number[];
  /** σ of each mode of the ring (radius 2); default 0.02 (Metz et al. 2017) */
  std?: number;
  seed?: number;
}

export interface Experiment {
  rows: Row[];
  ring: GaussianMixture;
  train: Points;
  test: Points;
  /** samples of every model, in the order of `rows` */
  samples: Points[];
  /** the smallest of log p₂(x) − (log p(x) − log 100) over the test points and a grid (≥ 0: the bound holds) */
  boundSlack: number;
  /** the number of points the bound was checked at */
  boundPoints: number;
}

export function evaluate(model: Density, train: Points, test: Points, ring: GaussianMixture, nSamples: number, seed: number): { row: Row; samples: Points } {
  const samples = model.sample(nSamples, seed);
  const t = tf.tensor2d(Float32Array.from(samples), [nSamples, 2]);
  const m = modeCoverage(t, ring.centers, { std: ring.std });
  t.dispose();
  return {
    row: {
      model: model.name,
      testLogLikelihood: mean(model.logDensity(test)),
      trainLogLikelihood: mean(model.logDensity(train)),
      quality: m.highQualityFraction,
      modesCovered: m.modesCovered,
    },
    samples,
  };
}

/** Builds p, p₁ for every ε and p₂; returns the table rows, the samples and the pointwise check of the bound. */
export function runExperiment(options: ExperimentOptions = {}): Experiment {
  const { nTrain = 1000, nTest = 2000, nSamples = 2000, epsilons = [100, 10, 1, 0.1, 0.01, 1e-3, 1e-4], std = 0.02, seed = 1 } = options;
  const ring = ringOfGaussians({ std });
  const p = trueDensity(ring);
  const train = p.sample(nTrain, seed);
  const test = p.sample(nTest, deriveSeed(seed, 'test'));
  const rows: Row[] = [];
  const samples: Points[] = [];
  const add = (model: Density, s: number, epsilon?: number) => {
    const r = evaluate(model, train, test, ring, nSamples, s);
    rows.push(epsilon === undefined ? r.row : { ...r.row, epsilon });
    samples.push(r.samples);
  };
  add(p, deriveSeed(seed, 'model', 'p'));
  for (const e of epsilons) add(kernelDensity(train, e * std * std), deriveSeed(seed, 'model', 'kde', e), e * std * std);
  const p2 = noisyMixture(p);
  add(p2, deriveSeed(seed, 'model', 'p2'));

  // log p₂(x) ≥ log p(x) − log 100 at every test point and on a grid over [−5, 5]² (also outside the noise box)
  const grid = new Float64Array(2 * 101 * 101);
  for (let i = 0; i < 101; i++) for (let j = 0; j < 101; j++) grid.set([-5 + i / 10, -5 + j / 10], 2 * (i * 101 + j));
  let slack = Infinity;
  for (const x of [test, grid]) {
    const lp = p.logDensity(x);
    const lp2 = p2.logDensity(x);
    // where p underflows to 0 (log p = −∞) the bound holds trivially; compare where it is finite
    for (let j = 0; j < lp.length; j++) if (Number.isFinite(lp[j]!)) slack = Math.min(slack, lp2[j]! - (lp[j]! - LOG_100));
  }
  return { rows, ring, train, test, samples, boundSlack: slack, boundPoints: test.length / 2 + grid.length / 2 };
}

/** The table as Markdown. */
export function markdownTable(rows: Row[], std: number): string {
  const lines = [
    '| model | ε (variance) | test log-likelihood (nats) | train log-likelihood (nats) | high-quality samples | modes covered |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const eps = r.epsilon === undefined ? '' : `${Number((r.epsilon / (std * std)).toPrecision(1))}·σ² = ${r.epsilon.toExponential(0)}`;
    const ll = (v: number) => (Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(2));
    lines.push(`| ${r.model.replace(/ \(kernel density, eps = .*\)/, ' (kernel density)')} | ${eps} | ${ll(r.testLogLikelihood)} | ${ll(r.trainLogLikelihood)} | ${(100 * r.quality).toFixed(1)} % | ${r.modesCovered}/8 |`);
  }
  return lines.join('\n');
}
