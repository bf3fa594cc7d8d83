/**
 * What the fused Adam optimizer needs besides the optimizer classes: the argument check of its rates, the lazy registration of the fused kernel for the active backend, the class
 * registration for tf.serialization, and the same update as tfjs ops for backends without a fused kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { fail } from '@genmod-internal/core';
import { ADAM_KERNEL, type AdamAttrs, type AdamKernelArgs } from './adam-common.js';
import { adamUpdateCpu, isCpuBackend } from './adam-cpu.js';
import { adamUpdateWasm, isWasmBackend } from './adam-wasm.js';
import { adamUpdateWebGL, isWebGLBackend } from './adam-webgl.js';
import { adamUpdateWebGPU, isWebGPUBackend } from './adam-webgpu.js';

export const f32 = Math.fround;

export function checkRate(fn: string, arg: string, v: unknown, expected: string, ok: (x: number) => boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) fail(fn, arg, expected, v);
  return v as number;
}

const KERNELS: Record<string, { matches: (backend: unknown) => boolean; kernelFunc: (args: AdamKernelArgs) => unknown }> = {
  cpu: { matches: isCpuBackend, kernelFunc: adamUpdateCpu },
  wasm: { matches: isWasmBackend, kernelFunc: adamUpdateWasm },
  webgl: { matches: isWebGLBackend, kernelFunc: adamUpdateWebGL },
  webgpu: { matches: isWebGPUBackend, kernelFunc: adamUpdateWebGPU },
};

/**
 * Registers the fused kernel for the active backend if it has one and it is not registered yet (packages
 * register nothing at import: this runs on the first update). False where the backend has no fused kernel (e.g.
 * tfjs-node's 'tensorflow'): the update then runs as tfjs's own ops.
 */
export function ensureKernel(): boolean {
  const name = tf.getBackend();
  if (tf.getKernel(ADAM_KERNEL, name) !== undefined) return true;
  const impl = KERNELS[name];
  if (impl === undefined || !impl.matches(tf.backend())) return false;
  tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: name, kernelFunc: impl.kernelFunc as unknown as tf.KernelFunc });
  return true;
}

export function registerSerializable(cls: tf.serialization.SerializableConstructor<tf.serialization.Serializable>): void {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  if (!(cls.className in map)) tf.serialization.registerClass(cls);
}

/**
 * The same update as tfjs ops (p′, m′, v′), where the backend has no fused kernel (e.g. tfjs-node's).
 * @internal exported for the tests
 */
export function adamOps(p: Tensor, m: Tensor, v: Tensor, g: Tensor, a: AdamAttrs): Tensor[] {
  const m1 = tf.add(tf.mul(m, a.beta1), tf.mul(g, a.oneMinusBeta1));
  const v1 = tf.add(tf.mul(v, a.beta2), tf.mul(tf.square(g), a.oneMinusBeta2));
  const step = tf.mul(tf.div(tf.div(m1, a.c1), tf.add(tf.sqrt(tf.div(v1, a.c2)), a.epsilon)), a.negLr);
  return [tf.add(step, a.decay === 1 ? p : tf.mul(p, a.decay)), m1, v1];
}

