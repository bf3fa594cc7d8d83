/**
 * An autoregressive prior over the code grid of a VQ-VAE or dVAE: the second stage of the VQ-VAE and
 * DALL-E recipes.
 *
 * @see van den Oord, Vinyals & Kavukcuoglu 2017, "Neural Discrete Representation Learning", NeurIPS,
 *      arXiv:1711.00937, §3.2 and §4 (a PixelCNN prior over the codes, then decoding its samples).
 * @see Ramesh et al. 2021, "Zero-Shot Text-to-Image Generation", ICML, arXiv:2102.12092 (a causal transformer).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assignState, checkFunction, checkInteger, checkNumber, checkOptions, checkSampleCall, composeState, fail, isStateful, type LayersModelWeights, oneHotFloat, sameShape, type Seed, showShape, type StateDict, type Stateful } from '@genmod-internal/core';
import { autoregressiveSample } from './autoregressive-sample.js';
import { checkReturned, sizeOf } from './internal/checks.js';
import { checkEventPoint } from './internal/laws.js';
import type { DiscretePrior } from './prior.js';

/** Options of {@link autoregressivePrior}. @since 0.1.0 */
export interface AutoregressivePriorOptions {
  /** N ≥ 1: the number of codes per example (a grid read in raster order, e.g. 7 × 7 = 49) */
  length: number;
  /** K ≥ 2: the number of classes (the codebook size) */
  classes: number;
  /**
   * the network's variables, for the prior's state (`getState()`, names `network/…`): its `tf.Variable`s by
   * name (`{ embed, out }` → `network/embed`, `network/out`), a Stateful object (`network/` + its names), or a
   * tfjs-layers model (`network/0`, `network/1`, … by the position of its weights). `{}` for a network without
   * parameters. Not needed when `network` itself has `getState()` and `loadState()`.
   * @since 0.1.0
   */
  parameters?: Record<string, tf.Variable> | Stateful | LayersModelWeights;
}

/** Sampling options of {@link AutoregressivePrior.sample}. @since 0.1.0 */
export interface AutoregressivePriorSampleOptions {
  /** seed (a number, 0 included, or a string), as {@link autoregressiveSample}'s */
  seed?: Seed;
  /** τ > 0; default 1 (exact samples of the model) */
  temperature?: number;
  /** keep the k most likely codes at every step; default all */
  topK?: number;
}

/**
 * What {@link autoregressivePrior} returns: a {@link DiscretePrior} with family 'AutoregressivePrior', batch
 * shape `[]`, event shape `[N, K]` and support 'one-hot'. It owns no tensors (the network's variables stay
 * yours).
 *
 * **State** ({@link Stateful}): the network's, as `options.parameters` (or the network itself) names it:
 *
 * | name                | what it is                                                                    |
 * |---------------------|-------------------------------------------------------------------------------|
 * | `network/<name>`    | a variable of `parameters: { <name>: variable }` (e.g. `network/table`)      |
 * | `network/<path>`    | an entry of a Stateful `parameters` (or of a Stateful `network`) by its name |
 * | `network/<i>`       | the i-th weight of a tfjs-layers model given as `parameters`                  |
 *
 * Without `parameters` (and a network that is not Stateful), `getState()` throws: the prior cannot see the
 * variables inside a function, and saving nothing silently would lose the trained prior.
 * @since 0.1.0
 */
export interface AutoregressivePrior extends DiscretePrior, Stateful {
  readonly family: 'AutoregressivePrior';
  readonly support: 'one-hot';
  /** `[N, K]` */
  readonly eventShape: readonly number[];
  /** one-hots `[...sampleShape, N, K]`, drawn one code at a time, without gradient */
  sample(sampleShape?: number[], options?: AutoregressivePriorSampleOptions): Tensor;
  /** log p(c) = Σ_n Σ_k c_nk·log p(c_n = k | c_<n), `[...]` for (relaxed) one-hots `[..., N, K]` */
  logProb(c: Tensor): Tensor;
  /** log p(c_n = k | c_<n) for every n and k, `[..., N, K]`, from one teacher-forced pass */
  conditionalLogProbs(c: Tensor): Tensor;
  /** the network's variables as `network/…` (live: do not dispose); throws without `options.parameters` @since 0.1.0 */
  getState(): StateDict;
  /** loads the network's variables (all checked first; nothing changes on a mismatch) @since 0.1.0 */
  loadState(state: StateDict): void;
}

