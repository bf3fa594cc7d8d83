/**
 * Normalizing flows on 2-D densities: trains RealNVP (affine couplings), MAF (masked autoregressive) and
 * a neural spline flow (rational-quadratic spline couplings) on three densities generated in code (two
 * moons, a ring of 8 Gaussians, a checkerboard), prints each model's held-out negative log-likelihood and
 * writes out/flows-2d.png: per density, the training data, then per model the learned density (heatmap)
 * with samples drawn from the flow on top.
 * Run: npx tsx src/main.ts  (flags: --backend=wasm|cpu|cuda, --fallback, --steps=N)
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod-examples/backend';
import { mulberry32 } from '@genmod-internal/core';
import { Figure, colormap, type RGB } from '@genmod-examples/plot';
import {
  deriveSeed,
  StandardNormal,
  TransformedDistribution,
  affineCoupling,
  chain,
  made,
  maskedAutoregressive,
  mlp,
  rationalQuadraticSpline,
  reverse,
  tanhBound,
  type TrainableBijector,
} from '@genmod/flows';

const STEPS = Number(process.argv.find((a) => a.startsWith('--steps='))?.slice(8) ?? 300);
const BATCH = 256;
const N_TRAIN = 4096;
const N_TEST = 2048;
const EXTENT = 3.2; // the plotted square [−E, E]²
const GRID = 120;

// ---------------------------------------------------------------- data (seeded, in code)
const rng = mulberry32;
const gauss = (u: () => number) => () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

const densities: Record<string, (n: number, seed: number) => number[][]> = {
  'TWO MOONS': (n, seed) => {
    const u = rng(seed);
    const g = gauss(u);
    return Array.from({ length: n }, (_, i) => {
      const t = Math.PI * u();
      const [x, y] = i % 2 ? [1 - Math.cos(t), 0.5 - Math.sin(t)] : [Math.cos(t), Math.sin(t)];
      // centred and scaled to roughly unit spread (population mean (0.5, 0.25))
      return [(x + 0.05 * g() - 0.5) * 1.6, (y + 0.05 * g() - 0.25) * 1.6];
    });
  },
  'RING OF 8 GAUSSIANS': (n, seed) => {
    const u = rng(seed);
    const g = gauss(u);
    return Array.from({ length: n }, () => {
      const k = Math.floor(8 * u());
      const a = (2 * Math.PI * k) / 8;
      return [2 * Math.cos(a) + 0.15 * g(), 2 * Math.sin(a) + 0.15 * g()];
    });
  },
  CHECKERBOARD: (n, seed) => {
    const u = rng(seed);
    return Array.from({ length: n }, () => {
      // 4 × 4 board on [−2, 2]², mass on the squares whose indices sum to an even number
      const i = Math.floor(4 * u());
      const j = 2 * Math.floor(2 * u()) + (i % 2);
      return [-2 + i + u(), -2 + j + u()];
    });
  },
};

// ---------------------------------------------------------------- models
const models: Record<string, (seed: number) => TrainableBijector> = {
  REALNVP: (seed) =>
    chain(...Array.from({ length: 6 }, (_, i) => affineCoupling({ mask: i % 2 ? [0, 1] : [1, 0], conditioner: mlp({ inputs: 2, hidden: [64, 64], outputs: 4, seed: deriveSeed(seed, 'coupling', i) }), logScaleBound: tanhBound(2) }))),
  MAF: (seed) =>
    chain(
      ...Array.from({ length: 5 }, (_, i) => [maskedAutoregressive({ network: made({ features: 2, hidden: [64, 64], seed: deriveSeed(seed, 'made', i) }) }), ...(i < 4 ? [reverse()] : [])]).flat(),
    ),
  'SPLINE FLOW': (seed) =>
    chain(...Array.from({ length: 4 }, (_, i) => rationalQuadraticSpline({ mask: i % 2 ? [0, 1] : [1, 0], bins: 8, bound: 4, conditioner: mlp({ inputs: 2, hidden: [64, 64], outputs: 2 * 23, seed: deriveSeed(seed, 'spline', i) }) }))),
};

function train(bijector: TrainableBijector, data: tf.Tensor2D): TransformedDistribution {
  const flow = new TransformedDistribution(new StandardNormal([2]), bijector);
  const opt = tf.train.adam(3e-3);
  const u = rng(7);
  const n = data.shape[0];
  for (let step = 0; step < STEPS; step++) {
    tf.tidy(() => {
      const idx = tf.tensor1d(Array.from({ length: BATCH }, () => Math.floor(u() * n)), 'int32');
      const x = tf.gather(data, idx);
      opt.minimize(() => tf.neg(tf.mean(flow.logProb(x))) as tf.Scalar, false, flow.trainableVariables);
    });
  }
  opt.dispose();
  return flow;
}

async function main() {
  await chooseBackendFromArgs();
  const panel = 240;
  const left = 20;
  const top = 56;
  const names = Object.keys(densities);
  const modelNames = Object.keys(models);
  const fig = new Figure(left + (1 + modelNames.length) * panel, top + names.length * (panel + 20));
  fig.text(left, 12, 'NORMALIZING FLOWS ON 2-D DENSITIES: LEARNED LOG-DENSITY (SHADE) AND FLOW SAMPLES (RED)', [20, 20, 20], 2);
  fig.text(left, 34, `${STEPS} ADAM STEPS, BATCH ${BATCH}, ${N_TRAIN} TRAINING POINTS; NLL ON ${N_TEST} HELD-OUT POINTS (NATS); BACKEND ${tf.getBackend()}`);
  const toPx = (x0: number, y0: number, p: number[]) => [x0 + ((p[0]! + EXTENT) / (2 * EXTENT)) * panel, y0 + ((EXTENT - p[1]!) / (2 * EXTENT)) * panel] as const;
  const grid = tf.tidy(() => {
    const c = Array.from({ length: GRID }, (_, i) => -EXTENT + ((i + 0.5) * 2 * EXTENT) / GRID);
    return tf.tensor2d(c.flatMap((y) => c.map((x) => [x, -y])));
  });
  const lines: string[] = [];
  for (const [row, name] of names.entries()) {
    const y0 = top + row * (panel + 20);
    const trainData = tf.tensor2d(densities[name]!(N_TRAIN, 100 + row));
    const testData = tf.tensor2d(densities[name]!(N_TEST, 200 + row));
    fig.text(left + 6, y0, `${name}: DATA`);
    for (const p of (trainData.arraySync() as number[][]).slice(0, 2000)) {
      const [px, py] = toPx(left, y0 + 12, p);
      fig.dot(px, py, [33, 113, 181], 0.35);
    }
    const row_: string[] = [];
    for (const [col, modelName] of modelNames.entries()) {
      const x0 = left + (col + 1) * panel;
      const t0 = performance.now();
      const flow = train(models[modelName]!(10 * row + 100 * col), trainData);
      const seconds = (performance.now() - t0) / 1000;
      const nll = tf.tidy(() => tf.neg(tf.mean(flow.logProb(testData))).dataSync()[0]!);
      const logDensity = tf.tidy(() => flow.logProb(grid).dataSync());
      const samples = tf.tidy(() => flow.sample([600], { seed: 300 + row }).arraySync() as number[][]);
      // shade the top 8 nats of the learned log-density
      let hi = -Infinity;
      for (const v of logDensity) if (Number.isFinite(v)) hi = Math.max(hi, v);
      const lo = hi - 8;
      const cell = panel / GRID;
      for (let i = 0; i < GRID; i++) {
        for (let j = 0; j < GRID; j++) {
          const v = logDensity[i * GRID + j]!;
          fig.rect(x0 + j * cell, y0 + 12 + i * cell, cell + 0.5, cell + 0.5, colormap((v - lo) / (hi - lo)));
        }
      }
      for (const p of samples) {
        const [px, py] = toPx(x0, y0 + 12, p);
        fig.dot(px, py, [200, 30, 30] as RGB, 0.5);
      }
      fig.text(x0 + 6, y0, `${modelName}  NLL ${nll.toFixed(3)}`);
      row_.push(`${modelName} ${nll.toFixed(3)} (${seconds.toFixed(1)} s)`);
      flow.bijector.dispose?.();
    }
    lines.push(`  ${name.toLowerCase().padEnd(20)} held-out NLL: ${row_.join('   ')}`);
    tf.dispose([trainData, testData]);
  }
  grid.dispose();
  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'flows-2d.png');
  fig.save(path);
  console.log(`Held-out negative log-likelihood (nats, lower is better) after ${STEPS} steps:`);
  console.log(lines.join('\n'));
  console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
  console.log(`figure: ${path}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
