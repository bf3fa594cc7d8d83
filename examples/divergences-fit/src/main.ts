/**
 * Mode covering versus mode seeking: fit one Gaussian N(μ, σ²) to a fixed mixture of two Gaussians by
 * minimizing, with Adam, Monte Carlo estimates of
 *   forward KL(π‖p)  (monteCarloKl(target, p): draws from the target, scored by p)
 *   reverse KL(p‖π)  (monteCarloKl(p, target): reparameterized draws from p)
 *   JS(p, π)         (jsDivergenceMonteCarlo(p, target))
 * and draw the three fits over the target density, with the objectives' traces, to out/divergences-fit.png.
 * Forward KL covers both modes (μ between them, σ wide); reverse KL locks onto one mode.
 * Run: npx tsx src/main.ts  (flags: --backend=wasm|cpu|cuda, --fallback)
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { Figure, type RGB } from '@genmod-examples/plot';
import { deriveSeed, jsDivergenceMonteCarlo, klNormalNormal, monteCarloKl, type Distribution } from '@genmod/divergences';
import { Normal } from '@genmod/reparam';

const WEIGHTS = [0.5, 0.5];
const LOCS = [-2, 2];
const SCALES = [0.5, 0.5];
const STEPS = 400;
const SAMPLES = 512;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** N(μ, σ²) from @genmod/reparam: a distribution of one package goes straight into another's divergences. */
const normal = (loc: tf.Tensor, scale: tf.Tensor) => new Normal({ loc, scale });

/** The target π = Σ w_k N(μ_k, σ_k²), drawn by ancestral sampling. */
const target: Distribution = {
  // a hand-written law fits too, once it states the contract's family, shapes and support
  family: 'GaussianMixture',
  batchShape: [],
  eventShape: [],
  support: 'real',
  // its two noise streams come from the one seed scheme (tfjs would read seed 0 as "unseeded")
  sample: (shape = [], o = {}) =>
    tf.tidy(() => {
      const seed = o.seed ?? Math.random();
      const k = tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', deriveSeed(seed, 'component')), WEIGHTS[0]!), 'int32');
      return tf.add(tf.gather(tf.tensor1d(LOCS), k), tf.mul(tf.gather(tf.tensor1d(SCALES), k), tf.randomNormal(shape, 0, 1, 'float32', deriveSeed(seed, 'eps'))));
    }),
  logProb: (x) =>
    tf.tidy(() => {
      const z = tf.div(tf.sub(tf.expandDims(x, -1), LOCS), SCALES);
      const comp = tf.sub(tf.sub(tf.mul(tf.square(z), -0.5), tf.log(tf.tensor1d(SCALES))), HALF_LOG_2PI);
      return tf.logSumExp(tf.add(comp, tf.log(tf.tensor1d(WEIGHTS))), -1);
    }),
};

type Objective = (p: Distribution, seed: number) => tf.Scalar;
const OBJECTIVES: [string, RGB, Objective][] = [
  ['FORWARD KL(PI||P)', [200, 40, 40], (p, seed) => monteCarloKl(target, p, { samples: SAMPLES, seed }).estimate as tf.Scalar],
  ['REVERSE KL(P||PI)', [40, 110, 200], (p, seed) => monteCarloKl(p, target, { samples: SAMPLES, seed }).estimate as tf.Scalar],
  ['JENSEN-SHANNON', [40, 150, 60], (p, seed) => jsDivergenceMonteCarlo(p, target, { samples: SAMPLES, seed }).estimate as tf.Scalar],
];

function fit(objective: Objective): { mu: number; sigma: number; trace: number[]; ms: number } {
  const mu = tf.tidy(() => tf.variable(tf.scalar(0.5))); // tidy frees the initial value, not the variable
  const logSigma = tf.tidy(() => tf.variable(tf.scalar(0)));
  const optimizer = tf.train.adam(0.05);
  const trace: number[] = [];
  const t0 = performance.now();
  let muSum = 0;
  let sigmaSum = 0;
  for (let step = 0; step < STEPS; step++) {
    // a fresh seed per step: a fixed seed would freeze the Monte Carlo noise
    const loss = optimizer.minimize(() => objective(normal(mu, tf.exp(logSigma)), 1000 + step), true, [mu, logSigma])!;
    trace.push(loss.dataSync()[0]!);
    loss.dispose();
    if (step >= STEPS - 100) {
      muSum += mu.dataSync()[0]!;
      sigmaSum += Math.exp(logSigma.dataSync()[0]!);
    }
  }
  const ms = performance.now() - t0;
  tf.dispose([mu, logSigma]);
  optimizer.dispose();
  return { mu: muSum / 100, sigma: sigmaSum / 100, trace, ms }; // Polyak average of the last 100 iterates
}

