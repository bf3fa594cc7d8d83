/**
 * Which tfjs kernels our code dispatches, and which backends register them.
 *
 * Every op (and every gradient, which is made of ops) reaches a backend through `engine.runKernel(name, …)`;
 * wrapping that one method records the kernel names while the wrapper is in place. `tf.getKernel(name,
 * backend)` then says whether a backend has the kernel: tfjs does not fall back to another backend for a
 * missing kernel, it throws.
 */
import * as tf from '@tensorflow/tfjs';

interface EngineWithRunKernel {
  runKernel(kernelName: string, inputs: unknown, attrs?: unknown): unknown;
}

let active: Set<string>[] = [];
let original: EngineWithRunKernel['runKernel'] | undefined;

/** Starts recording the names of the kernels dispatched (nested recorders each see everything). */
export function recordKernels(): { names(): string[]; stop(): void } {
  const engine = tf.engine() as unknown as EngineWithRunKernel;
  if (original === undefined) {
    const inner = engine.runKernel;
    original = inner;
    engine.runKernel = function (this: EngineWithRunKernel, kernelName: string, inputs: unknown, attrs?: unknown) {
      for (const s of active) s.add(kernelName);
      return inner.call(this, kernelName, inputs, attrs);
    };
  }
  const seen = new Set<string>();
  active.push(seen);
  return {
    names: () => [...seen].sort(),
    stop: () => {
      active = active.filter((s) => s !== seen);
      if (active.length === 0 && original !== undefined) {
        engine.runKernel = original;
        original = undefined;
      }
    },
  };
}

/** For each backend, the kernels of `names` it does not register. */
export function missingKernels(names: readonly string[], backends: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(backends.map((b) => [b, names.filter((n) => tf.getKernel(n, b) === undefined)]));
}

/** The backends whose kernels are registered in this process or page (a backend module was imported). */
export function backendsWithKernels(candidates: readonly string[]): string[] {
  return candidates.filter((b) => tf.getKernelsForBackend(b).length > 0);
}

/** How many kernels each backend registers (0 for a backend whose module is not imported). */
export function registeredCounts(backends: readonly string[]): Record<string, number> {
  return Object.fromEntries(backends.map((b) => [b, tf.getKernelsForBackend(b).length]));
}
