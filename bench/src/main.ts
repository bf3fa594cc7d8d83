/**
 * genmod benchmarks: each package's real workload on the Node backends (wasm, cpu) beside the PyTorch CPU
 * peer (../shared/peer/bench_torch.py), in the same run, printing median ms/step and the ratio to PyTorch.
 *
 *   npm run bench -- [--backends=wasm,cpu | --backend=NAME] [--iters=50] [--warmup=10] [--budget=30] [--only=gumbel]
 *                    [--matmul-gradient=both|fast|tfjs] [--probes=true|false] [--tfjs-adam] [--threads=1]
 *
 * Each workload runs up to `warmup` untimed steps (at least 2, at most a third of the budget), then timed steps until `iters` are done or `budget` seconds have
 * passed (at least 5): the cpu backend is slow enough on the larger workloads to need the cap.
 *
 * On wasm, apps run with the explicit-transpose matMul gradient that chooseBackend installs
 * (enableFastMatMulGradient in @genmod/backend; tfjs's own is 10–20× slower there). `--matmul-gradient=both`
 * (the default) times each wasm workload both ways in one process, alternating steps between the two so that
 * machine noise hits both alike: row `wasm` (as apps run) and row `wasm/tfjs-grad` (tfjs's own gradient).
 * `fast` or `tfjs` times one way only. On cpu the two are the same computation, so cpu gets one row.
 *
 * Beside the times, each row gives what one warm step of that row runs (counts.ts, measured with tf.profile after
 * the timed steps): kernels, device → host reads and host → device uploads, as the row ran them (with the kernel
 * overrides chooseBackend installs on that backend). `GPU dispatches` is the GPU proxy of the workload, the same
 * for its rows: one more warm step run as a GPU backend runs it (tfjs's own matMul gradient, no kernel overrides:
 * chooseBackend installs none on webgl / webgpu), its kernels minus the free Reshape, Identity and loss-free Cast
 * (counts.ts, FREE_KERNELS): the dispatches a WebGPU backend would issue.
 * Then the probes (probes.ts: one DDPM sampler step, its denoiser, the gumbelSoftmax forward) are counted, not timed.
 *
 * GENMOD_TORCH_PEER: path of the peer script (default ../shared/peer/bench_torch.py beside the checkout).
 * GENMOD_PYTHON: the interpreter (default /usr/bin/python3, Debian's, which sees Debian's python3-torch).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { backendListFromArgs, chooseNodeBackend, enableFastMatMulGradient, type NodeBackendName as BackendName } from '@genmod/backend/node';
import type { Workload } from './workload.js';
import { tfjsAdam } from './optimizer.js';
import { countStep, FREE_KERNELS, type StepCounts } from './counts.js';
import { probes } from './probes.js';
import { diffusionWorkloads } from './workloads/diffusion.js';
import { flowsWorkloads } from './workloads/flows.js';
import { gumbelWorkloads } from './workloads/gumbel.js';
import { vaeWorkloads } from './workloads/vae.js';
import { adversarialWorkloads } from './workloads/adversarial.js';

const workloads: Workload[] = [...gumbelWorkloads, ...vaeWorkloads, ...flowsWorkloads, ...diffusionWorkloads, ...adversarialWorkloads];

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const iters = Number(arg('iters', '50'));
const warmup = Number(arg('warmup', '10'));
const only = arg('only', '');
const budgetMs = 1000 * Number(arg('budget', '30'));
// --backends=wasm,cpu, or the single --backend=NAME / GENMOD_BACKEND every app takes
const backends = backendListFromArgs();
const matMulGradient = arg('matmul-gradient', 'both');
const runProbes = arg('probes', 'true') !== 'false';
// wasm's threads (chooseBackend's `threads`, applied when wasm first starts in this process)
const threads = Number(arg('threads', '1'));
if (!Number.isInteger(threads) || threads < 1 || threads > 8) throw new Error(`--threads must be an integer from 1 to 8, got "${arg('threads', '1')}"`);
/** chooseNodeBackend with the run's wasm threads. */
const choose = (backend: BackendName, options: Parameters<typeof chooseNodeBackend>[1] = {}) => chooseNodeBackend(backend, { ...options, ...(backend === 'wasm' ? { threads } : {}) });
if (!['both', 'fast', 'tfjs'].includes(matMulGradient)) throw new Error(`--matmul-gradient must be both, fast or tfjs, got "${matMulGradient}"`);
const selected = workloads.filter((w) => !only || only.split(',').some((p) => w.name.startsWith(p)));
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Timing {
  median: number;
  p10: number;
  p90: number;
  iterations?: number;
  /** what one warm step of this row runs (absent for the peer) */
  counts?: StepCounts;
}

function quantiles(times: number[]): Timing {
  const s = [...times].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.round(p * (s.length - 1)))]!;
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median, p10: q(0.1), p90: q(0.9), iterations: s.length };
}

