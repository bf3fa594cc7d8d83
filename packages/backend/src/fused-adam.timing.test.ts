// Optimizer-step timing of fusedAdam against tf.train.adam on the RealNVP bench model's 96 variables
// (bench/src/workloads/flows.ts: 8 couplings × 2 nets × 2-64-64-2, weights and biases). Not part of the suite:
//   GENMOD_TIMING=1 GENMOD_TEST_BACKEND=wasm npx vitest run src/fused-adam.timing.test.ts
// Interleaved A/B (the two optimizers alternate within one loop, order swapped each round), medians.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fusedAdam } from './index.js';

const shapes = Array.from({ length: 16 }, () => [[2, 64], [64], [64, 64], [64], [64, 2], [2]]).flat();

function model(prefix: string) {
  const vars = shapes.map((shape, i) => tf.tidy(() => tf.variable(tf.randomUniform(shape, -0.1, 0.1, 'float32', i), true, `${prefix}/${i}`)));
  const grads = shapes.map((shape, i) => ({ name: `${prefix}/${i}`, tensor: tf.randomNormal(shape, 0, 1e-2, 'float32', 1000 + i) }));
  return { vars, grads };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.skipIf(process.env.GENMOD_TIMING === undefined)('fusedAdam timing', () => {
  it('times one optimizer step on 96 variables', async () => {
    const a = model('time-fused');
    const b = model('time-tfjs');
    expect(a.vars.length).toBe(96);
    const fused = fusedAdam(1e-3);
    const adam = tf.train.adam(1e-3);
    const run = { fused: () => fused.applyGradients(a.grads), tfjs: () => adam.applyGradients(b.grads) };
    const times: Record<keyof typeof run, number[]> = { fused: [], tfjs: [] };
    const reps = Number(process.env.GENMOD_TIMING_REPS ?? 300);
    for (let i = 0; i < 20; i++) (run.fused(), run.tfjs());
    for (let i = 0; i < reps; i++) {
      for (const key of (i % 2 === 0 ? ['fused', 'tfjs'] : ['tfjs', 'fused']) as Array<keyof typeof run>) {
        const t0 = performance.now();
        run[key](); // cpu and wasm run kernels synchronously: no sync point needed (an await costs ~2 ms here)
        times[key].push(performance.now() - t0);
      }
    }
    const [kf, kt] = [(await tf.profile(run.fused)).kernels.length, (await tf.profile(run.tfjs)).kernels.length];
    console.log(`[fused-adam timing] ${tf.getBackend()}, 96 variables, ${reps} interleaved reps: fusedAdam ${median(times.fused).toFixed(3)} ms (${kf} kernels), tf.train.adam ${median(times.tfjs).toFixed(3)} ms (${kt} kernels), ratio ${(median(times.tfjs) / median(times.fused)).toFixed(2)}×`);
    fused.dispose();
    adam.dispose();
    tf.dispose([...a.vars, ...b.vars, ...a.grads.map((g) => g.tensor), ...b.grads.map((g) => g.tensor)]);
  }, 300_000);
});
