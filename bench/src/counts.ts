// What one step costs besides its time: the kernels it runs, the dispatches a GPU backend would issue for them,
// the device → host reads (each one a sync point on a GPU backend) and the host → device uploads.
// Measured on one warm step with tf.profile (the kernel list) and wrappers around the engine's read and
// makeTensor methods, installed for the duration of that step only.
import * as tf from '@tensorflow/tfjs';
import { relative } from 'node:path';

/**
 * The GPU proxy: dispatches = kernels − free kernels, where free means what tfjs-backend-webgpu 4.22 runs
 * without a compute pass (webgl 4.22 does the same for these):
 *   Reshape (and so ExpandDims / Squeeze / Flatten, which are Reshape), Identity (tf.clone, the copies the tape
 *   saves), and Cast without encoding loss (same dtype, bool → int32, bool / int32 → float32: the kernel returns
 *   the input's buffer with a new dtype, `util.hasEncodingLoss` false).
 * Everything else counts as one dispatch, Slice included (webgpu runs a program for it; webgl shares the texture
 * of an unpacked contiguous slice, so webgl may issue fewer), and kernels a GPU backend hands to the CPU for small
 * inputs (WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD) count too: the proxy is an upper bound of what a GPU backend issues.
 * On wasm and cpu, Identity and Cast are real copies: they count as kernels there, not as GPU dispatches.
 */
export const FREE_KERNELS = ['Reshape', 'Identity', 'Cast (no encoding loss)'] as const;

/** Whether a kernel call is free on a GPU backend (see {@link FREE_KERNELS}); `cast` = [from, to] for Cast. */
export function isFreeKernel(name: string, cast?: [tf.DataType, tf.DataType]): boolean {
  if (name === tf.Reshape || name === tf.Identity) return true;
  if (name === tf.Cast && cast) return cast[0] !== 'complex64' && cast[1] !== 'complex64' && !tf.util.hasEncodingLoss(cast[0], cast[1]);
  return false;
}

/** The counts of one step. */
export interface StepCounts {
  /** registered kernels run (tf.profile's list, without the customGrad / scope entries that are not kernels) */
  kernels: number;
  /** kernels − free ones: the dispatches a WebGPU backend would issue */
  dispatches: number;
  /** device → host reads through the tensor API (dataSync, arraySync, data, array, buffer, print, ...) */
  reads: number;
  /** host → device uploads (tensors made from host values: tf.tensor, tf.scalar, a number passed to an op, ...) */
  uploads: number;
  /** bytes uploaded */
  uploadBytes: number;
  /** kernel name → count, most frequent first */
  byKernel: Record<string, number>;
  /** where each read came from: the first two call sites outside tfjs, `function (file:line)` */
  readSites: string[];
}

type Restore = () => void;

/** Replaces `obj[key]` by `wrap(original)` as an own property; the returned function restores it exactly. */
function patch<T extends object, K extends keyof T>(obj: T, key: K, wrap: (original: T[K]) => T[K]): Restore {
  const own = Object.prototype.hasOwnProperty.call(obj, key);
  const previous = obj[key];
  obj[key] = wrap(previous);
  return () => {
    if (own) obj[key] = previous;
    else delete obj[key];
  };
}

const root = relative('/', new URL('../..', import.meta.url).pathname);

/** The current stack, deep enough to get past tfjs's own frames (the default limit of 10 often is not). */
function deepStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack;
}

/** The first `n` frames of a stack that are not tfjs's and not this file's, shortened. */
function callSites(stack: string, n: number): string {
  const lines = stack.split('\n').slice(1);
  const out: string[] = [];
  for (const line of lines) {
    // tfjs's own frames, this file's, Node's, and the ones without a file (new Promise, native code)
    if (/@tensorflow|[\\/]counts\.ts|node:internal|\(<anonymous>\)|\(native\)/.test(line) || !/[\\/]/.test(line)) continue;
    const m = /at (?:async )?(?:(\S+) \()?(?:file:\/\/)?([^)]+?)\)?$/.exec(line.trim());
    if (!m) continue;
    const file = m[2]!.replace(/^\/?/, '').replace(root + '/', '');
    out.push(`${m[1] ?? '<anonymous>'} (${file})`);
    if (out.length === n) break;
  }
  // after an await inside tfjs's compiled async code (Tensor.array), V8 keeps no frame of the caller
  return out.length ? out.join(' ← ') : 'unknown (an async read resumed after an await: no caller frame)';
}

/**
 * Runs `run` once (sync or async) and counts its kernels, GPU dispatches, reads and uploads.
 * The reads tf.profile itself would make (backends without a timer read every output) are not counted.
 */
export async function countStep(run: () => unknown): Promise<StepCounts> {
  const engine = tf.engine() as unknown as {
    runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs?: Record<string, unknown>): unknown;
    readSync(dataId: object): unknown;
    read(dataId: object): Promise<unknown>;
    readToGPU(dataId: object, options?: unknown): unknown;
    makeTensor(values: unknown, shape: number[], dtype?: tf.DataType, backend?: unknown): tf.Tensor;
  };
  const casts: [tf.DataType, tf.DataType][] = [];
  const readSites: string[] = [];
  let uploads = 0;
  let uploadBytes = 0;
  const onRead = () => {
    const stack = deepStack();
    if (!/profileKernel/.test(stack)) readSites.push(callSites(stack, 2));
  };
  const restores: Restore[] = [
    patch(engine, 'runKernel', (original) =>
      function (this: unknown, name, inputs, attrs) {
        if (name === tf.Cast) casts.push([inputs.x!.dtype, (attrs as { dtype: tf.DataType }).dtype]);
        return original.call(this, name, inputs, attrs);
      }),
    patch(engine, 'readSync', (original) =>
      function (this: unknown, dataId) {
        onRead();
        return original.call(this, dataId);
      }),
    patch(engine, 'read', (original) =>
      function (this: unknown, dataId) {
        onRead();
        return original.call(this, dataId);
      }),
    patch(engine, 'readToGPU', (original) =>
      function (this: unknown, dataId, options) {
        onRead();
        return original.call(this, dataId, options);
      }),
    patch(engine, 'makeTensor', (original) =>
      function (this: unknown, values, shape, dtype, backend) {
        uploads++;
        uploadBytes += tf.util.sizeFromShape(shape) * (dtype === 'bool' ? 1 : dtype === 'complex64' ? 8 : 4);
        return original.call(this, values, shape, dtype, backend);
      }),
  ];
  let profile: Awaited<ReturnType<typeof tf.profile>>;
  try {
    profile = await tf.profile(async () => {
      await run();
      return null as unknown as tf.TensorContainer;
    });
  } finally {
    for (const r of restores.reverse()) r();
  }
  const backend = tf.getBackend();
  const byKernel: Record<string, number> = {};
  let kernels = 0;
  let free = 0;
  let castIndex = 0;
  for (const k of profile.kernels) {
    if (tf.getKernel(k.name, backend) === undefined) continue; // a customGrad or scope entry, not a kernel
    kernels++;
    byKernel[k.name] = (byKernel[k.name] ?? 0) + 1;
    const cast = k.name === tf.Cast ? casts[castIndex++] : undefined;
    if (k.name === tf.Cast && cast === undefined) throw new Error('countStep: a Cast kernel that did not pass through engine.runKernel');
    if (isFreeKernel(k.name, cast)) free++;
  }
  const sorted = Object.fromEntries(Object.entries(byKernel).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  return { kernels, dispatches: kernels - free, reads: readSites.length, uploads, uploadBytes, byKernel: sorted, readSites };
}
