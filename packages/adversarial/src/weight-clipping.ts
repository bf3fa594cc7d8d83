/**
 * Weight clipping, the original WGAN's way of keeping the critic Lipschitz.
 *
 * @see Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN", arXiv:1701.07875, Algorithm 1 (c = 0.01).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Variable } from '@tensorflow/tfjs-core';

/** Variables by name. @since 0.1.0 */
export type NamedVariables = { [name: string]: Variable };
import { checkNumber, fail, show } from '@genmod-internal/core';

/**
 * Clips every element of every variable to [−c, c], in place (after each critic step):
 *
 *   w ← clip(w, −c, c)
 *
 * ±Infinity become ±c; a NaN weight stays NaN on every backend (a diverged critic is not hidden).
 *
 * The critic then lies in a compact set of functions, all K-Lipschitz for some K. Gulrajani et al. 2017
 * (arXiv:1704.00028) show it biases the critic towards simple functions; prefer `gradientPenalty` or
 * spectral normalization.
 *
 * @param variables the critic's variables: an array, a `{ name: Variable }` map (what
 *   `tf.variableGrads` returns names for), or one Variable. For a LayersModel pass
 *   `model.trainableWeights.map((w) => w.read() as tf.Variable)`.
 * @param c the clipping bound, > 0. Default 0.01 (the paper's value).
 * @see Arjovsky, Chintala & Bottou 2017, arXiv:1701.07875, Algorithm 1
 * @example
 * ```ts
 * const w = tf.variable(tf.tensor1d([-0.5, 0.005, 2]));
 * clipWeights([w], 0.01);
 * w.print(); // [-0.01, 0.005, 0.01]
 * ```
 * @since 0.1.0
 */
export function clipWeights(variables: Variable[] | NamedVariables | Variable, c = 0.01): void {
  const fn = 'clipWeights';
  const bound = checkNumber(fn, 'c', c, { above: 0 });
  const list: unknown[] =
    variables instanceof tf.Variable
      ? [variables]
      : Array.isArray(variables)
        ? variables
        : variables !== null && typeof variables === 'object' && !(variables instanceof tf.Tensor)
          ? Object.values(variables)
          : fail(fn, 'variables', 'an array or a { name: Variable } map of tf.Variable', variables);
  list.forEach((v, i) => {
    if (!(v instanceof tf.Variable)) fail(fn, `variables[${i}]`, 'a tf.Variable', v);
    if (v.dtype !== 'float32') fail(fn, `variables[${i}]`, `a float32 tf.Variable (got ${show(v)})`, v.dtype);
  });
  // a NaN weight stays NaN (a diverged critic is not hidden): the wasm backend's clipByValue turns NaN into −c
  for (const v of list as Variable[]) tf.tidy(() => v.assign(tf.where(tf.isNaN(v), v, tf.clipByValue(v, -bound, bound))));
}
