// What every coupling layer (affine, spline) shares: the options checks, made before anything is
// allocated, and the two mask tensors m and 1 − m that the layer keeps until dispose().
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Network } from '../bijector.js';
import { checkMask, checkPositiveInt, fail } from './checks.js';

export interface CouplingOptionsBase {
  mask: number[];
  conditioner: Network;
  contextSize?: number;
}

/**
 * Checks `{ mask, conditioner, contextSize }`: a 0/1 mask with at least one of each, a conditioner function
 * (described by `conditionerShape` in the message). Allocates nothing.
 */
export function checkCouplingOptions(fn: string, options: CouplingOptionsBase, conditionerShape: string): { mask: number[]; d: number; contextSize: number | undefined } {
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object { mask, conditioner }', options);
  const mask = checkMask(fn, options.mask);
  if (!mask.includes(0) || !mask.includes(1)) fail(fn, 'options.mask', 'a mask with at least one 1 (passes through) and one 0 (transformed)', mask);
  if (typeof options.conditioner !== 'function') fail(fn, 'options.conditioner', `a function (xMasked [..., D], context?) => ${conditionerShape}`, options.conditioner);
  const contextSize = options.contextSize === undefined ? undefined : checkPositiveInt(fn, 'options.contextSize', options.contextSize);
  return { mask, d: mask.length, contextSize };
}

/** The kept tensors m and 1 − m of a coupling layer's mask (free them in the layer's dispose()). */
export function maskTensors(mask: number[]): { m: Tensor; notM: Tensor } {
  return { m: tf.keep(tf.tensor1d(mask)), notM: tf.keep(tf.tensor1d(mask.map((v) => 1 - v))) };
}