/**
 * The prior p(c) = Π_{n<N} p(c_n | c_<n) over N categorical codes with K classes, from a causal network:
 *
 *   log p(c_n = k | c_<n) = logSoftmax(network(c))_nk,
 *   log p(c) = Σ_n Σ_k c_nk · log p(c_n = k | c_<n)     (teacher forcing: one pass scores every position),
 *
 * and sampling draws c_0, c_1, … one at a time ({@link autoregressiveSample}, with temperature and top-k).
 * `network` maps one-hots `[M, N, K]` to logits `[M, N, K]` and must be **strictly causal**: row n of its
 * output may depend on c_0..c_{n−1} only (shift the input right by one position, e.g. behind a learned start
 * token, and use {@link causalMask} in its self-attention). A network that peeks at c_n scores the training
 * codes perfectly and samples garbage.
 *
 * Train it by maximum likelihood on the codes of a trained VQ-VAE or dVAE (`loss = −mean(logProb(c))`),
 * or jointly, as the `prior` of {@link discreteElbo}. Report `−logProb(c)/(N·ln 2)` in bits per code against
 * the uniform prior's log₂ K.
 *
 * @param network `(c: [M, N, K]) ↦ logits [M, N, K]`, strictly causal
 * @see van den Oord et al. 2017, arXiv:1711.00937 · Ramesh et al. 2021, arXiv:2102.12092 · Vaswani et al. 2017, arXiv:1706.03762
 * @example
 * ```ts
 * // the simplest causal network: logits of code n from code n − 1 through a K × K table (a Markov chain)
 * const table = tf.tidy(() => tf.variable(tf.zeros([4, 4])));
 * const network = (c: tf.Tensor) => {
 *   const previous = tf.pad(tf.slice(c, [0, 0, 0], [-1, 5, -1]), [[0, 0], [1, 0], [0, 0]]); // shift right
 *   return tf.reshape(tf.matMul(tf.reshape(previous, [-1, 4]), table), [-1, 6, 4]);
 * };
 * const prior = autoregressivePrior(network, { length: 6, classes: 4 });
 * const c = prior.sample([10], { seed: 0, temperature: 0.9, topK: 3 });   // one-hots [10, 6, 4]
 * const bitsPerCode = tf.div(tf.neg(tf.mean(prior.logProb(c))), 6 * Math.LN2); // log2(4) = 2 for this uniform start
 * ```
 * @since 0.1.0
 */
