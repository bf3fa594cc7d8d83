/**
 * What the priors this package builds share: the checks of `sample(sampleShape, { seed })` and of a point
 * `z [..., ...event]` handed to `logProb`.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkOptions, checkSeed, checkShape, fail, type Seed } from '@genmod-internal/core';
import { checkReturned } from './checks.js';

/** The keys of {@link SampleOptions}. */
export const SAMPLE_KEYS = ['seed'] as const;

/** Checks `sampleShape` and the options bag of a `sample` (keys `keys`); returns the seed. */
export function checkSampleCall(fn: string, sampleShape: unknown, options: { seed?: Seed } | undefined, keys: readonly string[] = SAMPLE_KEYS): Seed | undefined {
  checkShape(fn, sampleShape, 'sampleShape');
  const o = checkOptions(fn, options, keys);
  return checkSeed(fn, o.seed);
}

/** Checks that `z` is a float32 tensor ending in the event shape. */
export function checkEventPoint(fn: string, z: unknown, event: readonly number[], arg = 'z'): Tensor {
  const t = checkReturned(fn, arg, z);
  if (t.rank < event.length || event.some((d, i) => t.shape[t.rank - event.length + i] !== d)) {
    fail(fn, arg, `a tensor ending in the event shape [${event.join(', ')}]`, t);
  }
  return t;
}
