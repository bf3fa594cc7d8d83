/**
 * Shared parameter handling of the distributions: float conversion with ownership, broadcast shapes,
 * sample-shape / seed / noise checks (all before any allocation) and a gradient stop.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkFloatDtype, checkSeed, checkShape, fail, inferShape, nonDifferentiable, toFloat } from '@genmod-internal/core';

/** The tensors a distribution created from arrays and numbers: freed by its `dispose()`. */
export class Owned {
  private readonly tensors: Tensor[] = [];

  /** toFloat, remembering the tensor when it was created here (not the caller's). */
  float(fn: string, arg: string, x: Tensor | TensorLike): Tensor {
    const t = toFloat(fn, arg, x);
    if (t !== x) this.tensors.push(t);
    return t;
  }

  /** Takes ownership of a tensor computed here (e.g. σ = exp(log σ)). */
  own(t: Tensor): Tensor {
    this.tensors.push(t);
    return t;
  }

  dispose(): void {
    for (const t of this.tensors.splice(0)) t.dispose();
  }
}

/** Checks that a required parameter is present and a float32 tensor or numbers (no allocation). */
export function checkParam(fn: string, arg: string, x: unknown): void {
  if (x === undefined || x === null) fail(fn, arg, 'a number, an array of numbers or a float32 tensor', x);
  checkFloatDtype(fn, arg, x as Tensor | TensorLike);
}

/** The NumPy broadcast of two shapes, or an Error naming both arguments. */
export function broadcastShapes(fn: string, args: string, a: number[], b: number[]): number[] {
  try {
    return tf.broadcast_util.assertAndGetBroadcastShape(a, b);
  } catch {
    return fail(fn, args, 'broadcastable shapes', `[${a.join(', ')}] and [${b.join(', ')}]`);
  }
}

/** Options of every `sample` / `rsample`. */
export interface SampleOptions {
  /**
   * Seed of the noise: the same seed gives the same draw on every backend (tfjs draws on the host). A fixed
   * seed gives the same noise on every call: vary it per step in a training loop.
   */
  seed?: number | string;
}

/** Options of the reparameterized samplers, which also take the standard noise itself. */
export interface ReparameterizedSampleOptions extends SampleOptions {
  /**
   * The standard noise ε to transform instead of drawing it, of shape `[...sampleShape, ...batchShape,
   * ...eventShape]` (each distribution says which law ε has): common random numbers, reproducible tests.
   */
  noise?: Tensor | TensorLike;
}

/** Validates sampleShape, seed and noise; returns the full output shape and the seed. */
export function checkSampleArgs(
  fn: string,
  sampleShape: unknown,
  options: unknown,
  batchShape: readonly number[],
  eventShape: readonly number[],
  allowNoise: boolean,
): { shape: number[]; seed: number | string | undefined } {
  checkShape(fn, sampleShape, 'sampleShape');
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object { seed }', options);
  const o = options as ReparameterizedSampleOptions;
  const seed = checkSeed(fn, o.seed);
  const shape = [...(sampleShape as number[]), ...batchShape, ...eventShape];
  if (o.noise !== undefined) {
    if (!allowNoise) fail(fn, 'options.noise', 'absent (this sampler takes only a seed)', o.noise);
    checkFloatDtype(fn, 'options.noise', o.noise);
    const got = inferShape(o.noise);
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      fail(fn, 'options.noise', `of shape [${shape.join(', ')}] = [...sampleShape, ...batchShape, ...eventShape]`, o.noise instanceof tf.Tensor ? o.noise : `shape [${got.join(', ')}]`);
    }
  }
  return { shape, seed };
}

/** The caller's noise or a fresh draw. Call inside a tidy. */
export function noiseOr(fn: string, options: ReparameterizedSampleOptions, draw: () => Tensor): Tensor {
  return options.noise !== undefined ? toFloat(fn, 'options.noise', options.noise) : draw();
}

/** A point x at which to evaluate a density: float32 (no allocation for the check). */
export function checkPoint(fn: string, x: unknown, arg = 'x'): void {
  if (x === undefined || x === null) fail(fn, arg, 'a tensor or a (nested) array of numbers', x);
  checkFloatDtype(fn, arg, x as Tensor | TensorLike);
}

/** The same values with a zero gradient (tfjs-core has no stopGradient). */
export function stopGradient(x: Tensor): Tensor {
  return nonDifferentiable((v) => tf.clone(v), x);
}

/** The smallest value of a tensor, read once on the host (for constructor checks). */
export function readMin(x: Tensor): number {
  const t = tf.min(x);
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
}

/** tf.tidy for a function returning a plain object of tensors (typed as itself, not TensorContainer). */
export function tidyObject<T>(name: string, f: () => T): T {
  return tf.tidy(name, f as unknown as () => tf.TensorContainer) as unknown as T;
}