function runPeer(): { results: Map<string, Timing>; note: string } {
  const results = new Map<string, Timing>();
  const script = process.env.GENMOD_TORCH_PEER ?? join(root, '..', 'shared', 'peer', 'bench_torch.py');
  const python = process.env.GENMOD_PYTHON ?? '/usr/bin/python3';
  if (!existsSync(script)) return { results, note: `PyTorch peer skipped: no script at ${script} (set GENMOD_TORCH_PEER)` };
  if (!existsSync(python)) return { results, note: `PyTorch peer skipped: no interpreter at ${python} (apt-get install -y python3-torch; or set GENMOD_PYTHON)` };
  const prefixes = [...new Set(selected.map((w) => w.name))].join(',');
  const r = spawnSync(python, [script, '--iters', String(iters), '--warmup', String(warmup), '--only', prefixes], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = (r.stderr || '').trim().split('\n').pop();
    return { results, note: `PyTorch peer skipped: ${python} ${script} failed (${why}). Install Debian's torch: apt-get install -y python3-torch python3-scipy python3-numpy` };
  }
  let meta = '';
  for (const line of r.stdout.trim().split('\n')) {
    try {
      const rec = JSON.parse(line);
      results.set(rec.workload, { median: rec.median_ms, p10: rec.p10_ms, p90: rec.p90_ms });
      meta = `torch ${rec.torch}, ${rec.threads} threads, python ${rec.python}`;
    } catch {
      /* not a result line */
    }
  }
  return { results, note: `PyTorch peer: ${meta || 'no result lines'}` };
}

/** The rows timed on a backend: `fast` = with enableFastMatMulGradient (as chooseBackend sets apps up). */
function variantsFor(backend: BackendName): { label: string; fast: boolean }[] {
  if (backend !== 'wasm') return [{ label: backend, fast: true }];
  const both = [
    { label: backend, fast: true },
    { label: `${backend}/tfjs-grad`, fast: false },
  ];
  return matMulGradient === 'both' ? both : both.filter((v) => v.fast === (matMulGradient === 'fast'));
}

async function timeOurs(backend: BackendName): Promise<Map<string, Map<string, Timing>>> {
  const out = new Map<string, Map<string, Timing>>();
  const variants = variantsFor(backend);
  for (const v of variants) out.set(v.label, new Map());
  // start from tfjs's own gradient; the fast one is switched on around each of its steps
  const choice = await choose(backend, { fastMatMulGradient: false });
  if (backend === 'wasm') console.log(`wasm: ${choice.threads} thread${choice.threads === 1 ? '' : 's'}${choice.details.length ? ` (${choice.details.join('; ')})` : ''}`);
  const stepWith = (fast: boolean, step: () => void) => {
    const restore = fast ? enableFastMatMulGradient() : () => {};
    try {
      step();
    } finally {
      restore();
    }
  };
  for (const w of selected) {
    const states = variants.map(() => w.setup());
    const warmStart = performance.now();
    for (let i = 0; i < warmup && (i < 2 || performance.now() - warmStart < budgetMs / 3); i++) {
      variants.forEach((v, j) => stepWith(v.fast, () => states[j]!.step(i)));
    }
    const times: number[][] = variants.map(() => []);
    const start = performance.now();
    for (let i = 0; i < iters && (i < 5 || performance.now() - start < budgetMs); i++) {
      // alternate which variant goes first, so that neither always runs right after the other
      const order = variants.map((_, j) => (i % 2 ? variants.length - 1 - j : j));
      for (const j of order) {
        stepWith(variants[j]!.fast, () => {
          const t0 = performance.now();
          states[j]!.step(warmup + i);
          times[j]!.push(performance.now() - t0);
        });
      }
    }
    // one more (warm, untimed) step per variant, profiled: kernels, dispatches, reads, uploads
    const counts: StepCounts[] = [];
    for (const [j, v] of variants.entries()) {
      const restore = v.fast ? enableFastMatMulGradient() : () => {};
      try {
        counts.push(await countStep(() => states[j]!.step(warmup + iters)));
      } finally {
        restore();
      }
    }
    states.forEach((s) => s.dispose());
    variants.forEach((v, j) => out.get(v.label)!.set(w.name, { ...quantiles(times[j]!), counts: counts[j] }));
  }
  await choose(backend); // leave the backend as apps run it
  return out;
}

/**
 * The GPU proxy of each selected workload on a backend: one warm step with tfjs's own matMul gradient and
 * without kernel overrides (as chooseBackend sets up webgl / webgpu), counted.
 */
async function countGpuProxy(backend: BackendName): Promise<Map<string, StepCounts>> {
  await choose(backend, { fastMatMulGradient: false, kernelOverrides: false });
  const out = new Map<string, StepCounts>();
  try {
    for (const w of selected) {
      const state = w.setup();
      try {
        state.step(0);
        out.set(w.name, await countStep(() => state.step(1)));
      } finally {
        state.dispose();
      }
    }
  } finally {
    await choose(backend); // leave the backend as apps run it
  }
  return out;
}

