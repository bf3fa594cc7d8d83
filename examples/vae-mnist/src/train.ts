/**
 * One training step of the showcase's VAEs, shared with bench/src/mnist (the time-to-quality runner): the
 * loss −mean ELBO of a batch, minimized by the optimizer (the showcase and the bench use `fusedAdam` from
 * @genmod/backend, bit-equal to tf.train.adam), every tensor of the step disposed.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from './models.js';

/**
 * Runs one step on the binary batch `x` (`[rows·784]`). With `read` (default true) returns [loss, ELBO]
 * (batch means, read from the device); without, returns undefined and reads nothing.
 */
export function trainStep(model: Model, optimizer: tf.Optimizer, x: Float32Array, rows: number, step: number, read = true): [number, number] | undefined {
  let elboT: tf.Scalar | undefined;
  let lossT: tf.Scalar | null = null;
  tf.tidy(() => {
    const xb = tf.tensor2d(x, [rows, x.length / rows]);
    lossT = optimizer.minimize(() => {
      const o = model.objective(xb, step);
      if (read) elboT = tf.keep(o.elbo);
      return o.loss;
    }, read, model.variables);
    if (lossT !== null) tf.keep(lossT);
  });
  if (lossT === null || elboT === undefined) return undefined;
  const loss: tf.Scalar = lossT;
  const values: [number, number] = [loss.dataSync()[0]!, elboT.dataSync()[0]!];
  tf.dispose([loss, elboT]);
  return values;
}
