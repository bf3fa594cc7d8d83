// Kernel counts of a DDPM / DDIM sampler step and of the timestep embedding inside a denoiser (issue 17,
// "fewer kernels in our own code"), pinned on the cpu backend's tf.profile kernel list with the before/after
// in each comment; counts, never times. The denoiser here is one Multiply, so a step's list is that Multiply
// plus the sampler's own kernels. Also: no read back from the device anywhere in a sampling run.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { deriveSeed } from '@genmod-internal/core';
import { expectClose } from '@genmod-internal/testing';
import { uniformTimesteps } from './internal/timesteps.js';
import { ddimSample, ddpmSample, eulerSample, finalSample, karrasSigmas, linearSchedule, linspaceTimesteps, respace, sinusoidalTimestepEmbedding, type SamplerStep } from './index.js';

const base = linearSchedule(1000);
const schedule = respace(base, linspaceTimesteps(1000, 10));
afterAll(() => {
  base.dispose();
  schedule.dispose();
});
const half = (x: tf.Tensor) => tf.mul(x, 0.5);
const onCpu = tf.getBackend() === 'cpu';

/** The kernel names of the second step of a sampler (the first also draws x_T). */
async function stepKernels(gen: AsyncGenerator<SamplerStep, tf.Tensor, void>): Promise<string[]> {
  await gen.next();
  const names = (await tf.profile(async () => void (await gen.next()))).kernels.map((k) => k.name);
  let r = await gen.next();
  while (!r.done) r = await gen.next();
  r.value.dispose();
  return names;
}

