/**
 * Normalizing flows on 2-D densities: trains RealNVP (affine couplings), MAF (masked autoregressive) and
 * a neural spline flow (rational-quadratic spline couplings) on three densities generated in code (two
 * moons, a ring of 8 Gaussians, a checkerboard), prints each model's held-out negative log-likelihood and
 * writes out/flows-2d.png: per density, the training data, then per model the learned density (heatmap)
 * with samples drawn from the flow on top. Every trained flow is saved with `saveState` to
 * out/models/<density>-<model>/ (model.json + weights.bin, tfjs's layout, with Adam's state), its
 * `metadata.architecture` being what `buildFlow` (src/models.ts, no Node imports) needs to rebuild it before
 * `loadState`. `npm run export-model` (src/export-model.ts) trains the small flow the browser page ships.
 * Run: npx tsx src/main.ts  (flags: --backend=wasm|cpu|cuda, --fallback, --steps=N)
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { mulberry32 } from '@genmod-internal/core';
import { Figure, colormap, type RGB } from '@genmod-examples/plot';
import { saveState, type TransformedDistribution } from '@genmod/flows';
import { densities } from './densities.js';
import { ARCHITECTURES, buildFlow, type FlowArchitecture } from './models.js';

const STEPS = Number(process.argv.find((a) => a.startsWith('--steps='))?.slice(8) ?? 300);
const BATCH = 256;
const N_TRAIN = 4096;
const N_TEST = 2048;
const EXTENT = 3.2; // the plotted square [−E, E]²
const GRID = 120;

const rng = mulberry32;

function train(architecture: FlowArchitecture, seed: number, data: tf.Tensor2D): { flow: TransformedDistribution; opt: tf.Optimizer } {
  const flow = buildFlow(architecture, seed);
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
  return { flow, opt };
}

async function main() {
  await chooseBackendFromArgs();
  const panel = 240;
  const left = 20;
  const top = 56;
  const names = Object.keys(densities);
  const modelNames = Object.keys(ARCHITECTURES);
  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  const saved: string[] = [];
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
      const { flow, opt } = train(ARCHITECTURES[modelName]!, 10 * row + 100 * col, trainData);
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
      // the trained flow (and Adam's state, to resume training) as model.json + weights.bin, with what rebuilds it
      const slug = `${name}-${modelName}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      const modelDir = join(outDir, 'models', slug);
      await saveState(flow, `file://${modelDir}`, {
        optimizer: opt,
        metadata: { architecture: ARCHITECTURES[modelName]!, density: name, steps: STEPS, heldOutNll: nll, backend: tf.getBackend() },
      });
      saved.push(modelDir);
      opt.dispose();
      flow.bijector.dispose?.();
    }
    lines.push(`  ${name.toLowerCase().padEnd(20)} held-out NLL: ${row_.join('   ')}`);
    tf.dispose([trainData, testData]);
  }
  grid.dispose();
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'flows-2d.png');
  fig.save(path);
  console.log(`Held-out negative log-likelihood (nats, lower is better) after ${STEPS} steps:`);
  console.log(lines.join('\n'));
  console.log(`trained flows saved (saveState: model.json + weights.bin, with Adam's state; metadata.architecture rebuilds them with buildFlow from src/models.ts, then loadState):`);
  for (const dir of saved) console.log(`  ${dir}`);
  console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
  console.log(`figure: ${path}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
