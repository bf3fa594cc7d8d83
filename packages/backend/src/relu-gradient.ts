/**
 * The gradients of ReLU and LeakyReLU as one kernel each.
 *
 * tfjs 4.22 differentiates y = relu(x) as dy·cast(step(x)) (three kernels: Step, Cast, Multiply) and
 * y = leakyRelu(x, α) as where(x > 0, dy, α·dy) (three kernels: Greater, Multiply, Select); on wasm the
 * Greater/Select path is many times slower than the arithmetic (tensorflow/tfjs#3252 is why Greater has no
 * gradient either). {@link enableFusedReluGradients} registers one kernel, `GenmodStepMul`, that computes
 * dx = dy·s(x) in a single pass over the data on the cpu and wasm backends, and re-registers the Relu and
 * LeakyRelu gradients to use it there.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { checkOptions } from '@genmod-internal/core';
import { checkBackendList, swapKernels, type CpuBackendLike, type WasmBackendLike } from './internal/overrides.js';

/** The kernel's name in the tfjs registry (and in `tf.profile`). */
const STEP_MUL = 'GenmodStepMul';

/** Attributes of `GenmodStepMul`: the slope for x ≤ 0. */
interface StepMulAttrs {
  alpha: number;
}

/** The backends with a `GenmodStepMul` implementation. */
const KERNEL_BACKENDS = ['cpu', 'wasm'] as const;

/**
 * cpu: dx_i = dy_i·s(x_i), s = tf.step(·, α): 1 for x > 0, α for x ≤ 0, NaN for NaN x; one pass.
 * Every element is the float32 product tfjs computes: α is rounded to float32 first (as tfjs does when it
 * makes α a tensor), the product of two float32 numbers is exact in a double so storing it rounds once, and
 * α + (1 − α)·[x > 0] is exactly 1 or α (branch-free: a data-dependent branch costs more than the product).
 */
function stepMulLoop(dy: ArrayLike<number>, x: ArrayLike<number>, out: Float32Array, attrs: StepMulAttrs): void {
  const a = Math.fround(attrs.alpha);
  const b = 1 - a;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    out[i] = dy[i]! * (a + b * +(v > 0));
    if (v !== v) out[i] = NaN;
  }
}

const kernelConfigs: KernelConfig[] = [
  {
    kernelName: STEP_MUL,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
      const b = backend as unknown as CpuBackendLike;
      const out = new Float32Array(tf.util.sizeFromShape(dy.shape));
      stepMulLoop(b.data.get(dy.dataId).values!, b.data.get(x.dataId).values!, out, attrs as unknown as StepMulAttrs);
      return b.makeTensorInfo(dy.shape, 'float32', out);
    },
  },
  {
    kernelName: STEP_MUL,
    backendName: 'wasm',
    // wasm: the backend's own SIMD Step and Multiply, called back to back inside one kernel (one dispatch,
    // one short-lived buffer, no Cast copy, no Greater/Select); a JS pass over the heap is slower than these
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
      const { alpha } = attrs as unknown as StepMulAttrs;
      const b = backend as unknown as WasmBackendLike;
      const s = tf.getKernel(tf.Step, 'wasm')!.kernelFunc({ inputs: { x }, backend, attrs: { alpha } }) as TensorInfo;
      const out = tf.getKernel(tf.Multiply, 'wasm')!.kernelFunc({ inputs: { a: dy, b: s }, backend, attrs: {} }) as TensorInfo;
      b.disposeData(s.dataId);
      return out;
    },
  },
];

/** Whether the fused kernel runs here for these operands (else the tfjs formula is used). */
function fusedHere(dy: Tensor, x: Tensor, backends: readonly string[]): boolean {
  const name = tf.getBackend();
  return (
    backends.includes(name) &&
    tf.getKernel(STEP_MUL, name) !== undefined &&
    dy.dtype === 'float32' &&
    (x.dtype === 'float32' || (x.dtype === 'int32' && name === 'cpu')) &&
    dy.size === x.size
  );
}

function stepMul(dy: Tensor, x: Tensor, attrs: StepMulAttrs): Tensor {
  return tf.engine().runKernel(STEP_MUL, { dy, x }, attrs as unknown as tf.NamedAttrMap) as Tensor;
}

/** The gradient configs in force while enabled, and what they replaced. */
let installed: { relu: GradConfig; leaky: GradConfig; stepMul: GradConfig } | undefined;

function isInstalled(): boolean {
  return (
    installed !== undefined &&
    tf.getGradient('Relu') === installed.relu &&
    tf.getGradient('LeakyRelu') === installed.leaky &&
    tf.getGradient(STEP_MUL) === installed.stepMul
  );
}

/** Options of {@link enableFusedReluGradients}. @since 0.1.0 */
export interface FusedReluGradientOptions {
  /**
   * The backends (as `tf.getBackend()` names them when the gradient runs) on which the one-kernel gradient
   * is used, among `'cpu'` and `'wasm'` (the backends with an implementation). Default: both. Elsewhere,
   * and for other dtypes (dy must be float32; x float32, or int32 on cpu), tfjs's own formula runs.
   */
  backends?: readonly ('cpu' | 'wasm')[];
}

