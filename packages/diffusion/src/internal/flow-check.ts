/**
 * What flow matching's loss, sampler and likelihood share: checking the velocity callback and its output,
 * the source law's draws (shape-checked against the data before anything is allocated), and the source's
 * log-density summed to one value per example.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkDistribution, deriveSeed, fail, HALF_LOG_TWO_PI, normalNoise, sameShape, showShape, type Distribution, type Seed } from '@genmod-internal/core';

/** A velocity callback `(x, t) => v`. */
export function checkVelocity(fn: string, velocity: unknown): void {
  if (typeof velocity !== 'function') fail(fn, 'velocity', 'a function (x, t) => Tensor', velocity);
}

/** The velocity's output, after checking that it is a float32 tensor of x's shape. */
export function checkVelocityOutput(fn: string, out: unknown, shape: readonly number[]): Tensor {
  if (!(out instanceof tf.Tensor) || out.dtype !== 'float32' || !sameShape(out.shape, shape)) {
    fail(fn, 'the velocity output', `a float32 tensor of the input's ${showShape(shape)}`, out);
  }
  return out;
}

/**
 * The source option: absent (N(0, I)) or a distribution whose `sample([B])` has the data's shape
 * `[B, ...batchShape, ...eventShape]` (checked from its fields, before drawing).
 */
export function checkSource(fn: string, source: unknown, shape: readonly number[], what: string): Distribution | undefined {
  if (source === undefined) return undefined;
  const d = checkDistribution(fn, 'options.source', source);
  const drawn = [shape[0]!, ...d.batchShape, ...d.eventShape];
  if (!sameShape(drawn, shape)) {
    fail(fn, 'options.source', `a distribution whose sample([${shape[0]}]) has ${what}'s ${showShape(shape)} (batchShape + eventShape = [${shape.slice(1).join(', ')}])`, `a ${d.family} distribution with batchShape [${d.batchShape.join(', ')}] and eventShape [${d.eventShape.join(', ')}]`);
  }
  return d;
}

/** B draws of the source (stream `'x0'` of the seed), float32 of `shape`; N(0, I) when no source is given. */
export function drawSource(fn: string, source: Distribution | undefined, shape: number[], seed: Seed | undefined): Tensor {
  if (source === undefined) return normalNoise(shape, seed, 'x0');
  const x = source.sample([shape[0]!], { seed: deriveSeed(seed, 'x0') });
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32' || !sameShape(x.shape, shape)) {
    if (x instanceof tf.Tensor) x.dispose();
    fail(fn, 'options.source', `a distribution whose sample([${shape[0]}]) is a float32 tensor of ${showShape(shape)}`, x);
  }
  return x;
}

/**
 * log p₀(x) per example, float32 `[B]`: the source's `logProb` summed over every axis after the first (its
 * batch axes, which cover the event when the law is elementwise); for no source, log N(x; 0, I) summed.
 */
export function sourceLogProb(fn: string, source: Distribution | undefined, x: Tensor): Tensor {
  return tf.tidy(() => {
    const batch = x.shape[0]!;
    if (source === undefined) {
      const d = x.size / batch;
      return tf.sub(tf.mul(-0.5, tf.sum(tf.square(tf.reshape(x, [batch, d])), 1)), d * HALF_LOG_TWO_PI);
    }
    const lp = source.logProb(x);
    if (!(lp instanceof tf.Tensor) || lp.rank < 1 || lp.shape[0] !== batch) {
      fail(fn, 'options.source', `a distribution whose logProb of [${batch}, ...] draws has shape [${batch}, ...]`, lp);
    }
    return lp.rank === 1 ? tf.cast(lp, 'float32') : tf.sum(tf.reshape(lp, [batch, lp.size / batch]), 1);
  });
}
