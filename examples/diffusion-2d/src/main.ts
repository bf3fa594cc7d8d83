/**
 * @genmod/diffusion on 2-D data: trains a small MLP denoiser (ε-prediction) on two moons with
 * diffusionLoss, then samples it with DDPM (1000 and 100 steps) and DDIM (50, 20 and 10 steps over
 * trailing respaced schedules), and writes out/diffusion-2d.png:
 *   row 1  the data and the samples of each sampler, with the mean distance from a sample to its nearest
 *          data point (lower is closer to the moons)
 *   row 2  the reverse trajectory: x_t of the 1000-step DDPM run at t = 1000, 600, 300, 100, 30, and the
 *          paths of 40 particles through the 50 deterministic DDIM steps (from the same x_T)
 * Run: npx tsx src/main.ts  (flags: --backend=wasm|cpu|cuda, --fallback; --steps=N training steps)
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { Figure, type RGB } from '@genmod-examples/plot';
import {
  ddimSample, ddpmSample, diffusionLoss, finalSample, linearSchedule, respace, trailingTimesteps, linspaceTimesteps,
  type SamplerStep,
} from '@genmod/diffusion';
import { BATCH, HIDDEN, N_DATA, TEMB, makeMlp, train, twoMoons } from './models.js';

const N_SAMPLES = 1000;
const stepsArg = process.argv.find((a) => a.startsWith('--steps='));
const TRAIN_STEPS = stepsArg ? Number(stepsArg.slice('--steps='.length)) : 3000;

/** Mean distance from each sample to its nearest data point. */
function nearestDistance(samples: number[][], data: number[][]): number {
  let total = 0;
  for (const s of samples) {
    let best = Infinity;
    for (const d of data) best = Math.min(best, (s[0]! - d[0]!) ** 2 + (s[1]! - d[1]!) ** 2);
    total += Math.sqrt(best);
  }
  return total / samples.length;
}

