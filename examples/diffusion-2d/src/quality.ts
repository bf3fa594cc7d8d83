/**
 * Sample quality against the number of network evaluations (NFE) on 2-D data, for DDPM, DDIM,
 * DPM-Solver++(2M), Euler and Heun on one ε-prediction denoiser and for Euler and Heun on one flow-matching
 * velocity field (samplers.ts says how each spends its evaluations).
 *
 * For each dataset: trains the two networks (the same MLP, the same training budget: steps, batch, Adam and
 * its learning rate, the same minibatches in the same order), then for each sampler and NFE draws N samples
 * from R starting noises (the same noises for every sampler: common random numbers) and measures, against
 * N held-out data points,
 *   - the sliced Wasserstein-2 distance (200 fixed random directions, the same for every cell), and
 *   - MMD² (unbiased) with the Gaussian kernel of bandwidth h = 0.2 (the data are standardized), on the first
 *     1000 points of each side (the Gram matrices of all N + N points would dominate the run),
 * each as the mean ± standard error over the R repeats, and the floor of each: a fresh draw of the data
 * itself against the held-out points.
 *
 * Writes out/quality.md (the tables), out/quality.json (every number) and out/quality.png (the plot).
 * Run: npm run quality  (flags: --backend=wasm|cpu, --quick for a smoke run, --steps=N training steps,
 *   --repeats=R, --datasets=moons,checkerboard, --nfe=5,10,20, --all-at-1000 every sampler at NFE 1000,
 *   --readme to write the tables into README.md)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { normalNoise } from '@genmod-internal/core';
import { diffusionLoss, flowMatchingLoss, linearSchedule } from '@genmod/diffusion';
import { mmd, rbfKernel, slicedWasserstein } from '@genmod/divergences';
import { BATCH, DATASETS, HIDDEN, LEARNING_RATE, N_DATA, TEMB, makeMlp, train, type Dataset } from './models.js';
import { SAMPLERS, counted, stepsFor, type Models, type SamplerSpec } from './samplers.js';
import { plotQuality } from './quality-plot.js';
import { estimate, fmt, type Cell, type DatasetResult, type Row } from './results.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const list = (s: string | undefined) => s?.split(',').filter((v) => v !== '');

const TRAIN_STEPS = Number(flag('steps') ?? (quick ? 600 : 3000));
const N = quick ? 500 : 2000;
const R = Number(flag('repeats') ?? (quick ? 2 : 5));
const NFES = (list(flag('nfe')) ?? (quick ? ['5', '10', '20', '100'] : ['5', '10', '20', '50', '100', '1000'])).map(Number);
const DATASET_NAMES = list(flag('datasets')) ?? (quick ? ['moons'] : DATASETS.map((d) => d.name));
const PROJECTIONS = 200;
const BANDWIDTH = 0.2;
const MMD_POINTS = Math.min(1000, N);
/** budgets ≥ 1000 cost most of the run: there only the reference of each model (its 1000-step chain, DDIM and the flow's Euler) unless --all-at-1000 */
const LARGE_BUDGET = 1000;
const AT_LARGE_BUDGET = args.includes('--all-at-1000') ? undefined : new Set(['DDPM', 'DDIM', 'Flow matching, Euler']);
const timing = { sampling: 0, metrics: 0 };

