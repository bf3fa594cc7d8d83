/** The fused Adam update on the cpu backend: one loop over the Float32Arrays (see adam-common.ts). */
import { adamInputs, adamLoop, type AdamAttrs, type AdamKernelArgs, type TensorInfoLike } from './adam-common.js';

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfoLike;
}

/** True when `backend` looks like tfjs-backend-cpu's MathBackendCPU. */
export function isCpuBackend(backend: unknown): boolean {
  const b = backend as Partial<CpuBackendLike> | null;
  return b != null && typeof b.makeTensorInfo === 'function' && typeof b.data?.get === 'function';
}

/** Kernel function of GenmodAdamUpdate for the cpu backend: returns [p′, m′, v′]. */
export function adamUpdateCpu(args: AdamKernelArgs): TensorInfoLike[] {
  const backend = args.backend as CpuBackendLike;
  const [param, m, v, g] = adamInputs(args);
  const read = (t: TensorInfoLike) => backend.data.get(t.dataId).values as Float32Array;
  const n = read(param).length;
  const outP = new Float32Array(n);
  const outM = new Float32Array(n);
  const outV = new Float32Array(n);
  adamLoop(read(param), read(m), read(v), read(g), outP, outM, outV, args.attrs as AdamAttrs);
  return [
    backend.makeTensorInfo(param.shape, 'float32', outP),
    backend.makeTensorInfo(param.shape, 'float32', outM),
    backend.makeTensorInfo(param.shape, 'float32', outV),
  ];
}
