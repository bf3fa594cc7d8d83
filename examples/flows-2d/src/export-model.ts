/**
 * Trains the small spline flow the browser page ships (examples/browser/public/models/two-moons-spline/) on
 * two moons and saves it with `saveState` to `file://…` (model.json + weights.bin, the layout tfjs-node writes,
 * loadable in the browser with `tf.io.http('models/two-moons-spline/model.json')`), its metadata recording the
 * architecture (`buildFlow` rebuilds it). Beside it, reference.json: logProb at fixed points and the held-out
 * NLL, computed here in Node, which the browser test compares with what the page computes on WebGPU and WebGL.
 * Before it returns it loads the files back into a freshly built flow (another seed) and checks that logProb
 * is bit for bit the same.
 * Run: npm run export-model  (flags: --backend=wasm|cpu, --steps=N, --out=DIR)
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { mulberry32 } from '@genmod-internal/core';
import { loadState, saveState } from '@genmod/flows';
import { densities } from './densities.js';
import { SHIPPED_ARCHITECTURE, architectureFromMetadata, buildFlow } from './models.js';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const STEPS = Number(arg('steps') ?? 500);
const BATCH = 256;
const OUT = resolve(arg('out') ?? join(here, '..', '..', 'browser', 'public', 'models', 'two-moons-spline'));

/** The fixed points of reference.json: on the moons, between them, in the tails, and outside the spline's bound (identity there). */
export const REFERENCE_POINTS: number[][] = [
  [0, 0], [-1.2, 0.8], [0.8, 0.9], [1.2, -0.9], [-0.4, -0.7], [0.4, 0.3],
  [-1.6, -0.2], [2.0, 0.1], [0.0, 1.5], [-2.5, 2.5], [3.0, -3.0], [4.5, 0.5],
];

async function main() {
  await chooseBackendFromArgs();
  const train = tf.tensor2d(densities['TWO MOONS']!(4096, 100));
  const test = tf.tensor2d(densities['TWO MOONS']!(2048, 200));
  const flow = buildFlow(SHIPPED_ARCHITECTURE, 1);
  const opt = tf.train.adam(3e-3);
  const u = mulberry32(7);
  const t0 = performance.now();
  for (let step = 0; step < STEPS; step++) {
    tf.tidy(() => {
      const idx = tf.tensor1d(Array.from({ length: BATCH }, () => Math.floor(u() * train.shape[0])), 'int32');
      opt.minimize(() => tf.neg(tf.mean(flow.logProb(tf.gather(train, idx)))) as tf.Scalar, false, flow.trainableVariables);
    });
  }
  const seconds = (performance.now() - t0) / 1000;
  const heldOutNll = tf.tidy(() => tf.neg(tf.mean(flow.logProb(test))).dataSync()[0]!);
  const logProb = tf.tidy(() => Array.from(flow.logProb(tf.tensor2d(REFERENCE_POINTS)).dataSync()));
  const metadata = { architecture: SHIPPED_ARCHITECTURE, density: 'TWO MOONS', steps: STEPS, heldOutNll, backend: tf.getBackend() };

  mkdirSync(OUT, { recursive: true });
  await saveState(flow, `file://${OUT}`, { metadata }); // no optimizer: the page samples, it does not resume training

  // the files, loaded into a fresh flow built from their own metadata, give the very same numbers
  const json = JSON.parse(readFileSync(join(OUT, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const restored = buildFlow(architectureFromMetadata(json.userDefinedMetadata), 12345);
  await loadState(restored, `file://${OUT}`);
  const again = tf.tidy(() => Array.from(restored.logProb(tf.tensor2d(REFERENCE_POINTS)).dataSync()));
  const identical = again.every((v, i) => Object.is(v, logProb[i]));
  if (!identical) throw new Error(`export-model: the saved flow, loaded back, gives other logProb values: ${again} vs ${logProb}`);

  const reference = {
    model: 'models/two-moons-spline/model.json',
    note: 'logProb of the shipped flow at fixed points, computed in Node by examples/flows-2d (npm run export-model) at export time',
    backend: tf.getBackend(),
    architecture: SHIPPED_ARCHITECTURE,
    steps: STEPS,
    heldOutNll,
    points: REFERENCE_POINTS,
    logProb,
  };
  writeFileSync(join(OUT, 'reference.json'), `${JSON.stringify(reference, null, 2)}\n`);
  const bytes = statSync(join(OUT, 'weights.bin')).size;
  console.log(`trained ${JSON.stringify(SHIPPED_ARCHITECTURE)} on two moons: ${STEPS} Adam steps in ${seconds.toFixed(1)} s on ${tf.getBackend()}, held-out NLL ${heldOutNll.toFixed(4)} nats`);
  console.log(`saved to ${OUT}: model.json + weights.bin (${(bytes / 1024).toFixed(1)} KiB), reference.json (logProb at ${REFERENCE_POINTS.length} points)`);
  console.log(`loaded back into a fresh flow (seed 12345): logProb bit for bit the same`);
  tf.dispose([train, test]);
  opt.dispose();
  flow.dispose();
  restored.dispose();
  console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