async function runDataset(dataset: Dataset, directions: tf.Tensor): Promise<DatasetResult> {
  const data = tf.tensor2d(dataset.sample(N_DATA, 1));
  const heldOutPoints = dataset.sample(N, 2);
  const heldOut = tf.tensor2d(heldOutPoints);
  const heldOutMmd = tf.slice(heldOut, [0, 0], [MMD_POINTS, 2]);
  const kernel = rbfKernel({ bandwidth: BANDWIDTH });
  const distances = (x: tf.Tensor) =>
    tf.tidy(() => {
      const sw = slicedWasserstein(x, heldOut, { directions }).dataSync()[0]!;
      const m = mmd(tf.slice(x, [0, 0], [MMD_POINTS, 2]), heldOutMmd, { kernel }).dataSync()[0]!;
      return { sw, m };
    });

  // the floor: fresh draws of the data against the same held-out points
  const floorSw: number[] = [];
  const floorMmd: number[] = [];
  for (let r = 0; r < R; r++) {
    const fresh = tf.tensor2d(dataset.sample(N, 1000 + r));
    const { sw, m } = distances(fresh);
    fresh.dispose();
    floorSw.push(sw);
    floorMmd.push(m);
  }
  const floor = { sw2: estimate(floorSw), mmd2: estimate(floorMmd) };
  console.log(`${dataset.name}: data vs data floor  SW2 ${fmt(floor.sw2)}   MMD² ${fmt(floor.mmd2, 1e3)}e-3`);

  // the two networks, the same budget
  const schedule = linearSchedule(1000);
  const eps = makeMlp();
  const vel = makeMlp(1000);
  const budget = { steps: TRAIN_STEPS, log: quick ? undefined : `${dataset.name} ` };
  const trainedDiffusion = train((x0, step) => diffusionLoss(eps.net, x0, schedule, { seed: step }), eps.vars, data, { ...budget, log: budget.log && `${budget.log}ε-model` });
  console.log(`${dataset.name}: ε-prediction denoiser trained, ${TRAIN_STEPS} steps in ${trainedDiffusion.seconds.toFixed(1)} s (loss EMA ${trainedDiffusion.loss.toFixed(4)})`);
  let trainedFlow: { seconds: number; loss: number } | undefined;
  let flowError: string | undefined;
  try {
    trainedFlow = train((x1, step) => flowMatchingLoss(vel.net, x1, { seed: step }), vel.vars, data, { ...budget, log: budget.log && `${budget.log}flow` });
    console.log(`${dataset.name}: velocity field trained, ${TRAIN_STEPS} steps in ${trainedFlow.seconds.toFixed(1)} s (loss EMA ${trainedFlow.loss.toFixed(4)})`);
  } catch (e) {
    flowError = (e as Error).message;
    console.log(`${dataset.name}: no flow-matching model (${flowError})`);
  }

  const denoiser = counted(eps.net);
  const velocity = counted(vel.net);
  const models: Models = { denoiser: denoiser.fn, schedule, velocity: velocity.fn };
  const noises = Array.from({ length: R }, (_, r) => normalNoise([N, 2], `quality-${dataset.name}`, 'x_T', r));
  const rows: Row[] = [];
  const samples: DatasetResult['samples'] = {};
  for (const spec of SAMPLERS) {
    const row: Row = { label: spec.label, model: spec.model, cells: [] };
    rows.push(row);
    samples[spec.label] = {};
    if (spec.model === 'flow' && flowError !== undefined) {
      row.error = `no flow-matching model: ${flowError}`;
      continue;
    }
    const counter = spec.model === 'flow' ? velocity : denoiser;
    try {
      for (const b of NFES) if (b < LARGE_BUDGET || !AT_LARGE_BUDGET || AT_LARGE_BUDGET.has(spec.label)) row.cells.push(await runCell(spec, b, models, counter, noises, distances, (pts) => (samples[spec.label]![b] = pts)));
    } catch (e) {
      row.error = (e as Error).message;
    }
    const tail = row.cells.map((c) => `${c.nfe}: ${fmt(c.sw2)} (${c.seconds.toFixed(2)} s)`).join('  ');
    console.log(`${dataset.name}: ${spec.label.padEnd(22)} SW2 ${tail}${row.error ? `  (${row.error})` : ''}`);
  }
  tf.dispose([data, heldOut, heldOutMmd, ...noises, ...eps.vars, ...vel.vars]);
  schedule.dispose();
  return {
    name: dataset.name,
    label: dataset.label,
    floor,
    rows,
    training: { diffusion: trainedDiffusion, ...(trainedFlow ? { flow: trainedFlow } : {}), ...(flowError ? { flowError } : {}) },
    samples,
    heldOut: heldOutPoints,
  };
}

async function runCell(
  spec: SamplerSpec,
  budget: number,
  models: Models,
  counter: { calls: () => number; reset: () => void },
  noises: tf.Tensor[],
  distances: (x: tf.Tensor) => { sw: number; m: number },
  keep: (points: number[][]) => void,
): Promise<Cell> {
  const steps = stepsFor(spec, budget);
  const sw: number[] = [];
  const m: number[] = [];
  let nfe = -1;
  let seconds = 0;
  for (let r = 0; r < noises.length; r++) {
    counter.reset();
    const t0 = performance.now();
    const x = await spec.run(models, steps, noises[r]!, 100 + r);
    x.dataSync();
    seconds += (performance.now() - t0) / 1000;
    timing.sampling += (performance.now() - t0) / 1000;
    if (nfe >= 0 && counter.calls() !== nfe) throw new Error(`${spec.label}: ${counter.calls()} network calls in repeat ${r}, ${nfe} before`);
    nfe = counter.calls();
    const t1 = performance.now();
    const d = distances(x);
    timing.metrics += (performance.now() - t1) / 1000;
    sw.push(d.sw);
    m.push(d.m);
    if (r === 0) keep(x.arraySync() as number[][]);
    x.dispose();
  }
  if (nfe !== spec.nfeOf(steps)) console.warn(`${spec.label}: ${steps} steps took ${nfe} network calls, not the ${spec.nfeOf(steps)} expected`);
  return { budget, steps, nfe, sw2: estimate(sw), mmd2: estimate(m), seconds: seconds / noises.length };
}