describe('sampler step kernels (cpu profile)', () => {
  it.runIf(onCpu)('DDPM, ε-prediction: the denoiser plus 3 (two products and one AddN; σ·z drawn scaled, x̂₀ only if read)', async () => {
    // before: Fill, [denoiser], Multiply, Sub, Multiply (x̂₀), Multiply, Multiply, Add (mean), Multiply, Add (noise):
    // the denoiser plus 9. After: (c₁/√ᾱ + c₂)·x_t − (c₁·√(1 − ᾱ)/√ᾱ)·ε̂ + σ·z
    expect(await stepKernels(ddpmSample(half, [4, 2], schedule, { seed: 1 }))).toEqual(['Multiply', 'Multiply', 'Multiply', 'AddN']);
    // v-prediction, before: the denoiser plus 12 (Fill, x̂₀ 3, ε̂ 3, mean 3, noise 2); after: plus 3
    expect(await stepKernels(ddpmSample(half, [4, 2], schedule, { seed: 1, prediction: 'v' }))).toEqual(['Multiply', 'Multiply', 'Multiply', 'AddN']);
  });

  it.runIf(onCpu)('DDPM with clipping: x̂₀ (3), the clip, then c₁·x̂₀ + c₂·x_t + σ·z (3); no ε̂', async () => {
    // before: the denoiser plus 13 (Fill, x̂₀ 3, Clip, ε̂ 3, mean 3, noise 2); after: plus 7
    expect(await stepKernels(ddpmSample(half, [4, 2], schedule, { seed: 1, clipX0: 1 }))).toEqual(['Multiply', 'Multiply', 'Sub', 'Multiply', 'ClipByValue', 'Multiply', 'Multiply', 'AddN']);
  });

  it.runIf(onCpu)('DDIM: √ᾱ′·x̂₀ + dir·ε̂ + σ·z as one AddN, x̂₀ and ε̂ folded in as terms', async () => {
    // η = 0, before: the denoiser plus 7 (Fill, x̂₀ 3, Multiply, Multiply, Add); after: plus 3
    expect(await stepKernels(ddimSample(half, [4, 2], schedule, { seed: 1 }))).toEqual(['Multiply', 'Multiply', 'Multiply', 'AddN']);
    // η = 1, before: the denoiser plus 9; after: plus 3 (σ·z drawn scaled)
    expect(await stepKernels(ddimSample(half, [4, 2], schedule, { seed: 1, eta: 1 }))).toEqual(['Multiply', 'Multiply', 'Multiply', 'AddN']);
    // x̂₀-prediction with clipping, before: the denoiser plus 10 (Fill, Clip, ε̂ 3 (Multiply, Sub, RealDiv), 5);
    // after: plus 4 (Clip, Multiply ×2, AddN): ε̂ = (x_t − √ᾱ·x̂₀)/√(1 − ᾱ) merged into the x̂₀ and x_t terms
    expect(await stepKernels(ddimSample(half, [4, 2], schedule, { seed: 1, eta: 1, prediction: 'x0', clipX0: 1 }))).toEqual(['Multiply', 'ClipByValue', 'Multiply', 'Multiply', 'AddN']);
  });

  it.runIf(onCpu)('x̂₀ costs its kernels only when a consumer reads predX0', async () => {
    const gen = ddpmSample(half, [4, 2], schedule, { seed: 1 });
    await gen.next();
    const names = (await tf.profile(async () => {
      const r = await gen.next();
      void (r.value as SamplerStep).predX0;
    })).kernels.map((k) => k.name);
    expect(names).toEqual(['Multiply', 'Multiply', 'Multiply', 'AddN', 'Multiply', 'Sub', 'Multiply']);
    const z = tf.scalar(0);
    await gen.return(z);
    z.dispose();
  });

  it.runIf(onCpu)("the embedding of a sampler's timestep runs no kernel (was Fill, Cast, Reshape, Multiply, Cos, Sin, Concat)", async () => {
    let names: string[] = [];
    const denoiser = (x: tf.Tensor, t: tf.Tensor) => {
      const e = sinusoidalTimestepEmbedding(t, 8);
      return tf.add(x, tf.mul(tf.slice(e, [0, 0], [-1, 2]), 0));
    };
    const gen = ddimSample(denoiser, [4, 2], schedule, { seed: 1 });
    await gen.next();
    names = (await tf.profile(async () => void (await gen.next()))).kernels.map((k) => k.name);
    // the denoiser's own Slice, Multiply, Add, then the sampler's 3
    expect(names).toEqual(['Slice', 'Multiply', 'Add', 'Multiply', 'Multiply', 'AddN']);
    let r = await gen.next();
    while (!r.done) r = await gen.next();
    r.value.dispose();
  });
  it.runIf(onCpu)("the embedding of an Euler step's fractional timesteps runs no kernel either (was Fill and the 6 of the device embedding)", async () => {
    const seen: number[][] = [];
    const denoiser = (x: tf.Tensor, t: tf.Tensor) => {
      const e = sinusoidalTimestepEmbedding(t, 8);
      return tf.add(x, tf.mul(tf.slice(e, [0, 0], [-1, 2]), 0));
    };
    const gen = eulerSample(denoiser, [4, 2], base, { sigmas: karrasSigmas(base, 6), seed: 1 });
    await gen.next();
    const names = (await tf.profile(async () => void (await gen.next()))).kernels.map((k) => k.name);
    expect(names.filter((n) => ['Fill', 'Cos', 'Sin', 'Concat'].includes(n))).toEqual([]);
    let r = await gen.next();
    while (!r.done) r = await gen.next();
    r.value.dispose();
    // the timesteps the denoiser sees: one float32 value per step, fractional between the schedule's ends
    const check = eulerSample((x, t) => (seen.push(Array.from(t.dataSync())), tf.mul(x, 0)), [2, 2], base, { sigmas: karrasSigmas(base, 3), seed: 1 });
    (await finalSample(check)).dispose();
    expect(seen.length).toBe(3);
    expect(seen.every((row) => row.every((v) => v === row[0]))).toBe(true);
    expect(seen.map((row) => row[0])).toEqual([999, expect.any(Number), 0]); // σ_max and σ_min are the ends of the schedule
    expect(Number.isInteger(seen[1]![0])).toBe(false); // the middle σ falls between timesteps
  });
});