/**
 * Replaces the gradients of `Relu` (tf.relu) and `LeakyRelu` (tf.leakyRelu) by one kernel each on the cpu
 * and wasm backends:
 *
 *   dx = dy·s_α(x),  s_α(x) = tf.step(x, α) = 1 if x > 0, α if x ≤ 0, NaN if x is NaN  (relu: α = 0)
 *
 * element by element the float32 values tfjs's own gradients give (`dy·cast(step(x))` and
 * `where(x > 0, dy, α·dy)`, three kernels each), with one exception: where x is NaN, leakyRelu's gradient
 * is NaN (tfjs's Greater says NaN ≤ 0 and gives α·dy; relu's gradient is NaN in both). On cpu the kernel is
 * one pass over dy and x; on wasm it calls the backend's SIMD Step and Multiply back to back (one dispatch,
 * no Greater, Select or Cast copy). The
 * kernel, `GenmodStepMul`, has a gradient of its own, so second-order gradients (gradient penalties) work:
 * dx is linear in dy with coefficient s(x), so ∂dx/∂dy·g = g·s(x) (the same kernel again), and ∂dx/∂x = 0
 * (s is piecewise constant: the derivative is 0 almost everywhere and undefined at x = 0, where tfjs also
 * gives 0). tfjs's own leakyRelu gradient cannot be differentiated again without
 * {@link enableHigherOrderGradients} (Greater has no gradient); this one can.
 *
 * Idempotent: while it is installed a second call changes nothing and returns a no-op. The restore function
 * puts the previous gradients back (if these are still the registered ones) and unregisters the kernel;
 * calling it twice does nothing. The registry is read when an op is recorded: install it at start-up, not
 * between a forward pass and its backward pass. `chooseBackend` installs it where it is faster.
 *
 * @param options `backends`: where the fused kernel is used (default `['cpu', 'wasm']`)
 * @returns a function that restores the previous gradients
 * @see Maas, Hannun & Ng 2013, "Rectifier Nonlinearities Improve Neural Network Acoustic Models" (leaky ReLU)
 * @see Nair & Hinton 2010, "Rectified Linear Units Improve Restricted Boltzmann Machines" (ReLU)
 * @example
 * ```ts
 * const restore = enableFusedReluGradients();
 * const dx = tf.grad((x) => tf.sum(tf.leakyRelu(x, 0.1)))(tf.tensor1d([-2, 0, 3]));
 * console.log(Array.from(dx.dataSync())); // [0.1, 0.1, 1] (float32)
 * restore();
 * ```
 * @since 0.1.0
 */
export function enableFusedReluGradients(options?: FusedReluGradientOptions): () => void {
  const fn = 'enableFusedReluGradients';
  const bag = checkOptions(fn, options, ['backends']);
  const backends = checkBackendList(fn, bag.backends, KERNEL_BACKENDS, KERNEL_BACKENDS);
  if (isInstalled()) return () => {};
  const previous = { relu: tf.getGradient('Relu'), leaky: tf.getGradient('LeakyRelu'), stepMul: tf.getGradient(STEP_MUL) };
  const relu: GradConfig = {
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dys, saved) => {
      const dy = dys as Tensor;
      const [x] = saved as [Tensor];
      return {
        x: () => (fusedHere(dy, x, backends) ? stepMul(dy, x, { alpha: 0 }) : tf.mul(dy, tf.cast(tf.step(x), 'float32'))),
      };
    },
  };
  const leaky: GradConfig = {
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dys, saved, attrs) => {
      const dy = dys as Tensor;
      const [x] = saved as [Tensor];
      const { alpha } = attrs as unknown as { alpha: number };
      return {
        x: () => (fusedHere(dy, x, backends) ? stepMul(dy, x, { alpha }) : tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha))),
      };
    },
  };
  const stepMulGrad: GradConfig = {
    kernelName: STEP_MUL,
    inputsToSave: ['x'],
    gradFunc: (dys, saved, attrs) => {
      const g = dys as Tensor;
      const [x] = saved as [Tensor];
      // dx = dy·s(x) is linear in dy; s is piecewise constant, so ∂/∂x is zero (a.e.)
      return { dy: () => stepMul(g, x, attrs as unknown as StepMulAttrs), x: () => tf.zeros(x.shape, 'float32') };
    },
  };
  const restoreKernels = swapKernels(kernelConfigs);
  tf.registerGradient(relu);
  tf.registerGradient(leaky);
  tf.registerGradient(stepMulGrad);
  const mine = { relu, leaky, stepMul: stepMulGrad };
  installed = mine;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    for (const key of ['relu', 'leaky', 'stepMul'] as const) {
      const name = mine[key].kernelName;
      if (tf.getGradient(name) !== mine[key]) continue;
      const p = previous[key];
      if (p) tf.registerGradient(p);
      else tf.unregisterGradient(name);
    }
    restoreKernels();
    if (installed === mine) installed = undefined;
  };
}
