/**
 * The fused Adam update on the wasm backend, over the wasm heap: the inputs read in place, the three outputs
 * allocated on the heap by the backend. Where the engine runs WebAssembly SIMD (every engine tfjs-backend-wasm's
 * SIMD builds run on), a small module of our own (adam-simd.wat, four lanes at a time) shares tfjs's memory
 * and computes the update bit for bit as the JavaScript loop of adam-common.ts does, about 3× faster; elsewhere
 * that loop runs over views of the heap.
 */
import { adamInputs, adamLoop, type AdamAttrs, type AdamKernelArgs, type TensorInfoLike } from './adam-common.js';
import { ADAM_SIMD, ADAM_SIMD_SHARED } from './adam-simd-binary.js';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfoLike;
  typedArrayFromHeap(t: TensorInfoLike): Float32Array;
  /** the Emscripten module: the threaded build exports its (shared) memory as wasmMemory, the other as asm.memory */
  wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
}

/** True when `backend` looks like tfjs-backend-wasm's BackendWasm. */
export function isWasmBackend(backend: unknown): boolean {
  const b = backend as Partial<WasmBackendLike> | null;
  return b != null && typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function';
}

/** adam-simd.wat's export: byte offsets of p, m, v, g and the three outputs, n, then the attributes. */
type SimdAdam = (p: number, m: number, v: number, g: number, op: number, om: number, ov: number, n: number, b1: number, b2: number, o1: number, o2: number, c1: number, c2: number, eps: number, negLr: number, decay: number, useDecay: number) => void;

const instances = new WeakMap<WebAssembly.Memory, SimdAdam | null>();

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(s.length));
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** The SIMD update bound to `memory` (one instance per memory), or undefined where it cannot run. */
export function simdAdam(memory: WebAssembly.Memory | undefined): SimdAdam | undefined {
  if (memory === undefined || typeof WebAssembly === 'undefined') return undefined;
  let fn = instances.get(memory);
  if (fn === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      // under 4 KB: compiled synchronously even on a browser's main thread
      const module = new WebAssembly.Module(decode(shared ? ADAM_SIMD_SHARED : ADAM_SIMD));
      fn = new WebAssembly.Instance(module, { env: { memory } }).exports.adam as SimdAdam;
    } catch {
      fn = null; // no SIMD here: the JavaScript loop
    }
    instances.set(memory, fn);
  }
  return fn ?? undefined;
}

/** Kernel function of GenmodAdamUpdate for the wasm backend: returns [p′, m′, v′]. */
export function adamUpdateWasm(args: AdamKernelArgs): TensorInfoLike[] {
  const backend = args.backend as WasmBackendLike;
  const [param, m, v, g] = adamInputs(args);
  // allocate first: an allocation can grow the heap, which detaches every view taken before it
  const outs = [0, 1, 2].map(() => backend.makeOutput(param.shape, 'float32'));
  const views = [param, m, v, g, ...outs].map((t) => backend.typedArrayFromHeap(t)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const a = args.attrs as AdamAttrs;
  const simd = simdAdam(backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory);
  if (simd !== undefined) {
    const [p, mm, vv, gg, op, om, ov] = views.map((t) => t.byteOffset) as [number, number, number, number, number, number, number];
    simd(p, mm, vv, gg, op, om, ov, views[0].length, a.beta1, a.beta2, a.oneMinusBeta1, a.oneMinusBeta2, a.c1, a.c2, a.epsilon, a.negLr, a.decay, a.decay === 1 ? 0 : 1);
  } else {
    adamLoop(...views, a);
  }
  return outs;
}
