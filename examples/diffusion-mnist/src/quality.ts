/**
 * Sample quality against the number of network evaluations (NFE), on MNIST: loads the denoiser, the velocity net
 * and the classifier that `npm run train` saved, and for each sampler and NFE generates N class-conditional
 * samples (classes balanced: sample i has class i mod 10) with classifier-free guidance at a fixed scale, then
 * compares the classifier's 128-d penultimate features of the samples with those of N test images:
 *
 * (the features multiplied by one constant, which makes the reference features' root mean square 1)
 * - FD: the Fréchet distance between Gaussian fits of the two feature sets (the FID formula, `frechetDistance`),
 * - KID: the unbiased MMD² with the cubic polynomial kernel over 100 random subsets of 500 (`kernelDistance`),
 *   with its standard error,
 * - acc: how often the classifier calls a sample the class it was asked for.
 *
 * The reference set is a fixed random subset of the 10,000 test images (mulberry32 seed 2026); the floor row
 * compares N other images (training images, seed 2027) with it: no sampler can be expected below it.
 * One NFE is one call of the network on the batch, the guided pair (conditional, null) batched into one call.
 * Writes out/quality.md, out/quality.json, out/quality.png (FD and KID against NFE) and out/grid-{10,50}.png.
 *
 * Run: npm run quality  (flags: --n=1000, --guidance=2, --nfe=5,10,20,50,100,1000, --samplers=ddpm,ddim,…,
 *      --big-nfe-samplers=… (the samplers run at NFE ≥ 1000, default all), --backend=wasm|cpu)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { mulberry32 } from '@genmod-internal/core';
import {
  classifierFreeGuidance, ddimSample, ddpmSample, dpmSolverSample, eulerSample, finalSample, flowSample, heunSample, karrasSigmas, linearSchedule, loadState, respace,
  trailingTimesteps, type Denoiser, type SamplerStep,
} from '@genmod/diffusion';
import { frechetDistance, kernelDistance } from '@genmod/divergences';
import { Figure, type RGB } from '@genmod-examples/plot';
import { NULL_CLASS, architectureFromMetadata, classConditionalNet, mnistClassifier, variablesState, type ClassConditionalNet } from './models.js';
import { batchOf, loadMnist, permutation } from './mnist.js';
import { MODEL_DIR } from './paths.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const N = Number(arg('n') ?? 1000);
const GUIDANCE = Number(arg('guidance') ?? 2);
const NFES = (arg('nfe') ?? '5,10,20,50,100,1000').split(',').map(Number);
const OUT = join(MODEL_DIR, '..');
const KID_OPTIONS = { subsets: 100, subsetSize: Math.min(500, N), seed: 7 };
const SEED = 1;

/** The guided network as a Denoiser / VelocityField: ε̂ = ε̂(x, t, ∅) + w·(ε̂(x, t, c) − ε̂(x, t, ∅)). */
function guided(net: ClassConditionalNet, labels: tf.Tensor): Denoiser {
  return classifierFreeGuidance((x, t, c) => net.apply(x, t, c), labels, { scale: GUIDANCE, nullCondition: NULL_CLASS });
}

interface Sampler {
  name: string;
  kind: 'diffusion' | 'flow';
  /** the number of steps that gives (about) `nfe` evaluations, and the evaluations it really makes */
  plan(nfe: number): { steps: number; nfe: number };
  run(model: Denoiser, steps: number): Promise<tf.Tensor>;
}

const schedule = linearSchedule(1000);
const shape = [N, 784];
const common = { seed: SEED, clipX0: true } as const;
const last = (it: AsyncGenerator<SamplerStep, tf.Tensor, void>) => finalSample(it);
const same = (nfe: number) => ({ steps: nfe, nfe });
/** Heun: 2 evaluations per step, one on the last step (to σ = 0). */
const heunPlan = (nfe: number) => {
  const steps = Math.max(2, Math.round((nfe + 1) / 2));
  return { steps, nfe: 2 * steps - 1 };
};
/** The flow's second-order methods: 2 evaluations per step. */
const twoPerStep = (nfe: number) => {
  const steps = Math.max(1, Math.round(nfe / 2));
  return { steps, nfe: 2 * steps };
};

