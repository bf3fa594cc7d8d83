/**
 * What the priors this package builds share: the check of a point `z [..., ...event]` handed to `logProb`
 * (their `sample` calls use core's checkSampleCall).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { fail } from '@genmod-internal/core';
import { checkReturned } from './checks.js';

/** Checks that `z` is a float32 tensor ending in the event shape. */
export function checkEventPoint(fn: string, z: unknown, event: readonly number[], arg = 'z'): Tensor {
  const t = checkReturned(fn, arg, z);
  if (t.rank < event.length || event.some((d, i) => t.shape[t.rank - event.length + i] !== d)) {
    fail(fn, arg, `a tensor ending in the event shape [${event.join(', ')}]`, t);
  }
  return t;
}
