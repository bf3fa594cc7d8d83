/**
 * The optimizer the workloads train with: @genmod/backend's fusedAdam (one kernel per variable, bit-equal to
 * tf.train.adam on cpu and wasm), as an app that installs @genmod/backend would use it; `--tfjs-adam` on the
 * command line uses tf.train.adam instead (the "before" rows of issue 17).
 */
import * as tf from '@tensorflow/tfjs';
import { fusedAdam } from '@genmod/backend';

export const tfjsAdam = process.argv.includes('--tfjs-adam');

/** Adam with tf.train.adam's signature. */
export function adam(learningRate: number, beta1?: number, beta2?: number, epsilon?: number): tf.Optimizer {
  return tfjsAdam ? tf.train.adam(learningRate, beta1, beta2, epsilon) : fusedAdam(learningRate, beta1, beta2, epsilon);
}