describe('values', () => {
  it("embeds a sampler's timestep tensor like the host numbers, other int32 tensors on the device", async () => {
    const seen: Array<{ e: number[][]; host: number[][]; device: number[][] }> = [];
    const denoiser = (x: tf.Tensor, t: tf.Tensor) => {
      const values = Array.from(t.dataSync());
      const same = tf.tensor1d(values, 'int32'); // equal values, not built by a sampler
      seen.push({ e: sinusoidalTimestepEmbedding(t, 6).arraySync() as number[][], host: sinusoidalTimestepEmbedding(values, 6).arraySync() as number[][], device: sinusoidalTimestepEmbedding(same, 6).arraySync() as number[][] });
      same.dispose();
      return tf.zerosLike(x);
    };
    (await finalSample(ddpmSample(denoiser, [3, 2], schedule, { seed: 2 }))).dispose();
    expect(seen).toHaveLength(10);
    for (const s of seen) {
      expect(s.e).toEqual(s.host); // bit for bit: the float64 host embedding
      expectClose(s.device, s.host, { rtol: 0, atol: 1e-4 }); // the float32 device embedding (|t·f| ≤ 999)
    }
  });

  it('a DDIM step equals the step written out tensor by tensor, to float32 rounding', async () => {
    // x̂₀-prediction with clipping: ε̂ recomputed from the clipped x̂₀, then √ᾱ′·x̂₀ + dir·ε̂ + σ·z
    const xT = tf.randomNormal([64, 3], 0, 1, 'float32', 5);
    const denoiser = (x: tf.Tensor) => tf.mul(x, 0.9);
    const gen = ddimSample(denoiser, [64, 3], schedule, { xT, prediction: 'x0', clipX0: 0.5 });
    const first = (await gen.next()).value as SamplerStep;
    const k = schedule.T - 1;
    const a = schedule.alphasCumprod[k]!;
    const aPrev = schedule.alphasCumprodPrev[k]!;
    const ref = tf.tidy(() => {
      const x0 = tf.clipByValue(tf.mul(xT, 0.9), -0.5, 0.5);
      const eps = tf.div(tf.sub(xT, tf.mul(Math.sqrt(a), x0)), Math.sqrt(1 - a));
      return tf.add(tf.mul(Math.sqrt(aPrev), x0), tf.mul(Math.sqrt(1 - aPrev), eps));
    });
    expectClose(first.x, ref, { rtol: 1e-6, atol: 1e-6 });
    ref.dispose();
    const z = tf.scalar(0);
    await gen.return(z);
    tf.dispose([z, xT]);
  });

  it('a DDPM step equals the step written out tensor by tensor (x̂₀, posterior mean, σ·z), to float32 rounding', async () => {
    const xT = tf.randomNormal([64, 3], 0, 1, 'float32', 6);
    for (const prediction of ['epsilon', 'v'] as const) {
      const gen = ddpmSample(half, [64, 3], schedule, { xT, prediction, seed: 9 });
      const first = (await gen.next()).value as SamplerStep;
      const k = schedule.T - 1;
      const [a, b] = [schedule.sqrtAlphasCumprod[k]!, schedule.sqrtOneMinusAlphasCumprod[k]!];
      const ref = tf.tidy(() => {
        const out = tf.mul(xT, 0.5);
        const x0 = prediction === 'epsilon' ? tf.div(tf.sub(xT, tf.mul(b, out)), a) : tf.sub(tf.mul(a, xT), tf.mul(b, out));
        const mean = tf.add(tf.mul(schedule.posteriorMeanCoef1[k]!, x0), tf.mul(schedule.posteriorMeanCoef2[k]!, xT));
        const z = tf.randomNormal([64, 3], 0, 1, 'float32', deriveSeed(9, 'step', k));
        return [x0, tf.add(mean, tf.mul(Math.sqrt(schedule.posteriorVariance[k]!), z))];
      });
      expectClose(first.x, ref[1]!, { rtol: 1e-5, atol: 1e-6, label: `${prediction}: x` });
      expectClose(first.predX0, ref[0]!, { rtol: 1e-5, atol: 1e-6, label: `${prediction}: x̂₀` });
      tf.dispose(ref);
      const z = tf.scalar(0);
      await gen.return(z);
      z.dispose();
    }
    xT.dispose();
  });

  it('reads nothing back from the device while sampling (DDPM, DDIM, thresholded, embedding inside)', async () => {
    const engine = tf.engine();
    const denoiser = (x: tf.Tensor, t: tf.Tensor) => tf.add(x, tf.mul(tf.slice(sinusoidalTimestepEmbedding(t, 4), [0, 0], [-1, 2]), 0.01));
    const spies = [vi.spyOn(engine, 'readSync'), vi.spyOn(engine, 'read')];
    try {
      for (const gen of [ddpmSample(denoiser, [3, 2], schedule, { seed: 3, clipX0: 1 }), ddimSample(denoiser, [3, 2], schedule, { seed: 3, eta: 0.5, prediction: 'v' })]) {
        (await finalSample(gen)).dispose();
      }
      expect(spies.map((s) => s.mock.calls.length)).toEqual([0, 0]);
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });
});

describe('training timesteps', () => {
  it.runIf(onCpu)('are drawn in two kernels: Minimum, Cast (was Floor, Minimum, Add, Cast)', async () => {
    const names = (await tf.profile(() => uniformTimesteps(64, 0, 1000, 1, 't'))).kernels.map((k) => k.name);
    expect(names).toEqual(['Minimum', 'Cast']);
  });

  it('are the floor of the same float draw, on every stream, with and without an offset', () => {
    for (const [lo, n] of [[0, 1000], [3, 7], [0, 1]] as const) {
      const u = tf.randomUniform([4096], 0, n, 'float32', deriveSeed(5, 't', lo));
      const expected = Array.from(u.dataSync(), (v) => lo + Math.min(Math.floor(v), n - 1));
      const t = uniformTimesteps(4096, lo, n, 5, 't', lo);
      expect(t.dtype).toBe('int32');
      expect(Array.from(t.dataSync())).toEqual(expected);
      tf.dispose([u, t]);
    }
  });
});