export function autoregressivePrior(network: (c: Tensor) => Tensor, options: AutoregressivePriorOptions): AutoregressivePrior {
  const fn = 'autoregressivePrior';
  checkFunction(fn, 'network', network);
  if (options === undefined) fail(fn, 'options', 'an object { length, classes }', options);
  checkOptions(fn, options, ['length', 'classes', 'parameters']);
  const n = checkInteger(fn, 'options.length', options.length, { min: 1 });
  const k = checkInteger(fn, 'options.classes', options.classes, { min: 2 });
  const event = [n, k];
  const state = networkState(fn, network, options.parameters);

  /** network(c) checked, as log-probabilities; c `[M, N, K]`. */
  const logits = (f: string, c: Tensor): Tensor => {
    const out = checkReturned(f, 'network(c)', network(c));
    if (!sameShape(out.shape, c.shape)) fail(f, 'network(c)', `logits of the input's ${showShape(c.shape)}`, out);
    return tf.logSoftmax(out);
  };
  const checkCodes = (f: string, c: unknown): { batch: number[]; m: number } => {
    if (!(c instanceof tf.Tensor) || c.dtype !== 'float32') fail(f, 'c', 'a float32 tensor of one-hots [..., N, K]', c);
    const batch = checkEventPoint(f, c, event, 'c').shape.slice(0, -2);
    return { batch, m: sizeOf(batch) };
  };

  return {
    family: 'AutoregressivePrior',
    batchShape: [],
    eventShape: event,
    support: 'one-hot',
    sample(sampleShape: number[] = [], options?: AutoregressivePriorSampleOptions): Tensor {
      const f = 'autoregressivePrior.sample';
      checkSampleCall(f, sampleShape, options, ['seed', 'temperature', 'topK']);
      const o = options ?? {};
      if (o.temperature !== undefined) checkNumber(f, 'options.temperature', o.temperature, { above: 0 });
      if (o.topK !== undefined && (!Number.isInteger(o.topK) || o.topK < 1 || o.topK > k)) fail(f, 'options.topK', `an integer in [1, K] = [1, ${k}]`, o.topK);
      const m = sizeOf(sampleShape);
      if (m === 0) return tf.zeros([...sampleShape, n, k]);
      const step = (prefix: Tensor, i: number): Tensor => {
        // the codes drawn so far, one-hot, padded with zeros to N positions: a causal network ignores the padding
        const drawn = i === 0 ? tf.zeros([m, n, k]) : tf.pad(oneHotFloat(prefix, k), [[0, 0], [0, n - i], [0, 0]]);
        return tf.reshape(tf.slice(logits(f, drawn), [0, i, 0], [-1, 1, -1]), [m, k]);
      };
      return tf.tidy(f, () => {
        const codes = autoregressiveSample(step, {
          length: n,
          batch: m,
          ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
          ...(o.topK !== undefined ? { topK: o.topK } : {}),
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
        });
        return tf.reshape(oneHotFloat(codes, k), [...sampleShape, n, k]);
      });
    },
    logProb(c: Tensor): Tensor {
      const f = 'autoregressivePrior.logProb';
      const { batch, m } = checkCodes(f, c);
      return tf.tidy(f, () => {
        const flat = tf.reshape(c, [m, n, k]);
        return tf.reshape(tf.sum(tf.mul(flat, logits(f, flat)), [1, 2]), batch);
      });
    },
    conditionalLogProbs(c: Tensor): Tensor {
      const f = 'autoregressivePrior.conditionalLogProbs';
      const { m } = checkCodes(f, c);
      return tf.tidy(f, () => tf.reshape(logits(f, tf.reshape(c, [m, n, k])), c.shape));
    },
    getState(): StateDict {
      if (state === undefined) throw new Error(missingParameters('autoregressivePrior.getState'));
      return state.getState();
    },
    loadState(s: StateDict): void {
      if (state === undefined) throw new Error(missingParameters('autoregressivePrior.loadState'));
      state.loadState(s);
    },
  };
}

const missingParameters = (f: string) =>
  `${f}: the prior does not know the network's variables: pass them as options.parameters ({ name: variable }, a Stateful object or a tfjs-layers model; {} for a network without parameters), or save the network yourself`;

/** The network's state under `network/…`, from `parameters` or a Stateful network; undefined when unknown. */
function networkState(fn: string, network: unknown, parameters: AutoregressivePriorOptions['parameters']): Stateful | undefined {
  const candidate: unknown = parameters ?? network;
  const stateful = candidate as Partial<Stateful> | null;
  if (typeof stateful?.getState === 'function' && typeof stateful.loadState === 'function') {
    const own = stateful as Stateful; // an object, or a network function with getState/loadState
    return composeState({ network: { getState: () => own.getState(), loadState: (s: StateDict) => own.loadState(s) } });
  }
  if (parameters === undefined) return undefined;
  if (parameters === null || typeof parameters !== 'object') fail(fn, 'options.parameters', 'an object of tf.Variables by name, a Stateful object or a tfjs-layers model', parameters);
  if (isStateful(parameters)) return composeState({ network: parameters });
  if (Array.isArray((parameters as LayersModelWeights).weights)) return composeState({ network: parameters as LayersModelWeights });
  const variables = parameters as Record<string, unknown>;
  for (const [name, v] of Object.entries(variables)) {
    if (!(v instanceof tf.Variable)) fail(fn, `options.parameters.${name}`, 'a tf.Variable', v);
  }
  const own = { ...(variables as Record<string, tf.Variable>) };
  return composeState({ network: { getState: () => ({ ...own }), loadState: (s: StateDict) => assignState('autoregressivePrior.loadState', own, s) } });
}
