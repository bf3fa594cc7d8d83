import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { nonDifferentiable } from '@genmod-internal/core';

/** Φ(z) = ½·(1 + erf(z/√2)), inside a tidy. */
function standardNormalCdf(z: Tensor): Tensor {
  return tf.mul(0.5, tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
}

/** The discretized Gaussian log-likelihood of 8-bit data on tensors (see discretizedGaussianLogLikelihood), inside a tidy. */
export function discretizedTensors(x: Tensor, mean: Tensor, logScale: Tensor): Tensor {
  const centered = tf.sub(x, mean);
  const invStd = tf.exp(tf.neg(logScale));
  const cdfPlus = standardNormalCdf(tf.mul(invStd, tf.add(centered, 1 / 255)));
  const cdfMin = standardNormalCdf(tf.mul(invStd, tf.sub(centered, 1 / 255)));
  const logCdfPlus = tf.log(tf.maximum(cdfPlus, 1e-12));
  const logOneMinusCdfMin = tf.log(tf.maximum(tf.sub(1, cdfMin), 1e-12));
  const logDelta = tf.log(tf.maximum(tf.sub(cdfPlus, cdfMin), 1e-12));
  // which bin formula applies depends on x alone: masks built off the gradient path
  const low = nonDifferentiable((v) => tf.less(v, -0.999), x);
  const high = nonDifferentiable((v) => tf.greater(v, 0.999), x);
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(tf.broadcast_util.assertAndGetBroadcastShape(x.shape, mean.shape), logScale.shape);
  const b = (v: Tensor) => tf.broadcastTo(v, shape);
  return tf.where(b(low), b(logCdfPlus), tf.where(b(high), b(logOneMinusCdfMin), b(logDelta)));
}
