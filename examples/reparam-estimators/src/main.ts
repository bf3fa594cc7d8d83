/**
 * The worked example of our notes (theory/001, "re-parameterization trick: example"): minimize
 * E_{z ~ N(aθ + b, 1)}[z²] over θ, with the score-function and the reparameterization gradient.
 *
 *   true gradient        2a·(aθ + b)
 *   score function       z²·a·(z − aθ − b)     per-sample variance a²·(μ⁴ + 14μ² + 15), μ = aθ + b
 *   reparameterization   2a·(aθ + b + ε)       per-sample variance 4a²
 *
 * Prints the measured means and variances of both estimators across θ (and their ratio against the closed
 * form), runs gradient descent with each, and writes out/reparam-estimators.png:
 *   left   log10 variance of a 10-sample estimate against θ: measured (dots) and closed form (lines)
 *   right  θ along gradient descent with each estimator, converging to θ* = −b/a
 * Run: npx tsx src/main.ts  (flags: --backend=wasm|cpu|cuda, --fallback)
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { Figure, type RGB } from '@genmod-examples/plot';
import { Normal, gradientVariance, leaveOneOutBaseline, reparameterizationGradient, scoreFunctionGradient, type GradientEstimator, type ScoreFunctionOptions } from '@genmod/reparam';

/** Either estimator, on this problem's Normal. */
type Estimator = GradientEstimator<ScoreFunctionOptions, Normal>;

const A = 2;
const B = 1;
const SAMPLES = 10;
const REPEATS = 300;
const THETAS = [-1.5, -1, -0.75, -0.5, -0.25, 0, 0.5, 1];
const STEPS = 150;
const LR = 0.05;
const f = (z: tf.Tensor) => tf.square(z);
const make = ([theta]: tf.Tensor[]) => new Normal({ loc: tf.add(tf.mul(theta!, A), B), scale: 1 });
const trueGrad = (theta: number) => 2 * A * (A * theta + B);
const closedForm = {
  pathwise: () => (4 * A * A) / SAMPLES,
  score: (theta: number) => {
    const mu = A * theta + B;
    return (A * A * (mu ** 4 + 14 * mu ** 2 + 15)) / SAMPLES;
  },
};
const COLORS: Record<string, RGB> = { pathwise: [33, 113, 181], score: [200, 40, 40], 'score + leave-one-out': [230, 140, 20] };

function measure(estimator: Estimator, theta: number, seed: number) {
  const t = tf.scalar(theta);
  const r = gradientVariance(estimator, f, make, [t], { samples: SAMPLES, repeats: REPEATS, seed });
  const out = { mean: r.mean[0]!.dataSync()[0]!, variance: r.variance[0]!.dataSync()[0]!, se: r.standardError[0]!.dataSync()[0]! };
  tf.dispose([t, ...r.mean, ...r.variance, ...r.standardError, r.totalVariance]);
  return out;
}

function descend(estimator: Estimator, extra: Partial<ScoreFunctionOptions>): number[] {
  const theta = tf.tidy(() => tf.variable(tf.scalar(1))); // the initial value is freed by the tidy
  const optimizer = tf.train.sgd(LR);
  const path = [1];
  for (let step = 0; step < STEPS; step++) {
    const est = estimator(f, make, [theta], { samples: 16, seed: 1000 + step, ...extra });
    optimizer.applyGradients([{ name: theta.name, tensor: est.grads[0]! }]);
    tf.dispose([...est.grads, est.value, est.values]);
    path.push(theta.dataSync()[0]!);
  }
  theta.dispose();
  optimizer.dispose();
  return path;
}