export const SAMPLERS: Sampler[] = [
  { name: 'DDPM', kind: 'diffusion', plan: same, run: (m, s) => last(ddpmSample(m, shape, respace(schedule, trailingTimesteps(1000, s)), common)) },
  { name: 'DDIM', kind: 'diffusion', plan: same, run: (m, s) => last(ddimSample(m, shape, respace(schedule, trailingTimesteps(1000, s)), { ...common, eta: 0 })) },
  { name: 'Euler (Karras σ)', kind: 'diffusion', plan: same, run: (m, s) => last(eulerSample(m, shape, schedule, { ...common, sigmas: karrasSigmas(schedule, s) })) },
  { name: 'Heun (Karras σ)', kind: 'diffusion', plan: heunPlan, run: (m, s) => last(heunSample(m, shape, schedule, { ...common, sigmas: karrasSigmas(schedule, s) })) },
  { name: 'DPM-Solver++(2M)', kind: 'diffusion', plan: same, run: (m, s) => last(dpmSolverSample(m, shape, respace(schedule, trailingTimesteps(1000, s)), { ...common, order: 2 })) },
  { name: 'flow matching (Euler)', kind: 'flow', plan: same, run: (m, s) => flowFinal(m, s, 'euler') },
  { name: 'flow matching (Heun)', kind: 'flow', plan: twoPerStep, run: (m, s) => flowFinal(m, s, 'heun') },
];

async function flowFinal(model: Denoiser, steps: number, method: 'euler' | 'heun' | 'midpoint'): Promise<tf.Tensor> {
  let x: tf.Tensor | undefined;
  for await (const s of flowSample(model, shape, { steps, method, seed: SEED })) if (s.final) x = s.x;
  return x!;
}