function markdown(results: DatasetResult[], meta: Record<string, string>): string {
  const out: string[] = [];
  out.push(`Measured ${meta.date} on ${meta.machine}, backend ${meta.backend}; ${meta.elapsed}.`);
  out.push('');
  out.push(`Both networks: MLP ${HIDDEN}×3 (SiLU) + sinusoidal-${TEMB} time embedding, ${TRAIN_STEPS} Adam steps (lr ${LEARNING_RATE}) of batch ${BATCH} from ${N_DATA} training points, the same minibatches; ` + `N = ${N} samples per repeat, R = ${R} repeats (mean ± standard error over the repeats), against ${N} held-out points.`);
  for (const res of results) {
    for (const [metric, key, scale, what] of [
      ['SW2', 'sw2', 1, `sliced Wasserstein-2 (${PROJECTIONS} fixed directions)`],
      ['MMD² ×10³', 'mmd2', 1e3, `MMD² ×10³ (unbiased, Gaussian kernel h = ${BANDWIDTH}, ${MMD_POINTS} vs ${MMD_POINTS} points)`],
    ] as const) {
      out.push('');
      out.push(`#### ${res.label}: ${what}, lower is better`);
      out.push('');
      out.push(`| sampler | ${NFES.map((b) => `NFE ${b}`).join(' | ')} |`);
      out.push(`|---|${NFES.map(() => '---|').join('')}`);
      for (const row of res.rows) {
        const cells = NFES.map((b) => {
          const c = row.cells.find((x) => x.budget === b);
          if (!c) return row.error ? 'n/a' : '—';
          return `${fmt(c[key], scale)}${c.nfe !== b ? ` [${c.nfe}]` : ''}`;
        });
        out.push(`| ${row.label} | ${cells.join(' | ')} |`);
      }
      out.push(`| *data vs fresh data (floor)* | ${fmt(res.floor[key], scale)} |${NFES.slice(1).map(() => ' |').join('')}`);
      void metric;
    }
    const missing = res.rows.filter((r) => r.error);
    if (missing.length) {
      out.push('');
      for (const r of missing) out.push(`- ${r.label}: ${r.error}`);
    }
  }
  out.push('');
  if (AT_LARGE_BUDGET && NFES.some((b) => b >= LARGE_BUDGET)) out.push(`—: not run (NFE ${LARGE_BUDGET} only for ${[...AT_LARGE_BUDGET].join(', ')}: the discretization-converged reference of each network; --all-at-1000 runs every sampler there).`);
  out.push('[k]: the exact NFE (network calls, counted) where it differs from the column\'s budget: Heun takes 2 per step (the diffusion Heun one fewer: its last step, to σ = 0, is an Euler step), so it gets the most steps that fit the budget.');
  return out.join('\n');
}

async function main() {
  const t0 = performance.now();
  const choice = await chooseBackendFromArgs();
  const datasets = DATASET_NAMES.map((name) => {
    const d = DATASETS.find((x) => x.name === name);
    if (!d) throw new Error(`--datasets: unknown dataset "${name}" (have ${DATASETS.map((x) => x.name).join(', ')})`);
    return d;
  });
  console.log(`quality per NFE: ${datasets.map((d) => d.name).join(', ')}; NFE ${NFES.join(', ')}; N = ${N}, R = ${R}, ${TRAIN_STEPS} training steps${quick ? ' (--quick)' : ''}`);
  const directions = normalNoise([PROJECTIONS, 2], 'quality', 'directions');
  const results: DatasetResult[] = [];
  for (const d of datasets) results.push(await runDataset(d, directions));
  directions.dispose();

  const elapsed = (performance.now() - t0) / 1000;
  const meta = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'} (Node ${process.versions.node}; load average ${loadavg()[2]!.toFixed(1)} over the last 15 min: other jobs share the cores when it exceeds ${cpus().length})`,
    backend: choice.active,
    elapsed: `${(elapsed / 60).toFixed(1)} min in all${quick ? ' (--quick: a smoke run, not the measurement)' : ''}`,
  };
  const table = markdown(results, meta);
  console.log(`\n${table}\n`);
  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'quality.md'), `${table}\n`);
  const json = results.map(({ samples: _s, heldOut: _h, ...r }) => r);
  writeFileSync(join(outDir, 'quality.json'), `${JSON.stringify({ meta, nfe: NFES, n: N, repeats: R, trainSteps: TRAIN_STEPS, projections: PROJECTIONS, bandwidth: BANDWIDTH, mmdPoints: MMD_POINTS, results: json }, null, 1)}\n`);
  const png = join(outDir, 'quality.png');
  plotQuality(png, results, { nfes: NFES, bandwidth: BANDWIDTH, subtitle: `${meta.date}, ${choice.active}, N = ${N}, R = ${R}, ${TRAIN_STEPS} TRAINING STEPS EACH` });
  if (args.includes('--readme')) {
    // the measured tables into README.md, between its quality:start / quality:end markers
    const readme = join(outDir, '..', 'README.md');
    const text = readFileSync(readme, 'utf8');
    const [start, end] = ['<!-- quality:start -->', '<!-- quality:end -->'];
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`--readme: no ${start} … ${end} section in ${readme}`);
    writeFileSync(readme, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
    console.log(`tables written into ${readme}`);
  }
  console.log(`time: ${timing.sampling.toFixed(0)} s sampling, ${timing.metrics.toFixed(0)} s distances, ${elapsed.toFixed(0)} s in all`);
  console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
  console.log(`wrote ${join(outDir, 'quality.md')}, quality.json, quality.png (${meta.elapsed})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