async function main() {
  await chooseBackendFromArgs();
  const startTensors = tf.memory().numTensors;
  const t0 = performance.now();
  const rows = THETAS.map((theta, i) => ({ theta, pathwise: measure(reparameterizationGradient, theta, 10 + i), score: measure(scoreFunctionGradient, theta, 10 + i) }));
  const paths = {
    pathwise: descend(reparameterizationGradient, {}),
    score: descend(scoreFunctionGradient, {}),
    'score + leave-one-out': descend(scoreFunctionGradient, { baseline: leaveOneOutBaseline() }),
  };
  const ms = performance.now() - t0;

  console.log(`E_{z ~ N(aθ + b, 1)}[z²], a = ${A}, b = ${B}: variance of a ${SAMPLES}-sample gradient estimate over ${REPEATS} seeds (backend ${tf.getBackend()})`);
  console.log('  θ      true    score mean ± se     pathwise mean ± se   var score  var pathwise  ratio (closed form)');
  for (const r of rows) {
    const ratio = r.score.variance / r.pathwise.variance;
    const cf = closedForm.score(r.theta) / closedForm.pathwise();
    console.log(
      `  ${r.theta.toFixed(2).padStart(5)}  ${trueGrad(r.theta).toFixed(2).padStart(6)}  ${r.score.mean.toFixed(3).padStart(8)} ± ${r.score.se.toFixed(3).padEnd(6)}  ${r.pathwise.mean.toFixed(3).padStart(8)} ± ${r.pathwise.se.toFixed(3).padEnd(6)}  ${r.score.variance.toFixed(2).padStart(9)}  ${r.pathwise.variance.toFixed(3).padStart(12)}  ${ratio.toFixed(1).padStart(6)} (${cf.toFixed(1)})`,
    );
  }
  const tail = (p: number[]) => p.slice(-50).reduce((s, x) => s + x, 0) / 50;
  console.log(`gradient descent from θ = 1 (SGD, lr ${LR}, 16 samples per step, ${STEPS} steps), θ* = −b/a = ${-B / A}; mean θ over the last 50 steps:`);
  for (const [name, p] of Object.entries(paths)) console.log(`  ${name.padEnd(22)} ${tail(p).toFixed(4)}   (|θ − θ*| = ${Math.abs(tail(p) + B / A).toFixed(4)})`);

  // The figure.
  const fig = new Figure(960, 460);
  fig.text(20, 12, 'SCORE FUNCTION VS REPARAMETERIZATION: MINIMIZE E[Z*Z], Z FROM N(A*THETA + B, 1)', [20, 20, 20], 2);
  fig.text(20, 36, `A ${A}  B ${B}  ${SAMPLES} SAMPLES PER ESTIMATE  ${REPEATS} SEEDS PER THETA  THE SAME SEEDS FOR EVERY ESTIMATOR  BACKEND ${tf.getBackend()}`);
  const panel = (x0: number, title: string) => {
    const p = { x0: x0 + 50, y0: 80, w: 380, h: 320 };
    fig.text(x0 + 10, 60, title);
    fig.line(p.x0, p.y0 + p.h, p.x0 + p.w, p.y0 + p.h, [60, 60, 60]);
    fig.line(p.x0, p.y0, p.x0, p.y0 + p.h, [60, 60, 60]);
    return p;
  };
  // left: log10 variance against θ
  const L = panel(0, 'LOG10 VARIANCE OF THE ESTIMATE VS THETA (DOTS MEASURED, LINES CLOSED FORM)');
  const [tmin, tmax] = [THETAS[0]!, THETAS[THETAS.length - 1]!];
  const lx = (t: number) => L.x0 + ((t - tmin) / (tmax - tmin)) * L.w;
  const [vmin, vmax] = [-1, 3];
  const ly = (v: number) => L.y0 + L.h - ((Math.log10(v) - vmin) / (vmax - vmin)) * L.h;
  for (let e = vmin; e <= vmax; e++) fig.text(L.x0 - 30, L.y0 + L.h - ((e - vmin) / (vmax - vmin)) * L.h - 3, `1E${e}`);
  for (const t of THETAS) fig.text(lx(t) - 12, L.y0 + L.h + 8, t.toFixed(2));
  for (let i = 0; i < 200; i++) {
    const t1 = tmin + ((tmax - tmin) * i) / 200;
    const t2 = tmin + ((tmax - tmin) * (i + 1)) / 200;
    fig.line(lx(t1), ly(closedForm.score(t1)), lx(t2), ly(closedForm.score(t2)), COLORS.score!, 0.6);
  }
  fig.line(lx(tmin), ly(closedForm.pathwise()), lx(tmax), ly(closedForm.pathwise()), COLORS.pathwise!, 0.6);
  for (const r of rows) {
    fig.dot(lx(r.theta), ly(r.score.variance), COLORS.score!, 1, 3);
    fig.dot(lx(r.theta), ly(r.pathwise.variance), COLORS.pathwise!, 1, 3);
  }
  fig.text(L.x0 + 10, L.y0 + 6, 'SCORE FUNCTION', COLORS.score);
  fig.text(L.x0 + 10, L.y0 + 18, 'REPARAMETERIZATION', COLORS.pathwise);
  // right: θ along gradient descent
  const R = panel(480, 'THETA ALONG GRADIENT DESCENT (DASHED: THETA* = -B/A)');
  const rx = (s: number) => R.x0 + (s / STEPS) * R.w;
  const [pmin, pmax] = [-1.5, 1.5];
  const ry = (t: number) => R.y0 + R.h - ((Math.min(pmax, Math.max(pmin, t)) - pmin) / (pmax - pmin)) * R.h;
  for (const t of [-1.5, -1, -0.5, 0, 0.5, 1, 1.5]) fig.text(R.x0 - 34, ry(t) - 3, t.toFixed(1));
  for (let s = 0; s <= STEPS; s += 50) fig.text(rx(s) - 6, R.y0 + R.h + 8, String(s));
  for (let x = R.x0; x < R.x0 + R.w; x += 8) fig.line(x, ry(-B / A), x + 4, ry(-B / A), [120, 120, 120]);
  Object.entries(paths).forEach(([name, p], k) => {
    for (let s = 0; s < p.length - 1; s++) fig.line(rx(s), ry(p[s]!), rx(s + 1), ry(p[s + 1]!), COLORS[name]!);
    fig.text(R.x0 + 10, R.y0 + 6 + 12 * k, name.toUpperCase(), COLORS[name]);
  });

  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'reparam-estimators.png');
  fig.save(path);
  console.log(`${ms.toFixed(0)} ms; tensors alive at exit: ${tf.memory().numTensors} (${startTensors} at start)`);
  console.log(`figure: ${path}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
