// Pins what one warm step of each bench workload runs: kernels, GPU dispatches, device → host reads and
// host → device uploads (never times). Kernel lists are the engine's, the same on cpu and wasm without kernel
// overrides (checked on 2026-12-06: these are the `GPU kernels` / `GPU dispatches` columns of
// `npm run bench -- --backends=wasm`). The test script runs it on cpu and on wasm against the same numbers.
// A count that changes fails here: update the pinned count if the change is an intended fusion, and say so.
import * as tf from '@tensorflow/tfjs';
import { linearSchedule, qSample, diffusionLoss, sinusoidalTimestepEmbedding } from '@genmod/diffusion';
import { MultivariateNormalTriL, Uniform } from '@genmod/reparam';
import { describe, expect, it } from 'vitest';
import { countStep, isFreeKernel, type StepCounts } from './counts.js';
import { probes } from './probes.js';
import type { Workload } from './workload.js';
import { adversarialWorkloads } from './workloads/adversarial.js';
import { diffusionWorkloads, ddpmDenoiser } from './workloads/diffusion.js';
import { flowsWorkloads } from './workloads/flows.js';
import { gumbelWorkloads } from './workloads/gumbel.js';
import { vaeWorkloads } from './workloads/vae.js';

const workloads: Workload[] = [...gumbelWorkloads, ...vaeWorkloads, ...flowsWorkloads, ...diffusionWorkloads, ...adversarialWorkloads];

interface Pinned {
  kernels: number;
  dispatches: number;
  reads: number;
  uploads: number;
  uploadBytes: number;
}

/**
 * One warm step as a GPU backend runs it: tfjs's own matMul gradient, no kernel overrides (the test setup
 * installs none; chooseBackend installs none on webgl / webgpu). `dispatches` is the bench's GPU proxy.
 * The one read per step is the workload's own loss readout (`loss.dataSync()` in workloads/*.ts).
 */
const PINNED: Record<string, Pinned> = {
  gumbel_softmax_fwd_bwd_soft: { kernels: 20, dispatches: 14, reads: 1, uploads: 3, uploadBytes: 4194308 },
  gumbel_softmax_fwd_bwd_hard: { kernels: 23, dispatches: 16, reads: 1, uploads: 3, uploadBytes: 4194308 },
  // issue 17: fusedAdam (one kernel per variable), fewer kernels in gumbel / flows / diffusion; before → after in the comments
  vae_gaussian_train_step: { kernels: 330, dispatches: 162, reads: 1, uploads: 25, uploadBytes: 423500 }, // 464 / 296 before
  vae_gumbel_softmax_train_step: { kernels: 251, dispatches: 143, reads: 1, uploads: 12, uploadBytes: 725016 }, // 411 / 303 before
  realnvp_2d_train_step: { kernels: 1326, dispatches: 681, reads: 1, uploads: 88, uploadBytes: 41268 }, // 2578 / 1933 before
  ddpm_2d_train_step: { kernels: 212, dispatches: 109, reads: 1, uploads: 15, uploadBytes: 12392 }, // 402 / 297 before
  wgan_gp_critic_step: { kernels: 352, dispatches: 168, reads: 1, uploads: 35, uploadBytes: 271464 }, // 434 / 250 before
};

/** The probes (probes.ts): one sampler step, the denoiser it calls, the gumbelSoftmax forward. No reads. */
const PINNED_PROBES: Record<string, Pinned> = {
  ddpm_sampler_step: { kernels: 28, dispatches: 28, reads: 0, uploads: 5, uploadBytes: 71688 }, // 32 / 32 before (the DDPM update in one expression)
  ddpm_denoiser: { kernels: 31, dispatches: 29, reads: 0, uploads: 1, uploadBytes: 64 },
  gumbel_softmax_forward: { kernels: 6, dispatches: 6, reads: 0, uploads: 1, uploadBytes: 2097152 },
};

const pick = <K extends keyof Pinned>(c: StepCounts, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, c[k]])) as Pick<Pinned, K>;