async function loadNet(name: string): Promise<{ net: ClassConditionalNet; metadata: Record<string, unknown> }> {
  const json = JSON.parse(readFileSync(join(MODEL_DIR, name, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const metadata = (json.userDefinedMetadata ?? {}) as Record<string, unknown>;
  const net = classConditionalNet(architectureFromMetadata(metadata), 99);
  await loadState(variablesState(net.variables), `file://${join(MODEL_DIR, name)}`);
  return { net, metadata };
}

interface Row { sampler: string; nfe: number; steps: number; fd: number; kid: number; kidSe: number; accuracy: number; seconds: number }

async function main(): Promise<void> {
  await chooseBackendFromArgs();
  const only = arg('samplers')?.split(',');
  const bigOnly = arg('big-nfe-samplers')?.split(',');
  const { train, test } = loadMnist();
  const denoiser = await loadNet('denoiser');
  const velocity = await loadNet('velocity');
  const clf = mnistClassifier();
  const clfMeta = await loadState(variablesState(clf.variables), `file://${join(MODEL_DIR, 'classifier')}`);
  const testIdx = permutation(test.n, mulberry32(2026)).subarray(0, N);
  const trainIdx = permutation(train.n, mulberry32(2027)).subarray(0, N);
  const refImages = tf.tensor2d(batchOf(test, testIdx).x, [N, 784]);
  // one fixed rescaling of the feature space: the reference features' root mean square becomes 1, so the cubic
  // kernel (xᵀy/d + 1)³ of KID sees O(1) values, as with Inception's pooled features
  const featureScale = tf.tidy(() => 1 / Math.sqrt(tf.mean(tf.square(clf.features(refImages))).dataSync()[0]!));
  const features = (x: tf.Tensor) => tf.tidy(() => tf.mul(clf.features(x), featureScale));
  const refFeatures = features(refImages);
  const labelsHost = Int32Array.from({ length: N }, (_, i) => i % 10);
  const labels = tf.tensor1d(labelsHost, 'int32');

  const measure = async (x: tf.Tensor): Promise<{ fd: number; kid: number; kidSe: number; accuracy: number }> => {
    const f = features(x);
    const fdT = frechetDistance(refFeatures, f);
    const k = kernelDistance(refFeatures, f, KID_OPTIONS);
    const pred = tf.tidy(() => tf.argMax(clf.logits(x), 1));
    const [fd, kid, kidSe, p] = await Promise.all([fdT.data(), k.value.data(), k.standardError.data(), pred.data()]);
    tf.dispose([f, fdT, k.value, k.standardError, pred]);
    let ok = 0;
    for (let i = 0; i < N; i++) if (p[i] === labelsHost[i]) ok++;
    return { fd: fd[0]!, kid: kid[0]!, kidSe: kidSe[0]!, accuracy: ok / N };
  };

  const floorImages = tf.tensor2d(batchOf(train, trainIdx).x, [N, 784]);
  const trainLabels = batchOf(train, trainIdx).y;
  const floorM = await measure(floorImages);
  // the floor's accuracy is against the images' own labels, not i mod 10
  const floorAcc = tf.tidy(() => tf.argMax(clf.logits(floorImages), 1).dataSync());
  floorM.accuracy = Array.from(floorAcc).filter((p, i) => p === trainLabels[i]).length / N;
  floorImages.dispose();
  console.log(`floor (${N} training images vs ${N} test images): FD ${floorM.fd.toFixed(3)}, KID ${floorM.kid.toExponential(2)} ± ${floorM.kidSe.toExponential(1)}, accuracy ${(100 * floorM.accuracy).toFixed(1)} %`);

  const rows: Row[] = [];
  const grids: Record<number, Record<string, Float32Array>> = { 10: {}, 50: {} };
  const models = { diffusion: guided(denoiser.net, labels), flow: guided(velocity.net, labels) };
  const meta = { denoiser: denoiser.metadata, velocity: velocity.metadata, classifier: clfMeta };
  // NFE outermost: the cheap cells first (the 1000-NFE ones take most of the time); the files are rewritten after each cell
  for (const target of NFES) {
    for (const sampler of SAMPLERS) {
      if (only && !only.some((o) => sampler.name.toLowerCase().startsWith(o.toLowerCase()))) continue;
      if (target >= 1000 && bigOnly && !bigOnly.some((o) => sampler.name.toLowerCase().startsWith(o.toLowerCase()))) continue;
      const { steps, nfe } = sampler.plan(target);
      const t0 = performance.now();
      const raw = await sampler.run(models[sampler.kind], steps);
      const seconds = (performance.now() - t0) / 1000;
      const x = tf.clipByValue(raw, -1, 1); // every sampler's output is measured as an image in [−1, 1]
      raw.dispose();
      const m = await measure(x);
      rows.push({ sampler: sampler.name, nfe, steps, ...m, seconds });
      if (target === 10 || target === 50) grids[target]![sampler.name] = (await x.data()).slice(0, 784 * 20) as Float32Array;
      x.dispose();
      console.log(`${sampler.name.padEnd(22)} NFE ${String(nfe).padStart(4)} (${steps} steps): FD ${m.fd.toFixed(3)}, KID ${m.kid.toExponential(2)} ± ${m.kidSe.toExponential(1)}, acc ${(100 * m.accuracy).toFixed(1)} %, ${seconds.toFixed(1)} s, tensors ${tf.memory().numTensors}`);
      writeFileSync(join(OUT, 'quality.json'), JSON.stringify({ n: N, guidance: GUIDANCE, floor: floorM, rows, meta, backend: tf.getBackend(), date: new Date().toISOString() }, null, 2));
      writeFileSync(join(OUT, 'quality.md'), markdown(rows, floorM, meta));
      plot(rows, floorM);
      if (target === 10 || target === 50) digitsGrid(grids[target]!, target);
    }
  }
  console.log(`wrote ${join(OUT, 'quality.md')}, quality.json, quality.png, grid-10.png, grid-50.png`);
  tf.dispose([refImages, refFeatures, labels]);
  denoiser.net.dispose();
  velocity.net.dispose();
  clf.dispose();
}

function markdown(rows: Row[], floor: { fd: number; kid: number; kidSe: number; accuracy: number }, meta: Record<string, unknown>): string {
  const nfes = [...new Set(rows.map((r) => r.nfe))].sort((a, b) => a - b);
  const samplers = [...new Set(rows.map((r) => r.sampler))];
  const head = `| sampler | ${NFES.map((n) => `NFE ${n}`).join(' | ')} |\n|---|${NFES.map(() => '---:').join('|')}|\n`;
  const cell = (s: string, target: number, f: (r: Row) => string) => {
    const r = rows.find((q) => q.sampler === s && Math.abs(q.nfe - target) <= 1);
    return r ? f(r) + (r.nfe !== target ? ` (${r.nfe})` : '') : '—';
  };
  const table = (f: (r: Row) => string) => head + samplers.map((s) => `| ${s} | ${NFES.map((n) => cell(s, n, f)).join(' | ')} |`).join('\n');
  void nfes;
  const m = meta as { denoiser: Record<string, unknown>; velocity: Record<string, unknown>; classifier: Record<string, unknown> };
  return [
    `# Sample quality per network evaluation on MNIST`,
    ``,
    `${new Date().toISOString().slice(0, 10)}, backend ${tf.getBackend()} (Node ${process.version}), N = ${N} samples per cell (classes balanced), guidance scale w = ${GUIDANCE}; reference: ${N} random test images (seed 2026).`,
    `Denoiser: ${m.denoiser.steps} steps in ${m.denoiser.seconds} s (final loss ${Number(m.denoiser.finalLoss).toFixed(4)}); velocity net: ${m.velocity.steps} steps in ${m.velocity.seconds} s (final loss ${Number(m.velocity.finalLoss).toFixed(4)}); classifier: test accuracy ${(100 * Number(m.classifier.testAccuracy)).toFixed(2)} %.`,
    `Floor (${N} training images vs the reference): FD ${floor.fd.toFixed(3)}, KID ${floor.kid.toExponential(2)} ± ${floor.kidSe.toExponential(1)}, accuracy ${(100 * floor.accuracy).toFixed(1)} %.`,
    `A value in parentheses is the NFE the sampler really made (Heun: 2 per step, 1 on the last).`,
    ``,
    `## Fréchet distance (classifier features, lower is better)`,
    ``,
    table((r) => r.fd.toFixed(2)),
    ``,
    `## KID × 10³ ± standard error (100 subsets of ${KID_OPTIONS.subsetSize})`,
    ``,
    table((r) => `${(1e3 * r.kid).toFixed(2)} ± ${(1e3 * r.kidSe).toFixed(2)}`),
    ``,
    `## Samples the classifier calls the class asked for (%)`,
    ``,
    table((r) => (100 * r.accuracy).toFixed(1)),
    ``,
    `## Seconds per cell (${N} samples)`,
    ``,
    table((r) => r.seconds.toFixed(0)),
    ``,
  ].join('\n');
}

/** The plot font has ASCII capitals only. */
const ascii = (s: string) => s.toUpperCase().replace(/Σ/g, 'SIGMA');

const COLORS: RGB[] = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194]];

function plot(rows: Row[], floor: { fd: number; kid: number }): void {
  const samplers = [...new Set(rows.map((r) => r.sampler))];
  const fig = new Figure(1100, 470);
  const panels: Array<{ title: string; value: (r: Row | typeof floor) => number; x0: number }> = [
    { title: 'FRECHET DISTANCE (LOG) VS NFE', value: (r) => r.fd, x0: 60 },
    { title: 'KID (LOG) VS NFE', value: (r) => Math.max(r.kid, 1e-5), x0: 600 },
  ];
  const W = 440;
  const H = 340;
  const y0 = 50;
  const lx = (n: number) => (Math.log10(n) - Math.log10(4)) / (Math.log10(1200) - Math.log10(4));
  for (const p of panels) {
    const vals = [...rows.map(p.value), p.value(floor)].filter((v) => v > 0);
    const lo = Math.log10(Math.min(...vals)) - 0.1;
    const hi = Math.log10(Math.max(...vals)) + 0.1;
    const ly = (v: number) => y0 + H - ((Math.log10(v) - lo) / (hi - lo)) * H;
    fig.text(p.x0, 20, p.title, [30, 30, 30], 2);
    fig.line(p.x0, y0 + H, p.x0 + W, y0 + H, [0, 0, 0]);
    fig.line(p.x0, y0, p.x0, y0 + H, [0, 0, 0]);
    for (const n of [5, 10, 20, 50, 100, 1000]) {
      fig.line(p.x0 + lx(n) * W, y0 + H, p.x0 + lx(n) * W, y0 + H + 5, [0, 0, 0]);
      fig.text(p.x0 + lx(n) * W - 6, y0 + H + 10, String(n));
    }
    for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
      fig.line(p.x0 - 5, ly(10 ** e), p.x0 + W, ly(10 ** e), [220, 220, 220]);
      fig.text(p.x0 - 50, ly(10 ** e) - 3, `1E${e}`);
    }
    const fl = ly(p.value(floor));
    for (let x = p.x0; x < p.x0 + W; x += 8) fig.line(x, fl, x + 4, fl, [120, 120, 120]);
    fig.text(p.x0 + W - 40, fl - 10, 'FLOOR', [120, 120, 120]);
    samplers.forEach((s, k) => {
      const pts = rows.filter((r) => r.sampler === s).sort((a, b) => a.nfe - b.nfe);
      for (let i = 0; i < pts.length; i++) {
        const x = p.x0 + lx(pts[i]!.nfe) * W;
        const y = ly(p.value(pts[i]!));
        fig.dot(x, y, COLORS[k % COLORS.length]!, 1, 3);
        if (i > 0) fig.line(p.x0 + lx(pts[i - 1]!.nfe) * W, ly(p.value(pts[i - 1]!)), x, y, COLORS[k % COLORS.length]!);
      }
    });
  }
  samplers.forEach((s, k) => {
    fig.rect(60 + (k % 4) * 260, 420 + Math.floor(k / 4) * 18, 12, 8, COLORS[k % COLORS.length]!);
    fig.text(78 + (k % 4) * 260, 420 + Math.floor(k / 4) * 18, ascii(s));
  });
  fig.save(join(OUT, 'quality.png'));
}

/** Rows: samplers; 20 digits each (0 … 9 twice), pixels in [−1, 1] drawn black on white. */
function digitsGrid(samples: Record<string, Float32Array>, nfe: number): void {
  const names = Object.keys(samples);
  const scale = 2;
  const cell = 28 * scale + 2;
  const fig = new Figure(200 + 20 * cell, 30 + names.length * cell);
  fig.text(10, 8, `SAMPLES AT ABOUT ${nfe} NFE, GUIDANCE ${GUIDANCE}`, [30, 30, 30], 1);
  names.forEach((name, r) => {
    fig.text(6, 30 + r * cell + 24, ascii(name));
    const x = samples[name]!;
    for (let k = 0; k < 20; k++) {
      for (let p = 0; p < 784; p++) {
        const v = 255 * (1 - (Math.min(Math.max(x[k * 784 + p]!, -1), 1) + 1) / 2);
        fig.rect(200 + k * cell + (p % 28) * scale, 30 + r * cell + Math.floor(p / 28) * scale, scale, scale, [v, v, v]);
      }
    }
  });
  fig.save(join(OUT, `grid-${nfe}.png`));
}

await main();
