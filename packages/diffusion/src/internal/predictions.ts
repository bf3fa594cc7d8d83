/**
 * The conversions between ε, x₀ and v given x_t (all from x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε), on tensors, for
 * use inside a tidy; and the argument checks the public conversions and the training objectives share.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkOneOfValues, checkTensorArg } from '@genmod-internal/core';
import type { Prediction } from '../parameterization.js';
import type { Schedule } from '../schedule.js';
import { checkDenoiser, checkSameShape } from './check.js';
import { checkSchedule } from './schedule-check.js';
import { checkTimesteps, coefficient, type CheckedTimesteps } from './timesteps.js';

export const PREDICTIONS: readonly Prediction[] = ['epsilon', 'x0', 'v'];

export function checkPrediction(fn: string, prediction: unknown, arg = 'options.prediction'): Prediction {
  return checkOneOfValues(fn, arg, prediction, PREDICTIONS);
}

/** Checks (a, t, b) with b of a's shape, and returns the shape and the timesteps. */
export function checkPair(fn: string, schedule: Schedule, a: unknown, aName: string, t: unknown, b: unknown, bName: string): { shape: number[]; ts: CheckedTimesteps } {
  const shape = checkTensorArg(fn, aName, a);
  checkSameShape(fn, bName, b, shape, aName);
  checkSchedule(fn, schedule);
  const ts = checkTimesteps(fn, t, schedule.T, shape[0]);
  if (!ts.scalar && shape.length === 0) checkTensorArg(fn, aName, a, 1);
  return { shape, ts };
}

/** The checks diffusionLoss and variationalBound share: the denoiser, a batch x₀ `[B, ...]`, the schedule, the prediction. */
export function checkModelArgs(fn: string, denoiser: unknown, x0: unknown, schedule: unknown, prediction: unknown): { shape: number[]; prediction: Prediction } {
  checkDenoiser(fn, denoiser);
  const shape = checkTensorArg(fn, 'x0', x0, 1);
  checkSchedule(fn, schedule);
  return { shape, prediction: checkPrediction(fn, prediction ?? 'epsilon') };
}

/** x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε, inside a tidy. */
export function noised(schedule: Schedule, ts: CheckedTimesteps, rank: number, x0: Tensor, eps: Tensor): Tensor {
  return tf.add(tf.mul(coefficient(schedule, 'sqrtAlphasCumprod', ts, rank), x0), tf.mul(coefficient(schedule, 'sqrtOneMinusAlphasCumprod', ts, rank), eps));
}
/**
 * x₀ = (x_t − √(1 − ᾱ)·ε)·√(1/ᾱ), inside a tidy: one product by √(1/ᾱ), so ᾱ = 0 gives ±Infinity (the sign of
 * x_t − ε), not √(1/ᾱ)·x_t − √(1/ᾱ − 1)·ε = Infinity − Infinity = NaN.
 */
export function x0FromEps(schedule: Schedule, ts: CheckedTimesteps, rank: number, xt: Tensor, eps: Tensor): Tensor {
  return tf.mul(tf.sub(xt, tf.mul(coefficient(schedule, 'sqrtOneMinusAlphasCumprod', ts, rank), eps)), coefficient(schedule, 'sqrtRecipAlphasCumprod', ts, rank));
}
/** ε = (x_t − √ᾱ·x₀)/√(1 − ᾱ), inside a tidy. */
export function epsFromX0(schedule: Schedule, ts: CheckedTimesteps, rank: number, xt: Tensor, x0: Tensor): Tensor {
  return tf.div(tf.sub(xt, tf.mul(coefficient(schedule, 'sqrtAlphasCumprod', ts, rank), x0)), coefficient(schedule, 'sqrtOneMinusAlphasCumprod', ts, rank));
}
/** x₀ = √ᾱ·x_t − √(1 − ᾱ)·v, inside a tidy. */
export function x0FromV(schedule: Schedule, ts: CheckedTimesteps, rank: number, xt: Tensor, v: Tensor): Tensor {
  return tf.sub(tf.mul(coefficient(schedule, 'sqrtAlphasCumprod', ts, rank), xt), tf.mul(coefficient(schedule, 'sqrtOneMinusAlphasCumprod', ts, rank), v));
}
/** ε = √(1 − ᾱ)·x_t + √ᾱ·v, inside a tidy. */
export function epsFromV(schedule: Schedule, ts: CheckedTimesteps, rank: number, xt: Tensor, v: Tensor): Tensor {
  return noised(schedule, ts, rank, v, xt);
}
/** v = √ᾱ·ε − √(1 − ᾱ)·x₀, inside a tidy. */
export function vFromX0Eps(schedule: Schedule, ts: CheckedTimesteps, rank: number, x0: Tensor, eps: Tensor): Tensor {
  return x0FromV(schedule, ts, rank, eps, x0);
}
/** Both x₀ and ε from a model output, inside a tidy. */
export function x0AndEps(schedule: Schedule, ts: CheckedTimesteps, rank: number, prediction: Prediction, xt: Tensor, out: Tensor): { x0: Tensor; eps: Tensor } {
  if (prediction === 'epsilon') return { x0: x0FromEps(schedule, ts, rank, xt, out), eps: out };
  if (prediction === 'x0') return { x0: out, eps: epsFromX0(schedule, ts, rank, xt, out) };
  return { x0: x0FromV(schedule, ts, rank, xt, out), eps: epsFromV(schedule, ts, rank, xt, out) };
}