async function main() {
  const choice = await chooseBackendFromArgs();
  const data = twoMoons(N_DATA, 0.05, 1);
  const reference = twoMoons(2000, 0.05, 2); // held-out points for the distance
  const dataT = tf.tensor2d(data);
  const schedule = linearSchedule(1000);
  const { net: denoiser, vars } = makeMlp();

  // Training: minibatches of the data, a fresh seed (t and ε) per step (models.ts, shared with quality.ts).
  const { seconds: trainSeconds } = train((x0, step) => diffusionLoss(denoiser, x0, schedule, { seed: step }), vars, dataT, { steps: TRAIN_STEPS, log: 'ddpm' });
  console.log(`trained ${TRAIN_STEPS} steps in ${trainSeconds.toFixed(1)} s on ${tf.getBackend()}`);

  // Sampling: DDPM at 1000 and 100 steps, DDIM at 50, 20, 10 steps; the 1000-step run keeps its trajectory.
  const snapshotsAt = [1000, 600, 300, 100, 30, 0]; // t (paper), 1000 = x_T
  const snapshots = new Map<number, number[][]>();
  const paths: number[][][] = Array.from({ length: 40 }, () => []);
  const snapshot = (t: number, x: tf.Tensor) => {
    if (snapshotsAt.includes(t)) snapshots.set(t, x.arraySync() as number[][]);
  };
  const trace = (x: tf.Tensor) => {
    const v = x.arraySync() as number[][];
    paths.forEach((p, i) => p.push(v[i]!));
  };
  const xT = tf.randomNormal([N_SAMPLES, 2], 0, 1, 'float32', 7);
  snapshot(1000, xT);
  trace(xT);
  const runs: { label: string; make: () => AsyncGenerator<SamplerStep, tf.Tensor, void>; trajectory?: boolean; paths?: boolean }[] = [
    { label: 'DDPM 1000', make: () => ddpmSample(denoiser, [N_SAMPLES, 2], schedule, { xT, seed: 11 }), trajectory: true },
    { label: 'DDPM 100', make: () => ddpmSample(denoiser, [N_SAMPLES, 2], respace(schedule, linspaceTimesteps(1000, 100)), { xT, seed: 12 }) },
    { label: 'DDIM 50', make: () => ddimSample(denoiser, [N_SAMPLES, 2], respace(schedule, trailingTimesteps(1000, 50)), { xT }), paths: true },
    { label: 'DDIM 20', make: () => ddimSample(denoiser, [N_SAMPLES, 2], respace(schedule, trailingTimesteps(1000, 20)), { xT }) },
    { label: 'DDIM 10', make: () => ddimSample(denoiser, [N_SAMPLES, 2], respace(schedule, trailingTimesteps(1000, 10)), { xT }) },
  ];
  const results: { label: string; points: number[][]; distance: number; ms: number }[] = [];
  for (const run of runs) {
    const s0 = performance.now();
    // after the step at index k the state is x_k (paper time): snapshot it; the DDIM 50 run traces paths
    const onStep = run.trajectory ? (s: SamplerStep) => snapshot(s.index, s.x) : run.paths ? (s: SamplerStep) => trace(s.x) : undefined;
    const x = await finalSample(run.make(), onStep);
    const points = x.arraySync() as number[][];
    x.dispose();
    results.push({ label: run.label, points, distance: nearestDistance(points, reference), ms: performance.now() - s0 });
  }
  const baseline = nearestDistance(data.slice(0, N_SAMPLES), reference);

  // The figure.
  const panel = 230;
  const left = 20;
  const top = 60;
  const cols = 6;
  const fig = new Figure(left * 2 + cols * panel, top + 2 * (panel + 30) + 10);
  fig.text(left, 14, 'DDPM / DDIM ON TWO MOONS: SAMPLES (ROW 1) AND THE REVERSE TRAJECTORY (ROW 2)', [20, 20, 20], 2);
  fig.text(left, 38, `MLP ${HIDDEN}x3 + SINUSOIDAL-${TEMB} TIME EMBEDDING, EPS-PREDICTION, LINEAR SCHEDULE T=1000, ${TRAIN_STEPS} ADAM STEPS OF BATCH ${BATCH}   BACKEND ${tf.getBackend()}   D = MEAN DISTANCE TO THE NEAREST HELD-OUT DATA POINT`);
  const range = 2.6;
  const toPx = (x0: number, y0: number, p: number[]) => [x0 + ((p[0]! + range) / (2 * range)) * panel, y0 + panel - ((p[1]! + range) / (2 * range)) * panel] as const;
  const frame = (x0: number, y0: number, title: string) => {
    fig.rect(x0 + 4, y0, panel - 8, panel, [247, 247, 247]);
    fig.text(x0 + 8, y0 - 14, title);
  };
  const scatter = (x0: number, y0: number, pts: number[][], color: RGB) => {
    for (const p of pts) {
      const [px, py] = toPx(x0, y0, p);
      fig.dot(px, py, color, 0.5);
    }
  };
  const dataColor: RGB = [120, 120, 120];
  const sampleColor: RGB = [33, 113, 181];
  const y1 = top + 20;
  frame(left, y1, `DATA  D ${baseline.toFixed(3)}`);
  scatter(left, y1, data.slice(0, N_SAMPLES), dataColor); // interleaved: both moons
  results.forEach((r, i) => {
    const x0 = left + (i + 1) * panel;
    frame(x0, y1, `${r.label}  D ${r.distance.toFixed(3)}`);
    scatter(x0, y1, r.points, sampleColor);
  });
  const y2 = y1 + panel + 40;
  snapshotsAt.slice(0, 5).forEach((t, i) => {
    const x0 = left + i * panel;
    frame(x0, y2, t === 1000 ? 'DDPM 1000: X AT T = 1000 (NOISE)' : `DDPM 1000: X AT T = ${t}`);
    scatter(x0, y2, snapshots.get(t) ?? [], [200, 60, 40]);
  });
  const x5 = left + 5 * panel;
  frame(x5, y2, 'DDIM 50: PATHS OF 40 PARTICLES');
  scatter(x5, y2, data.slice(0, 600), [200, 200, 200]);
  for (const p of paths) {
    for (let k = 1; k < p.length; k++) {
      const [ax, ay] = toPx(x5, y2, p[k - 1]!);
      const [bx, by] = toPx(x5, y2, p[k]!);
      fig.line(ax, ay, bx, by, [200, 60, 40], 0.35 + (0.6 * k) / p.length);
    }
    const [ex, ey] = toPx(x5, y2, p[p.length - 1]!);
    fig.dot(ex, ey, [20, 20, 20], 1);
  }

  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'diffusion-2d.png');
  fig.save(path);
  console.log(`data itself: mean nearest-point distance ${baseline.toFixed(3)}`);
  for (const r of results) console.log(`${r.label.padEnd(10)} mean nearest-point distance ${r.distance.toFixed(3)}   ${(r.ms / 1000).toFixed(2)} s for ${N_SAMPLES} samples`);
  tf.dispose([dataT, xT, ...vars]);
  schedule.dispose();
  console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
  console.log(`backend: ${choice.active}${choice.reason ? ` (${choice.reason})` : ''}`);
  console.log(`figure: ${path}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
