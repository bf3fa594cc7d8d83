/**
 * Sums over the leading axes (column sums, the reduction behind every bias gradient) without a transpose.
 *
 * tfjs's Sum kernels reduce innermost axes only: for sum(x, 0) of x [n, m] the cpu and wasm backends first
 * transpose x to [m, n] (a strided copy), then sum rows. Every `tf.add(tf.matMul(h, w), b)` pays for it in
 * its backward pass: the Add gradient is sum(dy, 0). {@link enableFastColumnSum} re-registers the Sum
 * kernel so that a float32 sum over leading axes is, on wasm, one product with a cached row of ones
 * (1ₙᵀ·X, XNNPACK's GEMM) and, on cpu, one pass over the rows accumulating in float64.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { checkOptions } from '@genmod-internal/core';
import { checkBackendList, installKernels, type CpuBackendLike, type InstalledKernels, type WasmBackendLike } from './internal/overrides.js';
import { freeOnesRows, onesRow } from './kernels/ones-cache.js';

const KERNEL_BACKENDS = ['cpu', 'wasm'] as const;

/** For sum(x, axes) that reduces the leading k < rank axes of a float32 x: [n, m] and the output shape. */
function leadingSplit(x: TensorInfo, axis: number | number[], keepDims: boolean): { n: number; m: number; outShape: number[] } | undefined {
  if (x.dtype !== 'float32' || x.shape.length < 2) return undefined;
  const axes = [...tf.util.parseAxisParam(axis, x.shape)].sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || k >= x.shape.length || axes.some((a, i) => a !== i)) return undefined;
  const n = tf.util.sizeFromShape(x.shape.slice(0, k));
  const rest = x.shape.slice(k);
  const m = tf.util.sizeFromShape(rest);
  if (m === 0) return undefined;
  return { n, m, outShape: keepDims ? [...axes.map(() => 1), ...rest] : rest };
}

function kernelFor(backendName: 'cpu' | 'wasm', previous: KernelConfig): KernelConfig {
  const fallback = previous.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const split = leadingSplit(x, axis, keepDims);
    if (split === undefined) return fallback(args);
    const { n, m, outShape } = split;
    if (backendName === 'wasm') {
      const b = backend as unknown as WasmBackendLike;
      if (n === 0) {
        // an empty sum is 0 (tfjs-backend-wasm 4.22 leaves the output buffer uninitialised here)
        const zeros = b.makeOutput(outShape, 'float32');
        (b.typedArrayFromHeap(zeros) as Float32Array).fill(0);
        return zeros;
      }
      const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
      // 1ₙᵀ·X: X [n, m] is x's own buffer viewed as a matrix (no copy)
      const out = matMul({ inputs: { a: onesRow(b, n), b: { dataId: x.dataId, shape: [n, m], dtype: 'float32' } }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
      out.shape = outShape;
      return out;
    }
    // cpu: out_j = Σᵢ x_ij accumulated in float64 in increasing i, the order (and precision) of tfjs's own
    // sum after its transpose, so the results are the same bits
    const b = backend as unknown as CpuBackendLike;
    const values = b.data.get(x.dataId).values!;
    const acc = new Float64Array(m);
    for (let i = 0, o = 0; i < n; i++, o += m) for (let j = 0; j < m; j++) acc[j] = acc[j]! + values[o + j]!;
    return b.makeTensorInfo(outShape, 'float32', Float32Array.from(acc));
  };
  return { kernelName: tf.Sum, backendName, kernelFunc };
}

const installed: InstalledKernels = {};

/** Options of {@link enableFastColumnSum}. @since 0.1.0 */
export interface FastColumnSumOptions {
  /**
   * The backends whose Sum kernel is replaced, among `'cpu'` and `'wasm'`; default both (the ones registered
   * when it is called: a backend imported later keeps its own kernel).
   */
  backends?: readonly ('cpu' | 'wasm')[];
}

/**
 * Replaces the `Sum` kernel of the cpu and wasm backends, for float32 sums over the leading axes of a
 * tensor (axes 0 … k−1 of a rank > k tensor: tf.sum(x, 0), and the bias gradients of every
 * `tf.add(tf.matMul(h, w), b)`), by a reduction without the transpose tfjs does first:
 *
 *   out_j = Σᵢ x_ij  with x viewed as [n, m], n = ∏ leading dims, m = ∏ the rest
 *
 * On wasm out = 1ₙᵀ·X, one matrix product (XNNPACK) with a row of ones cached per backend and length (made
 * once on the wasm heap, never uploaded again; freed by the restore function); equal to tfjs's sum to
 * float32 rounding (the summation order differs: |Δ| ≲ n·ε·Σ|x_ij| per column, ε = 2⁻²⁴). On cpu one pass
 * over the rows accumulating in float64 in the order tfjs uses: the same bits. A sum over an empty leading
 * axis is 0 (tfjs's wasm kernel returns uninitialised memory there). Every other sum (inner axes, all axes,
 * int32 and bool inputs) runs tfjs's own kernel. Gradients are unchanged (Sum's
 * gradient does not depend on the kernel), so first- and higher-order gradients stay correct.
 *
 * Idempotent: while it is installed a second call changes nothing and returns a no-op; the restore function
 * puts tfjs's kernels back (if these are still the registered ones) and frees the cached rows; calling it
 * twice does nothing. Needs the backend's package imported first. `chooseBackend` installs it where faster.
 *
 * @param options `backends`: which backends' Sum kernel to replace (default `['cpu', 'wasm']`)
 * @returns a function that restores the previous kernels
 * @see Goto & van de Geijn 2008, "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 34(3)
 *   (why a GEMM with a ones row beats a transpose and a strided reduction)
 * @example
 * ```ts
 * const restore = enableFastColumnSum();
 * const db = tf.grad((b) => tf.sum(tf.square(tf.add(tf.ones([3, 2]), b))))(tf.zeros([2]));
 * console.log(Array.from(db.dataSync())); // [6, 6]: Σ over the 3 rows of 2·(1 + 0)
 * restore();
 * ```
 * @since 0.1.0
 */
export function enableFastColumnSum(options?: FastColumnSumOptions): () => void {
  const fn = 'enableFastColumnSum';
  const bag = checkOptions(fn, options, ['backends']);
  const backends = checkBackendList(fn, bag.backends, KERNEL_BACKENDS, KERNEL_BACKENDS) as readonly ('cpu' | 'wasm')[];
  return installKernels(installed, () => {
    const configs: KernelConfig[] = [];
    for (const name of backends) {
      const previous = tf.getKernel(tf.Sum, name);
      if (previous !== undefined) configs.push(kernelFor(name, previous));
    }
    return configs;
  }, freeOnesRows);
}
