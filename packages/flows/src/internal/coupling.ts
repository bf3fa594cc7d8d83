// What every coupling layer (affine, spline) shares: the options checks, made before anything is
// allocated, and the two mask tensors m and 1 − m that the layer keeps until dispose().
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Network } from '../bijector.js';
import { checkInteger, checkOptions, fail, type StateDict } from '@genmod-internal/core';
import { checkMask } from './checks.js';
import { compositeState } from './state.js';

export interface CouplingOptionsBase {
  mask: number[];
  conditioner: Network;
  contextSize?: number;
}

/**
 * Checks `{ mask, conditioner, contextSize }`: a 0/1 mask with at least one of each, a conditioner function
 * (described by `conditionerShape` in the message). Allocates nothing.
 */
export function checkCouplingOptions(fn: string, options: CouplingOptionsBase, keys: readonly string[], conditionerShape: string): { mask: number[]; d: number; contextSize: number | undefined } {
  options = checkOptions(fn, options, keys);
  const mask = checkMask(fn, options.mask);
  if (!mask.includes(0) || !mask.includes(1)) fail(fn, 'options.mask', 'a mask with at least one 1 (passes through) and one 0 (transformed)', mask);
  if (typeof options.conditioner !== 'function') fail(fn, 'options.conditioner', `a function (xMasked [..., D], context?) => ${conditionerShape}`, options.conditioner);
  const contextSize = options.contextSize === undefined ? undefined : checkInteger(fn, 'options.contextSize', options.contextSize, { min: 1 });
  return { mask, d: mask.length, contextSize };
}

/** The kept tensors m and 1 − m of a coupling layer's mask (free them in the layer's dispose()). */
export function maskTensors(mask: number[]): { m: Tensor; notM: Tensor } {
  return { m: tf.keep(tf.tensor1d(mask)), notM: tf.keep(tf.tensor1d(mask.map((v) => 1 - v))) };
}

/**
 * What a layer built on a network exposes: the network's variables, its state under `net/…`, and `dispose()`
 * freeing the network and the tensors the layer made (`owned`).
 */
export function networkOwnership(fn: string, net: Network, owned: Tensor[]): { trainableVariables: tf.Variable[]; dispose(): void; getState(): StateDict; loadState(state: StateDict): void } {
  return {
    trainableVariables: net.trainableVariables ? [...net.trainableVariables] : [],
    ...compositeState(`${fn}.loadState`, () => [['net', net]]),
    dispose() {
      net.dispose?.();
      tf.dispose(owned);
    },
  };
}
