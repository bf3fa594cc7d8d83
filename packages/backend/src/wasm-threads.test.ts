import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runScriptInNode } from '@genmod-internal/testing';
import { chooseBackend } from './index.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const child = async (...args: string[]) => JSON.parse((await runScriptInNode(pkgDir, 'test/wasm-threads-child.ts', args)).trim().split('\n').at(-1)!) as { threads: number; details: string[]; sha256: string };

describe('chooseBackend threads (wasm)', () => {
  it('rejects a thread count that is not an integer from 1 to 8, before starting anything', async () => {
    for (const bad of [0, 9, 1.5, Number.NaN, '2']) {
      await expect(chooseBackend('cpu', { threads: bad as number })).rejects.toThrow(/chooseBackend: options\.threads must be an integer ≥ 1 and ≤ 8, got/);
    }
  });

  // Each case starts wasm in a fresh Node process: the thread pool is fixed when the backend first starts.
  it('runs 2 and 4 threads in Node, with the same bits as one thread (three VAE training steps)', async () => {
    const one = await child('0');
    const single = await child('1');
    const two = await child('2');
    const four = await child('4');
    expect([one.threads, single.threads, two.threads, four.threads]).toEqual([1, 1, 2, 4]);
    for (const r of [one, single, two, four]) expect(r.details).toEqual([]);
    expect(single.sha256).toBe(one.sha256);
    expect(two.sha256).toBe(one.sha256);
    expect(four.sha256).toBe(one.sha256);
  }, 120_000);

  it('stays on one thread, and says why, on a tfjs-backend-wasm version it is not verified on', async () => {
    const r = await child('2', '4.21.0');
    expect(r.threads).toBe(1);
    expect(r.details).toEqual(['threads: 2 not applied, running on one thread: threaded wasm in Node is verified on @tensorflow/tfjs-backend-wasm 4.22.0, found 4.21.0 (and 4.22.0 resolved from @genmod/backend)']);
  }, 60_000);

  it.runIf(process.env.GENMOD_TEST_BACKEND === 'wasm')('says so when wasm had already started with another thread count', async () => {
    const choice = await chooseBackend('wasm', { threads: 2, kernelOverrides: false });
    expect(choice.threads).toBe(1);
    expect(choice.details).toEqual(['threads: 2 not applied: the wasm backend had already started with 1 thread (call chooseBackend before the first tensor)']);
    expect(tf.getBackend()).toBe('wasm');
  });
});
