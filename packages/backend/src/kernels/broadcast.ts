/**
 * `GenmodBroadcast`: x (the shape of `shape` with some axes of size 1) repeated along those axes to `shape`, in
 * one pass of block copies and fills over flat float32 arrays (cpu: the backend's arrays; wasm: the heap). The
 * gradient of a sum is this broadcast of dy (sum-gradient.ts): tfjs writes it as dy·ones with the ones built on
 * the host and uploaded, and its Tile kernel (broadcastTo) is a generic loop that is 8× slower on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuBackendLike, WasmBackendLike } from '../internal/overrides.js';

/** The kernel's name in the tfjs registry (and in tf.profile). */
export const BROADCAST_KERNEL = 'GenmodBroadcast';

/**
 * out = x broadcast from `inShape` to `outShape` (same rank; inShape[a] is outShape[a] or 1). The innermost run
 * of axes that are all copied (or all broadcast) is one `set` (or one `fill`); the axes outside it are looped.
 */
export function broadcastInto(x: Float32Array, inShape: readonly number[], out: Float32Array, outShape: readonly number[]): void {
  const rank = outShape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  const inStrides = new Array<number>(rank);
  const outStrides = new Array<number>(rank);
  for (let a = rank - 1, si = 1, so = 1; a >= 0; a--) {
    inStrides[a] = si;
    outStrides[a] = so;
    si *= inShape[a]!;
    so *= outShape[a]!;
  }
  // the innermost run of axes of one kind: copied (in = out) or broadcast (in = 1 < out); size-1 axes are both
  const kind = (a: number) => (outShape[a] === 1 ? 0 : inShape[a] === 1 ? 2 : 1);
  let start = rank;
  let run = 0;
  while (start > 0) {
    const k = kind(start - 1);
    if (k !== 0 && run !== 0 && k !== run) break;
    if (k !== 0) run = k;
    start--;
  }
  const block = start < rank ? outShape.slice(start).reduce((p, d) => p * d, 1) : 1;
  const visit = (axis: number, inOff: number, outOff: number): void => {
    if (axis === start) {
      if (run === 2) out.fill(x[inOff]!, outOff, outOff + block);
      else out.set(x.subarray(inOff, inOff + block), outOff);
      return;
    }
    const n = outShape[axis]!;
    const step = inShape[axis] === 1 ? 0 : inStrides[axis]!;
    for (let i = 0; i < n; i++) visit(axis + 1, inOff + i * step, outOff + i * outStrides[axis]!);
  };
  visit(0, 0, 0);
}

interface BroadcastAttrs {
  shape: number[];
}

export const broadcastKernels: KernelConfig[] = [
  {
    kernelName: BROADCAST_KERNEL,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: TensorInfo };
      const { shape } = attrs as unknown as BroadcastAttrs;
      const b = backend as unknown as CpuBackendLike;
      const values = b.data.get(x.dataId).values!;
      const out = new Float32Array(tf.util.sizeFromShape(shape));
      broadcastInto(values instanceof Float32Array ? values : Float32Array.from(values), x.shape, out, shape);
      return b.makeTensorInfo(shape, 'float32', out);
    },
  },
  {
    kernelName: BROADCAST_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: TensorInfo };
      const { shape } = attrs as unknown as BroadcastAttrs;
      const b = backend as unknown as WasmBackendLike;
      const out = b.makeOutput(shape, 'float32'); // allocate first: it may grow the heap and detach older views
      broadcastInto(b.typedArrayFromHeap(x) as Float32Array, x.shape, b.typedArrayFromHeap(out) as Float32Array, shape);
      return out;
    },
  },
];

/** The broadcast's gradient: dy summed over the broadcast axes, in x's shape. */
export const broadcastGradient: GradConfig = {
  kernelName: BROADCAST_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (dys, saved) => {
    const dy = dys as Tensor;
    const [x] = saved as [Tensor];
    const axes = x.shape.map((d, a) => (d === 1 && dy.shape[a] !== 1 ? a : -1)).filter((a) => a >= 0);
    return { x: () => (axes.length ? tf.sum(dy, axes, true) : tf.clone(dy)) };
  },
};

/** x broadcast to `shape` by the kernel (float32 x of the same rank, on a backend that has the kernel). */
export function broadcastKernel(x: Tensor, shape: number[]): Tensor {
  return tf.engine().runKernel(BROADCAST_KERNEL, { x }, { shape } as unknown as tf.NamedAttrMap) as Tensor;
}
