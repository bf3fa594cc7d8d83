/**
 * The state of a network the training functions accept (issue 15): a function over `tf.Variable`s or a
 * LayersModel, as a {@link Stateful} part of a checkpoint (`composeState({ generator, critic, spectral })`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Variable } from '@tensorflow/tfjs-core';
import { type StateDict, type Stateful, assignState, fail, isStateful } from '@genmod-internal/core';
import type { AdversarialNetwork } from './internal/networks.js';
import type { NamedVariables } from './weight-clipping.js';

const fn = 'networkState';

function byPosition(vs: ReadonlyArray<unknown>, arg: string): StateDict {
  const out: StateDict = {};
  vs.forEach((v, i) => {
    if (!(v instanceof tf.Variable)) fail(fn, `${arg}[${i}]`, 'a tf.Variable (from the same @tensorflow/tfjs-core as this package)', v);
    out[String(i)] = v;
  });
  return out;
}

function byName(vs: NamedVariables): StateDict {
  const out: StateDict = {};
  for (const [name, v] of Object.entries(vs)) {
    if (name === '') fail(fn, 'variables', 'non-empty names', "''");
    if (!(v instanceof tf.Variable)) fail(fn, `variables['${name}']`, 'a tf.Variable (from the same @tensorflow/tfjs-core as this package)', v);
    out[name] = v;
  }
  return out;
}

/** The variables behind a network: given, its own `trainableVariables`, or a LayersModel's weights. */
function variablesOf(network: unknown, variables: unknown): StateDict {
  if (variables !== undefined) {
    if (Array.isArray(variables)) return byPosition(variables, 'variables');
    if (variables !== null && typeof variables === 'object' && !(variables instanceof tf.Tensor)) return byName(variables as NamedVariables);
    return fail(fn, 'variables', 'an array or a { name: Variable } map of tf.Variables', variables);
  }
  const net = network as { trainableVariables?: unknown; weights?: unknown; trainableWeights?: unknown } | null;
  if (typeof network === 'function' && Array.isArray(net!.trainableVariables)) return byPosition(net!.trainableVariables, 'network.trainableVariables');
  if (net !== null && typeof net === 'object') {
    const weights = Array.isArray(net.weights) ? net.weights : net.trainableWeights;
    if (Array.isArray(weights) && weights.every((w) => typeof (w as { read?: unknown })?.read === 'function')) {
      return byPosition(weights.map((w) => (w as { read(): unknown }).read()), 'network.weights');
    }
  }
  return fail(
    fn, 'network',
    'a Stateful network, a function with a trainableVariables property (or its variables as the second argument), or a LayersModel',
    network === null || (typeof network !== 'object' && typeof network !== 'function') ? network : `a ${typeof network} without them`,
  );
}

/**
 * The state of a network, for a checkpoint: `saveState(composeState({ generator: networkState(G),
 * critic: networkState(D), spectral }), …)`. The names are
 *
 * | network | names |
 * |---|---|
 * | `variables` given as `{ name: Variable }` | those names (e.g. `'0/kernel'`, `'1/kernel'`) |
 * | `variables` given as an array, or a function with `trainableVariables` | `'0'`, `'1'`, … by position |
 * | a LayersModel (`tf.sequential()`, `tf.model()`) | `'0'`, `'1'`, … over `model.weights` (as `composeState` names it) |
 * | an object or function that is already `Stateful` | its own names (returned as it is) |
 *
 * The variables are read when `getState()` is called (a LayersModel must be built), and `loadState(state)`
 * checks names, shapes and dtypes of all of them before it assigns any. Masks, activations and the function
 * itself are code, not state: load into a network built the same way.
 *
 * @param network a network the training functions accept (a function over variables or a LayersModel)
 * @param variables its variables, when `network` carries none (the `generatorVariables` of `trainAdversarial`)
 * @returns a `Stateful` view of the network's variables (it owns nothing: disposing the network frees them)
 * @example
 * ```ts
 * const W = tf.variable(tf.ones([2, 1]));
 * const critic = (x: tf.Tensor) => tf.matMul(x, W);
 * console.log(Object.keys(networkState(critic, { kernel: W }).getState())); // ['kernel']
 * ```
 * @since 0.1.0
 */
export function networkState(network: AdversarialNetwork | Stateful, variables?: Variable[] | NamedVariables): Stateful {
  if (variables === undefined && isStateful(network)) return network;
  variablesOf(network, variables); // checks now, so a wrong argument throws here and not at save time
  return {
    getState: () => variablesOf(network, variables),
    loadState(state: StateDict) {
      assignState(`${fn}.loadState`, variablesOf(network, variables), state);
    },
  };
}
