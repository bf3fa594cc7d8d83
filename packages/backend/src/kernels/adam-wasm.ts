/**
 * The fused Adam update on the wasm backend: one JS loop over views of the wasm heap (the inputs read in place,
 * the three outputs allocated on the heap by the backend). See adam-common.ts.
 */
import { adamInputs, adamLoop, type AdamAttrs, type AdamKernelArgs, type TensorInfoLike } from './adam-common.js';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfoLike;
  typedArrayFromHeap(t: TensorInfoLike): Float32Array;
}

/** True when `backend` looks like tfjs-backend-wasm's BackendWasm. */
export function isWasmBackend(backend: unknown): boolean {
  const b = backend as Partial<WasmBackendLike> | null;
  return b != null && typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function';
}

/** Kernel function of GenmodAdamUpdate for the wasm backend: returns [p′, m′, v′]. */
export function adamUpdateWasm(args: AdamKernelArgs): TensorInfoLike[] {
  const backend = args.backend as WasmBackendLike;
  const [param, m, v, g] = adamInputs(args);
  // allocate first: an allocation can grow the heap, which detaches every view taken before it
  const outs = [0, 1, 2].map(() => backend.makeOutput(param.shape, 'float32'));
  const [outP, outM, outV] = outs.map((t) => backend.typedArrayFromHeap(t)) as [Float32Array, Float32Array, Float32Array];
  const view = (t: TensorInfoLike) => backend.typedArrayFromHeap(t);
  adamLoop(view(param), view(m), view(v), view(g), outP, outM, outV, args.attrs as AdamAttrs);
  return outs;
}
