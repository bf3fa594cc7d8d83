import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect } from 'vitest';
import { describeReadmeExamples } from '@genmod-internal/testing';
import { chooseBackend, disableHigherOrderGradients } from './index.js';

// README examples are extracted to readme-examples/, type-checked by the package's typecheck task, and run
// here: the README cannot drift from the code. They switch the backend: put the setup's back afterwards.
const initial = tf.getBackend();
afterAll(async () => {
  disableHigherOrderGradients();
  await chooseBackend(initial as 'cpu' | 'wasm', { fastMatMulGradient: false, kernelOverrides: false });
});

describeReadmeExamples(import.meta.url, {
  'example-1.ts': (logged) => expect(logged).toEqual(['wasm', [], 'wasm']),
  'example-2.ts': (logged) => expect(logged).toEqual([{ name: 'cpu', fallback: true }]),
  // threads: a fresh process (the .mjs run of the cpu pass) runs 2; in the wasm pass's own process, wasm had started
  'example-3.ts': (logged) =>
    expect(logged).toEqual(
      process.env.GENMOD_TEST_BACKEND === 'wasm' ? [1, ['threads: 2 not applied: the wasm backend had already started with 1 thread (call chooseBackend before the first tensor)']] : [2, []],
    ),
  'example-4.ts': (logged) => expect(logged).toEqual([[4, 4, 4, 4, 4, 4]]),
  'example-5.ts': (logged) => {
    expect(logged[0]).toBeCloseTo(0.5652, 4);
    expect(logged[1]).toBe(true);
  },
  'example-6.ts': (logged) => expect(logged).toEqual([[1, 1, 1, 2, 2, 2]]),
  'example-7.ts': (logged) => expect(logged).toEqual([1, [1, 2, 3]]),
});