function explain(what: string, pinned: object, got: StepCounts): string {
  return (
    `${what}: pinned ${JSON.stringify(pinned)}, measured ${JSON.stringify(pick(got, Object.keys(pinned) as (keyof Pinned)[]))}. ` +
    `Update the pinned count if this is an intended fusion (and say so in the commit). ` +
    `Kernels now: ${JSON.stringify(got.byKernel)}${got.reads ? `; reads from: ${got.readSites.join(' | ')}` : ''}`
  );
}

/** Counts one warm step of a workload (setup, one warm-up step, one counted step, dispose). */
async function countWorkload(w: Workload): Promise<StepCounts> {
  const state = w.setup();
  try {
    state.step(0);
    return await countStep(() => state.step(1));
  } finally {
    state.dispose();
  }
}

describe('countStep', () => {
  it('counts kernels and leaves the free ones (Reshape, Identity, loss-free Cast) out of the dispatches', async () => {
    const a = tf.tensor1d([1, 2, 3, 4]);
    const i = tf.tensor1d([1, 2, 3, 4], 'int32');
    const c = await countStep(() => {
      const y = tf.add(a, a); // dispatch
      const r = tf.reshape(y, [2, 2]); // free
      const k = tf.clone(r); // Identity: free
      const f = tf.cast(i, 'float32'); // int32 → float32: free
      const n = tf.cast(a, 'int32'); // float32 → int32: loses precision, a dispatch
      tf.dispose([y, r, k, f, n]);
    });
    expect(c.kernels).toBe(5);
    expect(c.dispatches).toBe(2);
    expect(c.byKernel).toEqual({ Cast: 2, Add: 1, Identity: 1, Reshape: 1 });
    tf.dispose([a, i]);
  });

  it('does not count customGrad and scope entries as kernels', async () => {
    const f = tf.customGrad(((x: tf.Tensor) => ({ value: tf.exp(x), gradFunc: (dy: tf.Tensor) => dy })) as unknown as Parameters<typeof tf.customGrad>[0]);
    const x = tf.tensor1d([0, 1]);
    const c = await countStep(() => tf.dispose(tf.tidy('scope', () => f(x))));
    expect(c.byKernel).toEqual({ Exp: 1 });
    x.dispose();
  });

  it('counts dataSync, arraySync, data and array as reads, with their call sites, and host → device uploads with bytes', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const c = await countStep(async () => {
      x.dataSync();
      x.arraySync();
      await x.data();
      await x.array();
      tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]).dispose(); // 6 float32 = 24 bytes
      tf.add(x, 1).dispose(); // the scalar 1: 4 bytes
    });
    expect(c.reads).toBe(4);
    expect(c.readSites).toHaveLength(4);
    // the synchronous ones and data() name this file; array() awaits data() inside tfjs, which leaves no caller frame
    for (const s of c.readSites.slice(0, 3)) expect(s).toMatch(/counts\.test\.ts/);
    expect(c.uploads).toBe(2);
    expect(c.uploadBytes).toBe(28);
    expect(c.kernels).toBe(1);
    x.dispose();
  });

  it('restores the engine it wraps and leaks nothing', async () => {
    const engine = tf.engine() as unknown as Record<string, unknown>;
    const before = ['runKernel', 'readSync', 'read', 'readToGPU', 'makeTensor'].map((k) => [engine[k], Object.prototype.hasOwnProperty.call(engine, k)]);
    const n = tf.memory().numTensors;
    await expect(countStep(() => { throw new Error('boom'); })).rejects.toThrow('boom');
    await countStep(() => tf.dispose(tf.add(1, 2)));
    expect(['runKernel', 'readSync', 'read', 'readToGPU', 'makeTensor'].map((k) => [engine[k], Object.prototype.hasOwnProperty.call(engine, k)])).toEqual(before);
    expect(tf.memory().numTensors).toBe(n);
  });

  it('isFreeKernel follows the GPU backends: Cast is free only without encoding loss', () => {
    expect(isFreeKernel('Reshape')).toBe(true);
    expect(isFreeKernel('Identity')).toBe(true);
    expect(isFreeKernel('Cast', ['bool', 'float32'])).toBe(true);
    expect(isFreeKernel('Cast', ['float32', 'float32'])).toBe(true);
    expect(isFreeKernel('Cast', ['float32', 'int32'])).toBe(false);
    expect(isFreeKernel('Cast', ['int32', 'bool'])).toBe(false);
    expect(isFreeKernel('Slice')).toBe(false);
  });
});

