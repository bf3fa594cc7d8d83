/** The workaround for tfjs-core 4.22's gradient tape after an exception inside `optimizer.minimize`. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * After an exception inside `optimizer.minimize` (or `computeGradients`), tfjs-core 4.22 leaves its gradient
 * tape in place, and the tensors the tape saved for the backward pass are never freed (it frees them only
 * after a successful backward pass). This frees them as tfjs does on success, when no outer gradient is being
 * recorded.
 */
export function releaseTape(): void {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number; activeTape?: { saved?: Tensor[] }[] | null } }).state;
  if (!state || state.gradientDepth !== 0 || !Array.isArray(state.activeTape)) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}

/** Runs `body`; on an exception frees the tape's saved tensors (see {@link releaseTape}) and rethrows. */
export function withTapeRelease<T>(body: () => T): T {
  try {
    return body();
  } catch (e) {
    releaseTape();
    throw e;
  }
}
