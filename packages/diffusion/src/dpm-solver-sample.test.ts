// DPM-Solver++ with the exact denoiser of Gaussian data (test/dpm-oracle.ts): the iteration's contract (leaks,
// abort, break, determinism, progress, lowerOrderFinal, clipping, argument errors, ownership of x_T). The
// coefficients, the order and the law of the samples are in dpm-solver-coefficients, dpm-solver-order and
// dpm-solver-moments.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaksAsync, expectThrowsClean } from '@genmod-internal/testing';
import { dpmSolverSample, finalSample, linearSchedule, linspaceTimesteps, respace, trailingTimesteps, type SamplerStep, type Schedule } from './index.js';
import { gaussianDenoiser, iso, MU, states } from '../test/dpm-oracle.js';

describe('the async iteration', () => {
  const fast = respace(linearSchedule(1000), trailingTimesteps(1000, 10));
  const d = gaussianDenoiser(fast, MU, iso(0.4), 'epsilon');
  const xT = tf.keep(tf.randomNormal([64, 2], 0, 1, 'float32', 8));
  afterAll(() => {
    xT.dispose();
    fast.dispose();
  });

  it.each([1, 2, 3] as const)('order %i: a full run leaks nothing and keeps the tensor count flat over the steps', async (order) => {
    const counts: number[] = [];
    const x = await expectNoLeaksAsync(() => finalSample(dpmSolverSample(d, [64, 2], fast, { order, seed: 1 }), () => counts.push(tf.memory().numTensors)));
    expect(counts).toHaveLength(10);
    // the history holds order − 1 kept x̂₀'s: full after the first step for 2M, after the second for 3M
    expect(new Set(counts.slice(Math.max(0, order - 2))).size, `counts ${counts}`).toBe(1);
    if (order === 3) expect(counts[1]! - counts[0]!).toBe(1);
    x.dispose();
  });

  it('is deterministic: the same seed or the same x_T gives the same sample, bit for bit', async () => {
    const a = await finalSample(dpmSolverSample(d, [64, 2], fast, { seed: 3 }));
    const b = await finalSample(dpmSolverSample(d, [64, 2], fast, { seed: 3 }));
    const c = await finalSample(dpmSolverSample(d, [64, 2], fast, { seed: 4 }));
    expectClose(a, b, { rtol: 0, atol: 0 });
    expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(1e-2);
    const e = await finalSample(dpmSolverSample(d, [64, 2], fast, { xT, seed: 1 }));
    const f = await finalSample(dpmSolverSample(d, [64, 2], fast, { xT, seed: 99 }));
    expectClose(e, f, { rtol: 0, atol: 0, label: 'x_T given: the seed is unused' });
    expect(xT.isDisposed).toBe(false);
    tf.dispose([a, b, c, e, f]);
  });

  it('leaves x_T to the caller, also as a plain array', async () => {
    const x = await expectNoLeaksAsync(() => finalSample(dpmSolverSample(d, [64, 2], fast, { xT, order: 3 })));
    expect(xT.isDisposed).toBe(false);
    const y = await finalSample(dpmSolverSample(d, [64, 2], fast, { xT: xT.arraySync() as number[][], order: 3 }));
    expectClose(x, y, { rtol: 0, atol: 0 });
    tf.dispose([x, y]);
  });

  it('reports progress and the original timesteps, and hands the final x to the caller', async () => {
    const seen: Partial<SamplerStep>[] = [];
    let last: SamplerStep | undefined;
    for await (const s of dpmSolverSample(d, [64, 2], fast, { seed: 4 })) {
      seen.push({ step: s.step, total: s.total, progress: s.progress, index: s.index, timestep: s.timestep, final: s.final, sigma: s.sigma });
      last = s;
    }
    expect(seen.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seen.map((s) => s.index)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(seen.map((s) => s.timestep)).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(seen.map((s) => s.progress)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(seen.every((s) => s.total === 10 && s.sigma === undefined)).toBe(true);
    expect(seen.map((s) => s.final)).toEqual([false, false, false, false, false, false, false, false, false, true]);
    expect(last!.x.isDisposed).toBe(false);
    expect(last!.predX0.isDisposed).toBe(true);
    // the last step lands on ᾱ = 1: the sample is the last x̂₀
    last!.x.dispose();
  });

  it('the final step returns x̂₀ of the state before it', async () => {
    let before: Float32Array | undefined;
    let x0: Float32Array | undefined;
    let sample: Float32Array | undefined;
    for await (const s of dpmSolverSample(d, [64, 2], fast, { xT, order: 3 })) {
      if (s.index === 1) before = s.x.dataSync() as Float32Array;
      if (s.final) {
        x0 = s.predX0.dataSync() as Float32Array;
        sample = s.x.dataSync() as Float32Array;
        s.x.dispose();
      }
    }
    expectClose(sample!, x0!, { rtol: 0, atol: 0 });
    // for the oracle, x̂₀ at index 0 from the state before, in float64
    const a = fast.alphasCumprod[0]!;
    const k = (0.16 * Math.sqrt(a)) / (a * 0.16 + 1 - a);
    expectClose(sample!, Array.from(before!, (x, j) => MU[j % 2]! + k * (x - Math.sqrt(a) * MU[j % 2]!)), { rtol: 1e-5, atol: 1e-5 });
  });

  it('lowerOrderFinal: with fewer than 15 steps, 3M runs its second-to-last step at order 2; from 15 steps it changes nothing', async () => {
    const run = async (s: Schedule, lowerOrderFinal: boolean) => states(dpmSolverSample(gaussianDenoiser(s, MU, iso(0.4), 'epsilon'), [64, 2], s, { order: 3, lowerOrderFinal, xT }));
    const few = respace(linearSchedule(1000), linspaceTimesteps(1000, 10));
    const [a, b] = [await run(few, true), await run(few, false)];
    for (let k = 9; k >= 2; k--) expectClose(a.get(k)!, b.get(k)!, { rtol: 0, atol: 0, label: `index ${k}` });
    const diff = Math.max(...Array.from(a.get(0)!, (v, j) => Math.abs(v - b.get(0)![j]!)));
    expect(diff).toBeGreaterThan(1e-4);
    const many = respace(linearSchedule(1000), linspaceTimesteps(1000, 15));
    const [c, e] = [await run(many, true), await run(many, false)];
    for (const [k, v] of c) expectClose(v, e.get(k)!, { rtol: 0, atol: 0, label: `15 steps, index ${k}` });
    few.dispose();
    many.dispose();
  });

  it('stops on an AbortSignal mid-way with the abort reason, freeing the history', async () => {
    const controller = new AbortController();
    let seen = 0;
    await expectNoLeaksAsync(async () => {
      const run = finalSample(dpmSolverSample(d, [64, 2], fast, { order: 3, seed: 5, signal: controller.signal }), (s) => {
        seen = s.step;
        if (s.step === 4) controller.abort();
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    });
    expect(seen).toBe(4);
    await expect(finalSample(dpmSolverSample(d, [64, 2], fast, { signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('breaking out of for-await frees the history and the current step (clone what you keep)', async () => {
    for (const order of [2, 3] as const) {
      let kept: tf.Tensor | undefined;
      await expectNoLeaksAsync(async () => {
        for await (const s of dpmSolverSample(d, [64, 2], fast, { order, seed: 6 })) {
          if (s.step === 5) {
            kept = tf.clone(s.x);
            break;
          }
        }
        return kept;
      });
      expect(kept!.shape).toEqual([64, 2]);
      kept!.dispose();
    }
  });

  it('a denoiser that throws mid-way frees the history', async () => {
    let calls = 0;
    const flaky = (x: tf.Tensor, t: tf.Tensor) => {
      if (++calls === 5) throw new Error('network failed');
      return d(x, t);
    };
    await expectNoLeaksAsync(async () => {
      await expect(finalSample(dpmSolverSample(flaky, [64, 2], fast, { order: 3, xT }))).rejects.toThrow('network failed');
    });
  });

  it('clips x̂₀ or thresholds it dynamically', async () => {
    const wild = (xt: tf.Tensor) => tf.mul(xt, 5);
    for (const options of [{ clipX0: true }, { dynamicThreshold: true }] as const) {
      for await (const s of dpmSolverSample(wild, [32, 2], fast, { ...options, seed: 1 })) {
        expect(Math.max(...Array.from(s.predX0.dataSync(), Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
        if (s.final) s.x.dispose();
      }
    }
  });

  it('names bad arguments when called, before allocating', () => {
    expectThrowsClean(() => dpmSolverSample(d, [4, 2], fast, { order: 4 as never }), /^dpmSolverSample: options\.order must be an integer ≥ 1 and ≤ 3, got 4$/);
    expectThrowsClean(() => dpmSolverSample(d, [4, 2], fast, { order: 2.5 as never }), /^dpmSolverSample: options\.order must be an integer ≥ 1 and ≤ 3, got 2\.5$/);
    expectThrowsClean(() => dpmSolverSample(d, [4, 2], fast, { lowerOrderFinal: 'x' as never }), /^dpmSolverSample: options\.lowerOrderFinal must be a boolean, got x$/);
    expectThrowsClean(() => dpmSolverSample(d, [4, 2], fast, { oder: 3 } as never), /^dpmSolverSample: unknown option 'oder' \(did you mean 'order'\?\)/);
    expectThrowsClean(() => dpmSolverSample(d, [4, 2], fast, { xT: [[1, 2]] }), /^dpmSolverSample: options\.xT must be of the requested sample's shape \[4, 2\], got shape \[1, 2\]$/);
    expectThrowsClean(() => dpmSolverSample(d, [0, 2], fast), /^dpmSolverSample: shape must be a non-empty shape/);
    expectThrowsClean(() => dpmSolverSample('net' as never, [4, 2], fast), /^dpmSolverSample: denoiser must be a function/);
  });
});