const pdf = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
const targetPdf = (x: number) => WEIGHTS.reduce((a, w, k) => a + w * pdf(x, LOCS[k]!, SCALES[k]!), 0);

async function main() {
  await chooseBackendFromArgs();
  const fits = OBJECTIVES.map(([name, color, objective]) => ({ name, color, ...fit(objective) }));

  const fig = new Figure(1000, 640);
  fig.text(20, 14, 'ONE GAUSSIAN FITTED TO A TWO-GAUSSIAN MIXTURE: MODE COVERING VS MODE SEEKING', [20, 20, 20], 2);
  fig.text(20, 38, `TARGET 0.5 N(-2, 0.25) + 0.5 N(2, 0.25) (GREY)   ADAM LR 0.05, ${STEPS} STEPS, ${SAMPLES} MONTE CARLO SAMPLES PER STEP   BACKEND ${tf.getBackend()}`);
  // densities
  const [px, py, pw, ph] = [60, 70, 900, 340];
  const xmin = -6;
  const xmax = 6;
  const ymax = 0.9;
  const X = (x: number) => px + ((x - xmin) / (xmax - xmin)) * pw;
  const Y = (y: number) => py + ph - (y / ymax) * ph;
  for (let i = 0; i <= pw; i++) {
    const x = xmin + ((xmax - xmin) * i) / pw;
    fig.line(px + i, Y(0), px + i, Y(targetPdf(x)), [200, 200, 200]);
  }
  fits.forEach((f, k) => {
    // forward KL thick, reverse medium, JS dashed on top: JS and forward KL nearly coincide for this target
    const width = [4, 2, 1][k]!;
    let prev: [number, number] | null = null;
    for (let i = 0; i <= pw; i++) {
      const x = xmin + ((xmax - xmin) * i) / pw;
      const pt: [number, number] = [px + i, Y(pdf(x, f.mu, f.sigma))];
      if (prev && (k < 2 || Math.floor(i / 8) % 2 === 0)) for (let w = 0; w < width; w++) fig.line(prev[0], prev[1] + w - 1, pt[0], pt[1] + w - 1, f.color);
      prev = pt;
    }
  });
  fig.line(px, Y(0), px + pw, Y(0), [60, 60, 60]);
  for (let x = xmin; x <= xmax; x += 2) {
    fig.line(X(x), Y(0), X(x), Y(0) + 5, [60, 60, 60]);
    fig.text(X(x) - 6, Y(0) + 9, `${x}`);
  }
  fits.forEach((f, i) => {
    fig.rect(px + 560, py + 10 + i * 18, 14, 8, f.color);
    fig.text(px + 580, py + 10 + i * 18, `${f.name}  MU ${f.mu.toFixed(3)}  SIGMA ${f.sigma.toFixed(3)}`, f.color);
  });
  // objective traces
  const [tx, ty, tw, th] = [60, 460, 900, 150];
  fig.text(tx, ty - 16, 'OBJECTIVE PER STEP (EACH SCALED TO ITS OWN RANGE)');
  for (const f of fits) {
    const lo = Math.min(...f.trace);
    const hi = Math.max(...f.trace);
    f.trace.forEach((v, i) => fig.dot(tx + (i / STEPS) * tw, ty + th - ((v - lo) / (hi - lo || 1)) * th, f.color, 0.6, 1));
  }
  fig.line(tx, ty + th, tx + tw, ty + th, [60, 60, 60]);

  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'divergences-fit.png');
  fig.save(path);

  const mean = WEIGHTS.reduce((a, w, k) => a + w * LOCS[k]!, 0);
  const sd = Math.sqrt(WEIGHTS.reduce((a, w, k) => a + w * (SCALES[k]! ** 2 + LOCS[k]! ** 2), 0) - mean ** 2);
  console.log(`target: 0.5 N(-2, 0.25) + 0.5 N(2, 0.25); the forward-KL optimum is moment matching: mu ${mean}, sigma ${sd.toFixed(4)}`);
  for (const f of fits) {
    const toMode = tf.tidy(() => klNormalNormal({ loc: f.mu, scale: f.sigma }, { loc: 2, scale: 0.5 }).dataSync()[0]!);
    console.log(`  ${f.name.padEnd(18)} mu ${f.mu.toFixed(3).padStart(7)}  sigma ${f.sigma.toFixed(3)}   final objective ${f.trace[f.trace.length - 1]!.toFixed(4)}   KL(fit || right mode) ${toMode.toFixed(3)}   ${f.ms.toFixed(0)} ms`);
  }
  console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
  console.log(`figure: ${path}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
