/**
 * The rows of ones [1, n] the fast column sum multiplies by on wasm (./overrides-sum.ts): made once per backend
 * instance and length on the wasm heap, freed when the override is taken back.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../internal/overrides.js';

/** Rows of ones [1, n] on the wasm heap, one per backend instance and length, made once. */
const onesCache = new WeakMap<object, Map<number, TensorInfo>>();
/** The backends holding cached rows, to free them on restore. */
const cacheOwners = new Set<WasmBackendLike>();

export function onesRow(backend: WasmBackendLike, n: number): TensorInfo {
  let rows = onesCache.get(backend);
  if (rows === undefined) {
    rows = new Map();
    onesCache.set(backend, rows);
  }
  let row = rows.get(n);
  if (row === undefined) {
    row = backend.makeOutput([1, n], 'float32');
    (backend.typedArrayFromHeap(row) as Float32Array).fill(1);
    rows.set(n, row);
    cacheOwners.add(backend);
  }
  return row;
}

export function freeOnesRows(): void {
  for (const backend of cacheOwners) {
    const rows = onesCache.get(backend);
    if (rows) for (const row of rows.values()) backend.disposeData(row.dataId, true);
    onesCache.delete(backend);
  }
  cacheOwners.clear();
}

/**
 * The rows of ones cached for `backend` (tests: one upload per length, none per call).
 * @internal
 */
export function cachedOnesLengths(backend: object): number[] {
  return [...(onesCache.get(backend)?.keys() ?? [])];
}