describe('pinned counts per workload step (cpu; the same kernel lists as wasm)', () => {
  it('pins every workload the bench runs, and nothing else', () => {
    expect(Object.keys(PINNED).sort()).toEqual(workloads.map((w) => w.name).sort());
    expect(Object.keys(PINNED_PROBES).sort()).toEqual(probes.map((p) => p.name).sort());
  });

  it.each(workloads.map((w) => [w.name, w] as const))('%s: kernels, dispatches, reads and uploads of one step', async (name, w) => {
    const c = await countWorkload(w);
    const pinned = PINNED[name]!;
    expect(pick(c, ['kernels', 'dispatches', 'reads', 'uploads', 'uploadBytes']), explain(name, pinned, c)).toEqual(pinned);
    // every read is the workload's own loss readout, none comes from a package
    for (const site of c.readSites) expect(site).toMatch(/^Object\.step \(bench\/src\/workloads\//);
  });

  it.each(probes.map((p) => [p.name, p] as const))('probe %s: kernels, dispatches, reads and uploads of one call', async (name, p) => {
    const n = tf.memory().numTensors;
    const state = await p.setup();
    let c: StepCounts;
    try {
      c = await countStep(() => state.run());
    } finally {
      await state.dispose();
    }
    expect(tf.memory().numTensors).toBe(n);
    const pinned = PINNED_PROBES[name]!;
    expect(pick(c, ['kernels', 'dispatches', 'reads', 'uploads', 'uploadBytes']), explain(`probe ${name}`, pinned, c)).toEqual(pinned);
  });
});

/**
 * Calls on training and sampling paths that read back from the device today, pinned so that removing a read
 * shows (update the count to 0 when it goes). Each is a validation read: a GPU sync per call.
 */
describe('read census: package calls that read back (pinned; 0 is the goal)', () => {
  const schedule = linearSchedule(1000);
  const cases: [string, number, () => unknown][] = [
    // checkTimesteps reads an int32 tensor t for its range check
    ['qSample(x0, t: tensor, schedule)', 1, () => tf.tidy(() => qSample(tf.zeros([8, 2]), tf.fill([8], 5, 'int32'), schedule, { seed: 1 }))],
    ['diffusionLoss(..., { t: tensor })', 1, () => tf.tidy(() => diffusionLoss((x) => tf.zerosLike(x), tf.zeros([8, 2]), schedule, { seed: 1, t: tf.fill([8], 5, 'int32') }))],
    ['diffusionLoss(...) drawing t itself', 0, () => tf.tidy(() => diffusionLoss((x) => tf.zerosLike(x), tf.zeros([8, 2]), schedule, { seed: 1 }))],
    ['sinusoidalTimestepEmbedding(t: tensor, 32)', 0, () => tf.tidy(() => sinusoidalTimestepEmbedding(tf.fill([8], 5, 'int32'), 32))],
    // the constructors validate tensor parameters on the host (readMin / the scale's diagonal and upper triangle)
    ['new Uniform({ low, high }) with tensors', 1, () => tf.tidy(() => new Uniform({ low: tf.zeros([8]), high: tf.ones([8]) }).dispose())],
    ['new MultivariateNormalTriL({ loc, scaleTril }) with tensors', 2, () => tf.tidy(() => new MultivariateNormalTriL({ loc: tf.zeros([8, 2]), scaleTril: tf.eye(2) }).dispose())],
  ];

  it.each(cases)('%s: %i read(s)', async (what, reads, call) => {
    const c = await countStep(() => {
      const out = call();
      if (out instanceof tf.Tensor) out.dispose();
    });
    expect(c.reads, `${what}: pinned ${reads} read(s), measured ${c.reads} (${c.readSites.join(' | ')}). Update the pinned count if a read was removed on purpose.`).toBe(reads);
  });

  it('the ddpm workload denoiser reads nothing', async () => {
    const m = ddpmDenoiser();
    const c = await countStep(() => tf.dispose(tf.tidy(() => m.denoiser(tf.zeros([4, 2]), tf.fill([4], 3, 'int32')))));
    m.dispose();
    expect(c.reads).toBe(0);
  });
});
