/**
 * Trains the example's three networks on MNIST in Node, each for a bounded wall-clock time, and saves each with
 * `saveState` (model.json + weights.bin under out/models/, metadata.architecture rebuilds it):
 *
 * - `denoiser`: the class-conditional MLP (./models.ts) as an ε-prediction denoiser on the linear schedule
 *   (β from 1e-4 to 0.02, T = 1000), trained with `diffusionLoss`; the class is replaced by the null class 10
 *   with probability 0.1 (`dropCondition`), so one network gives both terms of classifier-free guidance.
 *   Saved: the exponential moving average of the weights (decay 0.999, warmed up).
 * - `velocity`: the same network as a flow-matching velocity field (rectified flow, N(0, I) source, t ~ U(0, 1)),
 *   trained with `flowMatchingLoss` for the same time, with the same condition dropout; EMA weights saved.
 * - `classifier`: an MLP 784-256-128-10 trained by cross-entropy; its 128-d penultimate layer is the feature
 *   space of the Fréchet distance and KID (src/quality.ts). Its test accuracy is printed and stored.
 *
 * Run: npm run train  (flags: --minutes=8 per generative model, --classifier-minutes=1.5,
 *      --only=denoiser|velocity|classifier, --resume (the generative models continue from their saved weights,
 *      with a fresh Adam; the metadata adds up the steps and seconds), --total-steps=N (stop a generative model
 *      at N steps in all, if that comes before the time budget), --backend=wasm|cpu)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { mulberry32 } from '@genmod-internal/core';
import { diffusionLoss, dropCondition, flowMatchingLoss, linearSchedule, loadState, saveState } from '@genmod/diffusion';
import { DENOISER_ARCHITECTURE, NULL_CLASS, VELOCITY_ARCHITECTURE, classConditionalNet, ema, mnistClassifier, variablesState } from './models.js';
import { batchOf, loadMnist, permutation, type MnistSplit } from './mnist.js';
import { MODEL_DIR } from './paths.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const MINUTES = Number(arg('minutes') ?? 8);
const CLASSIFIER_MINUTES = Number(arg('classifier-minutes') ?? 1.5);
const ONLY = arg('only');
const RESUME = process.argv.includes('--resume');
const TOTAL_STEPS = arg('total-steps') === undefined ? Infinity : Number(arg('total-steps'));
const BATCH = 128;
const P_UNCOND = 0.1;
const LR = 1e-3;
const EMA_DECAY = 0.999;

/** The schedule of the denoiser: DDPM's linear β from 1e-4 to 0.02, T = 1000. */
export const SCHEDULE_NOTE = 'linear β 1e-4 … 0.02, T = 1000, ε-prediction';

/** Minibatches over shuffled epochs. */
function batches(split: MnistSplit, seed: number): () => { x: Float32Array; y: Int32Array } {
  const rand = mulberry32(seed);
  let perm = permutation(split.n, rand);
  let at = 0;
  return () => {
    if (at + BATCH > split.n) {
      perm = permutation(split.n, rand);
      at = 0;
    }
    at += BATCH;
    return batchOf(split, perm.subarray(at - BATCH, at));
  };
}

/** Runs `step` for `seconds`, printing the running loss every 15 s; returns steps, seconds and the last running loss. */
async function timed(name: string, seconds: number, step: (i: number) => tf.Scalar, maxSteps = Infinity): Promise<{ steps: number; seconds: number; loss: number; curve: number[] }> {
  const start = performance.now();
  let i = 0;
  let running = NaN;
  let lastPrint = start;
  const curve: number[] = [];
  while ((performance.now() - start) / 1000 < seconds && i < maxSteps) {
    const loss = step(i);
    if (i % 25 === 0) {
      const v = (await loss.data())[0]!;
      running = Number.isNaN(running) ? v : 0.9 * running + 0.1 * v;
      curve.push(running);
    }
    loss.dispose();
    i++;
    if (performance.now() - lastPrint > 15_000) {
      lastPrint = performance.now();
      const s = (lastPrint - start) / 1000;
      console.log(`${name}: step ${i}, ${s.toFixed(0)} s, ${(i / s).toFixed(1)} steps/s, loss ${running.toFixed(4)}, tensors ${tf.memory().numTensors}`);
    }
    if (i % 50 === 0) await tf.nextFrame();
  }
  return { steps: i, seconds: (performance.now() - start) / 1000, loss: running, curve };
}

