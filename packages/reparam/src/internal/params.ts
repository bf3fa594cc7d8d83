/**
 * Shared parameter handling of the distributions: float conversion with ownership, sample-shape / seed /
 * noise / options checks (all before any allocation), and the host read of a constructor check.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkOptions, checkTensorArg, fail, sameShape, showShape, takeLogitsOrProbs, toFloat, type Seed, checkSampleCall } from '@genmod-internal/core';
import type { ReparameterizedSampleOptions } from '../distribution.js';

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

/**
 * The params object of a constructor: a plain object whose keys are all in `keys` (strict, with
 * did-you-mean), and whose `required` entries are float32 tensors or numbers. Returns their shapes.
 */
export function checkParams<P extends object>(fn: string, params: P, keys: readonly string[], required: readonly string[]): number[][] {
  checkOptions(fn, params, keys, 'params');
  if (params === undefined) fail(fn, 'params', `an object { ${keys.join(', ')} }`, params);
  const p = params as Record<string, unknown>;
  return required.map((k) => checkTensorArg(fn, `params.${k}`, p[k]));
}

/**
 * The params intake of the `{ logits | probs }` laws (Bernoulli, Categorical): strict keys, exactly one of
 * the two, float32 (classes on the last axis when `categorical`), probabilities in [0, 1]. A tensor created
 * from an array goes to `owned`. Returns the parameters and their shape.
 */
export function takeLogitsParams(
  fn: string,
  params: { logits?: Tensor | TensorLike; probs?: Tensor | TensorLike },
  owned: Owned,
  categorical: boolean,
): { logits: Tensor | undefined; probs: Tensor | undefined; shape: number[] } {
  checkParams(fn, params, ['logits', 'probs'], []);
  const { logits, probs, tensor, created } = takeLogitsOrProbs(fn, params, { categorical });
  if (created) owned.own(created);
  return { logits, probs, shape: tensor.shape };
}

/** Validates sampleShape and the options bag (seed, and noise where `allowNoise`); returns the output shape and the seed. */
export function checkSampleArgs(
  fn: string,
  sampleShape: unknown,
  options: ReparameterizedSampleOptions | undefined,
  batchShape: readonly number[],
  eventShape: readonly number[],
  allowNoise: boolean,
): { shape: number[]; seed: Seed | undefined } {
  const { options: o, seed } = checkSampleCall(fn, sampleShape, options, allowNoise ? ['seed', 'noise'] : ['seed']);
  const shape = [...(sampleShape as number[]), ...batchShape, ...eventShape];
  if (o.noise !== undefined) {
    const got = checkTensorArg(fn, 'options.noise', o.noise);
    if (!sameShape(got, shape)) {
      fail(fn, 'options.noise', `of shape [${shape.join(', ')}] = [...sampleShape, ...batchShape, ...eventShape]`, o.noise instanceof tf.Tensor ? o.noise : showShape(got));
    }
  }
  return { shape, seed };
}

/** The caller's noise or a fresh draw. Call inside a tidy. */
export function noiseOr(fn: string, options: ReparameterizedSampleOptions | undefined, draw: () => Tensor): Tensor {
  return options?.noise !== undefined ? toFloat(fn, 'options.noise', options.noise) : draw();
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
