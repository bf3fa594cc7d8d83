// Dense layers over tf.Variables, shared by mlp and made: y = act(x·(W ⊙ M) + b) on [..., I] inputs.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkFunction, checkInteger, checkSeed, deriveSeed, fail, type Seed } from '@genmod-internal/core';
import { checkContext } from './checks.js';
import { leafState } from './state.js';

export interface Dense {
  w: tf.Variable;
  b: tf.Variable;
  /** a fixed 0/1 mask on W (MADE), or undefined */
  mask?: Tensor;
}

/**
 * W, b ~ U(−1/√fan_in, 1/√fan_in) (PyTorch's nn.Linear default), or zeros. Layer `l` of a network draws W
 * from the stream deriveSeed(seed, 'layer', l, 'w') and b from deriveSeed(seed, 'layer', l, 'b').
 */
export function dense(fanIn: number, fanOut: number, zero: boolean, seed: Seed | undefined, l: number, name: string): Dense {
  const bound = 1 / Math.sqrt(Math.max(1, fanIn));
  const init = (shape: number[], stream: 'w' | 'b') => (zero ? tf.zeros(shape) : tf.randomUniform(shape, -bound, bound, 'float32', deriveSeed(seed, 'layer', l, stream)));
  return tf.tidy(() => ({
    w: tf.variable(init([fanIn, fanOut], 'w'), true, `${name}_w_${uid()}`),
    b: tf.variable(init([fanOut], 'b'), true, `${name}_b_${uid()}`),
  }));
}

let counter = 0;
/** Unique variable names (tfjs refuses two variables with the same name). */
export function uid(): number {
  return ++counter;
}

/** x [..., I] → [..., O]: matMul on the flattened batch (tfjs 4.22 mis-broadcasts batched matMul). */
export function applyDense(layer: Dense, x: Tensor): Tensor {
  const fanIn = layer.w.shape[0]!;
  const fanOut = layer.w.shape[1]!;
  const lead = x.shape.slice(0, -1);
  const w = layer.mask ? tf.mul(layer.w, layer.mask) : layer.w;
  const y = tf.add(tf.matMul(tf.reshape(x, [-1, fanIn]), w), layer.b);
  return tf.reshape(y, [...lead, fanOut]);
}

/** Concatenates x [..., I] with a context [..., C] broadcast to x's batch shape. */
export function withContext(x: Tensor, context: Tensor | undefined): Tensor {
  if (context === undefined) return x;
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(x.shape.slice(0, -1), context.shape.slice(0, -1));
  return tf.concat([tf.broadcastTo(x, [...batch, x.shape[x.rank - 1]!]), tf.broadcastTo(context, [...batch, context.shape[context.rank - 1]!])], -1);
}

/**
 * The callable network over a stack of dense layers (masked or not): x `[..., inputs]` (and the context,
 * concatenated, when the network takes one) through every layer, `act` between layers, none after the
 * last. Owns the layers' variables (and masks), freed by `dispose()`; its state names layer l's W and b
 * `l/kernel` and `l/bias`.
 */
export function denseNetwork(fn: string, layers: Dense[], inputs: number, contextSize: number | undefined, act: (x: Tensor) => Tensor) {
  const variables = layers.flatMap((l) => [l.w, l.b]);
  const net = (x: Tensor, context?: Tensor): Tensor => {
    if (!(x instanceof tf.Tensor) || x.dtype !== 'float32' || x.rank < 1 || x.shape[x.rank - 1] !== inputs) fail(fn, 'input', `a float32 tensor of shape [..., ${inputs}]`, x);
    checkContext(fn, context, contextSize);
    return tf.tidy(fn, () => {
      let h = withContext(x, contextSize === undefined ? undefined : context);
      layers.forEach((layer, l) => {
        h = applyDense(layer, h);
        if (l + 1 < layers.length) h = act(h);
      });
      return h;
    });
  };
  return Object.assign(net, {
    trainableVariables: variables,
    // layer l's W and b as `l/kernel`, `l/bias` (the masks are fixed by the options: not state)
    ...leafState(`${fn}.loadState`, () => Object.fromEntries(layers.flatMap((l, i) => [[`${i}/kernel`, l.w], [`${i}/bias`, l.b]]))),
    dispose: () => tf.dispose([...variables, ...layers.flatMap((l) => (l.mask ? [l.mask] : []))]),
  });
}

/**
 * The options every dense network reads (`hidden`, `contextSize`, `activation`, `seed`), checked before
 * anything is allocated.
 */
export function checkNetworkOptions(fn: string, options: { hidden?: number[]; contextSize?: number; activation?: (x: Tensor) => Tensor; seed?: Seed }) {
  const hidden = options.hidden ?? [64, 64];
  if (!Array.isArray(hidden)) fail(fn, 'options.hidden', 'an array of positive integers', hidden);
  hidden.forEach((h, i) => checkInteger(fn, `options.hidden[${i}]`, h, { min: 1 }));
  const contextSize = options.contextSize === undefined ? undefined : checkInteger(fn, 'options.contextSize', options.contextSize, { min: 1 });
  const seed = checkSeed(fn, options.seed);
  const act = options.activation ?? ((x: Tensor) => tf.relu(x));
  checkFunction(fn, 'options.activation', act);
  return { hidden, contextSize, seed, act };
}