async function trainGenerative(kind: 'denoiser' | 'velocity', train: MnistSplit): Promise<void> {
  const architecture = kind === 'denoiser' ? DENOISER_ARCHITECTURE : VELOCITY_ARCHITECTURE;
  const net = classConditionalNet(architecture, kind === 'denoiser' ? 1 : 2);
  const dir = join(MODEL_DIR, kind);
  const previous = RESUME ? ((await loadState(variablesState(net.variables), `file://${dir}`)) as { steps?: number; seconds?: number } | undefined) ?? {} : {};
  if (RESUME) console.log(`${kind}: resuming from ${dir} (${previous.steps} steps, ${previous.seconds} s)`);
  const vars = Object.values(net.variables);
  const average = ema(net.variables, EMA_DECAY, previous.steps ?? 0);
  const optimizer = tf.train.adam(LR);
  const schedule = linearSchedule(1000);
  const start = previous.steps ?? 0; // a resumed run continues the per-step seeds
  const next = batches(train, (kind === 'denoiser' ? 11 : 12) + 100 * start);
  const r = await timed(kind, MINUTES * 60, (i) =>
    tf.tidy(() => {
      const { x, y } = next();
      const x1 = tf.tensor2d(x, [BATCH, 784]);
      const c = dropCondition(tf.tensor1d(y, 'int32'), NULL_CLASS, P_UNCOND, { seed: 2 * (start + i) + 1 });
      const model = (xt: tf.Tensor, t: tf.Tensor) => net.apply(xt, t, c);
      const loss = optimizer.minimize(() =>
        kind === 'denoiser' ? diffusionLoss(model, x1, schedule, { seed: 2 * (start + i) }) : flowMatchingLoss(model, x1, { seed: 2 * (start + i) }),
      true, vars)!;
      average.update();
      return loss;
    }),
  TOTAL_STEPS - start);
  console.log(`${kind}: ${r.steps} steps (${((r.steps * BATCH) / train.n).toFixed(1)} epochs) in ${r.seconds.toFixed(0)} s on ${tf.getBackend()}, running loss ${r.loss.toFixed(4)}`);
  const steps = start + r.steps;
  const seconds = (previous.seconds ?? 0) + Math.round(r.seconds);
  mkdirSync(dir, { recursive: true });
  await saveState(variablesState(average.shadow), `file://${dir}`, {
    metadata: {
      model: kind, architecture, objective: kind === 'denoiser' ? SCHEDULE_NOTE : 'rectified flow (flow matching, σ_min = 0), N(0, I) source, t ~ U(0, 1)',
      conditionDropout: P_UNCOND, nullClass: NULL_CLASS, weights: `EMA ${EMA_DECAY}`, batch: BATCH, learningRate: LR,
      steps, seconds, finalLoss: r.loss, backend: tf.getBackend(), date: new Date().toISOString(),
    },
  });
  writeFileSync(join(dir, 'curve.json'), JSON.stringify(r.curve));
  console.log(`${kind}: saved to ${dir}`);
  average.dispose();
  optimizer.dispose();
  net.dispose();
}

async function trainClassifier(train: MnistSplit, test: MnistSplit): Promise<void> {
  const clf = mnistClassifier();
  const vars = Object.values(clf.variables);
  const optimizer = tf.train.adam(1e-3);
  const next = batches(train, 13);
  const r = await timed('classifier', CLASSIFIER_MINUTES * 60, () =>
    tf.tidy(() => {
      const { x, y } = next();
      const xs = tf.tensor2d(x, [BATCH, 784]);
      const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
      return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, clf.logits(xs)) as tf.Scalar, true, vars)!;
    }),
  );
  let correct = 0;
  for (let at = 0; at < test.n; at += 1000) {
    const { x, y } = batchOf(test, Int32Array.from({ length: 1000 }, (_, k) => at + k));
    const pred = tf.tidy(() => tf.argMax(clf.logits(tf.tensor2d(x, [1000, 784])), 1));
    const p = await pred.data();
    pred.dispose();
    for (let k = 0; k < 1000; k++) if (p[k] === y[k]) correct++;
  }
  const accuracy = correct / test.n;
  console.log(`classifier: ${r.steps} steps in ${r.seconds.toFixed(0)} s, test accuracy ${(100 * accuracy).toFixed(2)} %`);
  const dir = join(MODEL_DIR, 'classifier');
  mkdirSync(dir, { recursive: true });
  await saveState(variablesState(clf.variables), `file://${dir}`, {
    metadata: { model: 'classifier', architecture: '784-256-128-10 ReLU, features = the 128-d penultimate layer', steps: r.steps, seconds: Math.round(r.seconds), testAccuracy: accuracy, backend: tf.getBackend(), date: new Date().toISOString() },
  });
  console.log(`classifier: saved to ${dir}`);
  optimizer.dispose();
  clf.dispose();
}

async function main(): Promise<void> {
  await chooseBackendFromArgs();
  const { train, test } = loadMnist();
  if (ONLY === undefined || ONLY === 'classifier') await trainClassifier(train, test);
  if (ONLY === undefined || ONLY === 'denoiser') await trainGenerative('denoiser', train);
  if (ONLY === undefined || ONLY === 'velocity') await trainGenerative('velocity', train);
}

await main();