/** Each probe's counts on a backend (one call after a warm-up call), set up as a GPU backend runs (no overrides). */
async function countProbes(backend: BackendName): Promise<Map<string, StepCounts>> {
  await choose(backend, { fastMatMulGradient: false, kernelOverrides: false });
  const out = new Map<string, StepCounts>();
  try {
    for (const p of probes) {
      const state = await p.setup();
      try {
        out.set(p.name, await countStep(() => state.run()));
      } finally {
        await state.dispose();
      }
    }
  } finally {
    await choose(backend);
  }
  return out;
}

function printTable(rows: string[][]) {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
    if (i === 0) console.log(widths.map((n) => '-'.repeat(n)).join('  '));
  }
}

async function main() {
  console.log(`genmod bench: ${selected.length} workload(s), ${warmup} warm-up + ${iters} timed iterations each, backends ${backends.join(', ')}`);
  console.log(`optimizer: ${tfjsAdam ? 'tf.train.adam (--tfjs-adam)' : "@genmod/backend's fusedAdam (one kernel per variable; --tfjs-adam for tf.train.adam)"}`);
  const peer = runPeer();
  console.log(peer.note);
  const ours = new Map<string, Map<string, Timing>>();
  for (const b of backends) for (const [label, m] of await timeOurs(b)) ours.set(label, m);
  const gpuProxy = new Map<string, Map<string, StepCounts>>();
  for (const b of backends) gpuProxy.set(b, await countGpuProxy(b));
  const probeCounts = new Map<string, Map<string, StepCounts>>();
  if (runProbes) for (const b of backends) probeCounts.set(b, await countProbes(b));
  // the peer once more after ours, so that a drift of the machine's speed shows
  const peerAfter = peer.results.size ? runPeer().results : new Map<string, Timing>();

  const rows: string[][] = [['workload', 'backend', 'median ms', 'p10-p90 ms', 'timed steps', 'torch median ms', 'ratio (ours / torch)', 'kernels', 'reads', 'uploads', 'GPU kernels', 'GPU dispatches']];
  const records: unknown[] = [];
  for (const w of selected) {
    const t = peer.results.get(w.name);
    const t2 = peerAfter.get(w.name);
    const torchMedian = t && t2 ? (t.median + t2.median) / 2 : t?.median;
    for (const [b, m] of ours) {
      const o = m.get(w.name)!;
      const ratio = torchMedian ? o.median / torchMedian : undefined;
      const c = o.counts!;
      const gpu = gpuProxy.get(b.split('/')[0]!)!.get(w.name)!;
      rows.push([w.name, b, o.median.toFixed(2), `${o.p10.toFixed(2)}-${o.p90.toFixed(2)}`, String(o.iterations), torchMedian ? torchMedian.toFixed(2) : 'n/a', ratio ? `${ratio.toFixed(2)}x` : 'n/a', String(c.kernels), String(c.reads), `${c.uploads} (${(c.uploadBytes / 1024).toFixed(0)} KiB)`, String(gpu.kernels), String(gpu.dispatches)]);
      records.push({ workload: w.name, backend: b, ...o, torchMedian, torchBefore: t?.median, torchAfter: t2?.median, ratio, gpuProxy: gpu });
    }
  }
  printTable(rows);
  console.log('ratio > 1: slower than PyTorch on the same machine in the same run (torch median = mean of its runs before and after ours).');
  console.log('kernels, reads, uploads: one warm step of that row as it ran (tf.profile; the wasm row with the explicit-transpose matMul gradient and the overrides chooseBackend installs).');
  console.log(`GPU kernels / dispatches: one warm step as a GPU backend runs it (tfjs's matMul gradient, no overrides); dispatches = kernels − free ones (${FREE_KERNELS.join(', ')}).`);
  const probeRecords: unknown[] = [];
  if (probeCounts.size) {
    const prow: string[][] = [['probe (counted, not timed)', 'backend', 'kernels', 'dispatches', 'reads', 'uploads']];
    for (const p of probes) {
      for (const [b, m] of probeCounts) {
        const c = m.get(p.name)!;
        prow.push([p.name, b, String(c.kernels), String(c.dispatches), String(c.reads), `${c.uploads} (${(c.uploadBytes / 1024).toFixed(0)} KiB)`]);
        probeRecords.push({ probe: p.name, description: p.description, backend: b, counts: c });
      }
    }
    console.log('');
    printTable(prow);
  }
  const readSites = [...new Set([...ours.values()].flatMap((m) => [...m.values()].flatMap((o) => o.counts?.readSites ?? [])))];
  if (readSites.length) console.log(`\nreads came from:\n  ${readSites.join('\n  ')}`);
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify({ date: new Date().toISOString(), iters, warmup, wasmThreads: threads, tfjs: tf.version.tfjs, freeKernels: FREE_KERNELS, records, probes: probeRecords }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
