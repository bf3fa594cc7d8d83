/**
 * Zero-copy Identity and same-dtype Cast on the wasm backend.
 *
 * tfjs-backend-wasm 4.22 implements `Identity` (tf.clone, and the copy the engine makes of every tensor a
 * gradient saves on the tape) and `Cast` (also when the dtype does not change) by allocating a new buffer on
 * the wasm heap and copying. tfjs tensors are immutable, so the copy buys nothing: the cpu backend returns
 * the input's buffer with its reference count raised. {@link enableZeroCopyIdentity} does the same on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { installKernels, type InstalledKernels, type WasmBackendLike } from './internal/overrides.js';

/** The input's buffer, shared: one more reference to it (what the cpu backend's Identity does). */
function share(backend: WasmBackendLike, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function sharing(kernelName: string, previous: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const dtype = kernelName === tf.Cast ? (args.attrs as unknown as { dtype: tf.DataType }).dtype : x.dtype;
    if (dtype !== x.dtype || x.dtype === 'string' || x.dtype === 'complex64') return previous(args);
    return share(args.backend as unknown as WasmBackendLike, x);
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}

const installed: InstalledKernels = {};

/**
 * Re-registers the wasm backend's `Identity` kernel, and its `Cast` kernel where the dtype does not change,
 * to return a tensor that shares the input's buffer instead of a copy:
 *
 *   identity(x) = x,  cast(x, x.dtype) = x   (same dataId, reference count + 1)
 *
 * which is what tfjs-backend-cpu does. Safe because tfjs never writes into a tensor's buffer after the
 * kernel that made it returns (a `Variable`'s `assign` points the variable at the new value's buffer, and
 * the buffer it left is freed only when its last reference goes); `dataSync`, `data` and `bufferSync` read
 * copies. What it saves: one heap allocation and copy for every `tf.clone` and for every tensor a gradient
 * saves on the tape (497 per RealNVP training step). Casts to another dtype, and string tensors, run the
 * kernels they ran before. Gradients are unaffected (they are registered per kernel name, not backend).
 *
 * Idempotent: while it is installed a second call changes nothing and returns a no-op; the restore
 * function puts the previous kernels back (if these are still the registered ones), and does nothing on a
 * second call. Needs `@tensorflow/tfjs-backend-wasm` imported first (without it this changes nothing).
 * `chooseBackend('wasm')` installs it.
 *
 * @returns a function that restores the previous kernels
 * @see Smilkov et al. 2019, "TensorFlow.js: Machine Learning for the Web and Beyond", arXiv:1901.05350
 *   (the engine's reference-counted buffers this relies on)
 * @example
 * ```ts
 * const restore = enableZeroCopyIdentity(); // on wasm: clones share their buffer
 * const a = tf.tensor1d([1, 2, 3]);
 * const b = tf.clone(a);
 * a.dispose(); // b keeps the buffer alive
 * console.log(Array.from(b.dataSync())); // [1, 2, 3]
 * b.dispose();
 * restore();
 * ```
 * @since 0.1.0
 */
export function enableZeroCopyIdentity(): () => void {
  return installKernels(installed, () => {
    const configs: KernelConfig[] = [];
    for (const name of [tf.Identity, tf.Cast]) {
      const previous = tf.getKernel(name, 'wasm');
      if (previous !== undefined) configs.push(sharing(name, previous.kernelFunc));
    }
    return configs;
  });
}
