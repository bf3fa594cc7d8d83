/**
 * Network resolution and the argument checks of the training steps ({@link discriminatorStep},
 * {@link generatorStep}, {@link trainAdversarial}, {@link avbStep}); every check runs before anything moves.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs-core';
import { fail } from '@genmod-internal/core';
import type { GanLoss } from '../gan-loss.js';

/**
 * Anything shaped like a tfjs-layers `LayersModel` (`tf.sequential()`, `tf.model()`): called with
 * `apply(x, { training: true })`, trained through the `tf.Variable`s behind its `trainableWeights`.
 *
 * @example
 * ```ts
 * const model: LayersModelLike = { apply: (x) => x, trainableWeights: [] };
 * ```
 * @since 0.1.0
 */
export interface LayersModelLike {
  apply(inputs: Tensor, kwargs?: { training?: boolean }): unknown;
  readonly trainableWeights: ReadonlyArray<{ read(): Tensor }>;
}

/**
 * A network the training functions accept: a function over `tf.Variable`s (its variables given in the
 * options, or attached as a `trainableVariables` property), or a LayersModel.
 *
 * @example
 * ```ts
 * const w = tf.variable(tf.zeros([2, 1]));
 * const critic: AdversarialNetwork = (x) => tf.matMul(x, w);
 * ```
 * @since 0.1.0
 */
export type AdversarialNetwork = ((x: Tensor) => Tensor) | LayersModelLike;

/** A network resolved to a call and the variables an optimizer updates. */
export interface ResolvedNetwork {
  call(x: Tensor): Tensor;
  variables: Variable[];
}

const NETWORK = 'a function (x: Tensor) => Tensor or a LayersModel (apply + trainableWeights)';

function isLayersModel(net: unknown): net is LayersModelLike {
  return net !== null && typeof net === 'object' && typeof (net as LayersModelLike).apply === 'function' && Array.isArray((net as LayersModelLike).trainableWeights);
}

function checkOutput(fn: string, arg: string, out: unknown): Tensor {
  const t = Array.isArray(out) && out.length === 1 ? out[0] : out;
  if (!(t instanceof tf.Tensor)) fail(fn, `the output of ${arg}`, 'a single tensor', Array.isArray(out) ? `an array of ${out.length}` : out);
  return t;
}

/** A network as a call only (e.g. the discriminator of a generator update, whose variables do not move). */
export function resolveCall(fn: string, arg: string, net: unknown): (x: Tensor) => Tensor {
  if (typeof net === 'function') return (x) => checkOutput(fn, arg, (net as (x: Tensor) => Tensor)(x));
  if (isLayersModel(net)) return (x) => checkOutput(fn, arg, net.apply(x, { training: true }));
  return fail(fn, arg, NETWORK, net === null || typeof net !== 'object' ? net : 'an object without apply/trainableWeights');
}

/** Resolves a network and its variables (`options.<variablesKey>`, a `trainableVariables` property, or a LayersModel's weights). */
export function resolveNetwork(fn: string, arg: string, net: unknown, variables: unknown, variablesArg: string): ResolvedNetwork {
  const call = resolveCall(fn, arg, net);
  const found = variables ?? (isLayersModel(net) ? net.trainableWeights.map((w) => w.read()) : (net as { trainableVariables?: unknown }).trainableVariables);
  if (found === undefined) {
    fail(fn, variablesArg, `the tf.Variables of ${arg} (a plain function needs them in ${variablesArg} or as a trainableVariables property)`, 'undefined');
  }
  const hint = isLayersModel(net) ? ' (a LayersModel has no weights until it is built: give its first layer an inputShape)' : '';
  return { call, variables: checkVariables(fn, variablesArg, found, `a non-empty array of the tf.Variables of ${arg}${hint}`) };
}

/** A non-empty array of tf.Variables. */
export function checkVariables(fn: string, arg: string, vs: unknown, expected = 'a non-empty array of tf.Variables'): Variable[] {
  if (!Array.isArray(vs) || vs.length === 0) fail(fn, arg, expected, vs);
  const bad = vs.findIndex((v) => !(v instanceof tf.Variable));
  if (bad >= 0) fail(fn, `${arg}[${bad}]`, 'a tf.Variable (from the same @tensorflow/tfjs-core as this package)', vs[bad]);
  return vs as Variable[];
}

/** A tf.Optimizer. */
export function checkOptimizer(fn: string, arg: string, opt: unknown): Optimizer {
  if (opt === null || typeof opt !== 'object' || typeof (opt as Optimizer).minimize !== 'function') fail(fn, arg, 'a tf.Optimizer (e.g. tf.train.adam(1e-4, 0.5, 0.9))', opt);
  return opt as Optimizer;
}

/** Two optimizers that are different objects (an optimizer keeps per-variable state). */
export function checkTwoOptimizers(fn: string, args: [string, string], a: unknown, b: unknown): [Optimizer, Optimizer] {
  const first = checkOptimizer(fn, args[0], a);
  const second = checkOptimizer(fn, args[1], b);
  if (first === second) fail(fn, args[1], `a different optimizer from ${args[0]} (optimizers keep per-variable state)`, 'the same object');
  return [first, second];
}

/** A GanLoss pair. */
export function checkLoss(fn: string, loss: unknown): GanLoss {
  const l = loss as GanLoss;
  if (l === null || typeof l !== 'object' || typeof l.discriminator !== 'function' || typeof l.generator !== 'function') {
    fail(fn, 'options.loss', 'a GanLoss ({ name, discriminator(real, fake), generator(fake) }, e.g. nonSaturatingLoss)', loss);
  }
  return l;
}

/** Two disjoint sets of variables (an update of one must not move the other). */
export function checkSameVariables(fn: string, g: Variable[], d: Variable[], what = 'the generator and discriminator variables'): void {
  const ids = new Set(g.map((v) => v.id));
  const shared = d.find((v) => ids.has(v.id));
  if (shared) fail(fn, what, 'disjoint (an update of one must not move the other)', `variable "${shared.name}" in both`);
}
