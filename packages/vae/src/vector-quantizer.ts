/**
 * A vector quantizer that owns its codebook: gradient or EMA codebook updates, k-means initialization,
 * dead-code restarts, usage and perplexity — what vector-quantize-pytorch users rely on.
 *
 * @see van den Oord, Vinyals & Kavukcuoglu 2017, "Neural Discrete Representation Learning", arXiv:1711.00937, appendix A.1 (EMA).
 * @see Razavi, van den Oord & Vinyals 2019, "Generating Diverse High-Fidelity Images with VQ-VAE-2", arXiv:1906.00446.
 * @see Łańcucki et al. 2020, "Robust Training of Vector Quantized Bottleneck Models", arXiv:2005.08520 (k-means init, code restarts).
 * @see Dhariwal et al. 2020, "Jukebox", arXiv:2005.00341 (restarting dead codes from the batch).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { assignState, checkInteger, checkNumber, checkOptions, checkSeed, deriveSeed, fail, normalNoise, toFloat, type Seed, type StateDict, type Stateful } from '@genmod-internal/core';
import { oneHotArgMin } from './internal/checks.js';
import { checkVq, quantize, squaredDistances } from './internal/quantize.js';
import type { VectorQuantizeResult } from './vector-quantize.js';

/** Options of {@link VectorQuantizer}. @since 0.1.0 */
export interface VectorQuantizerOptions {
  /** K, the number of codes */
  codebookSize: number;
  /** D, the code dimension (the last axis of the encoder output) */
  dim: number;
  /** the commitment weight β, default 0.25 */
  beta?: number;
  /**
   * EMA codebook updates instead of the codebook loss: `true` or `{ decay, epsilon }` (defaults 0.99 and
   * 1e−5, the Laplace smoothing). The codebook is then not a trainable variable; call `update(zE)` each step.
   */
  ema?: boolean | { decay?: number; epsilon?: number };
  /** k-means iterations run on the first batch given to `update` to initialize the codebook; 0 (default): no k-means */
  kmeansIterations?: number;
  /**
   * restart codes whose usage (an exponential moving average of their per-batch counts) falls below this
   * threshold, from random vectors of the batch; 0 (default): never
   */
  deadCodeThreshold?: number;
  /** the decay of the usage average, default the EMA decay (0.99) */
  usageDecay?: number;
  /**
   * seed (a number, 0 included, or a string) of the initial codebook N(0, 1) (its 'init' stream) and of the
   * row choices of k-means and restarts (its 'rows' stream)
   */
  seed?: Seed;
}

const VQ_KEYS = ['codebookSize', 'dim', 'beta', 'ema', 'kmeansIterations', 'deadCodeThreshold', 'usageDecay', 'seed'];

/**
 * A VQ-VAE bottleneck owning its codebook `tf.Variable` [K, D].
 *
 * - `quantize(zE)` is {@link vectorQuantize} against the codebook (with EMA updates, the codebook loss
 *   is 0 and only the commitment loss remains), differentiable, without side effects.
 * - `update(zE)` (no gradient; call once per step with the encoder outputs) does, in order: k-means
 *   initialization on the first call (if asked), the EMA update
 *     N_k ← γ·N_k + (1 − γ)·n_k,   m_k ← γ·m_k + (1 − γ)·Σ_{i: k(i) = k} z_i,
 *     Ñ_k = (N_k + ε)/(Σ_j N_j + K·ε)·Σ_j N_j   (Laplace smoothing),   e_k = m_k/Ñ_k
 *   (if EMA is on), the usage average u_k ← γ_u·u_k + (1 − γ_u)·n_k, and the restart of codes with
 *   u_k < threshold from random batch vectors. It returns how many codes were restarted.
 * - `usage()` is u [K]; `perplexity` comes with every `quantize`.
 *
 * `dispose()` frees the codebook and the EMA state.
 *
 * **State** ({@link Stateful}: `getState()` / `loadState()`, saved with `saveState`): every tensor that the
 * next `quantize` and `update` depend on, so a loaded quantizer continues exactly where the saved one was
 * (no second k-means, the same next EMA step, the same next dead-code restart):
 *
 * | name           | shape, dtype      | what it is                                                            |
 * |----------------|-------------------|-----------------------------------------------------------------------|
 * | `codebook`     | `[K, D]` float32  | the codes e_k (trainable unless EMA updates them)                     |
 * | `clusterSize`  | `[K]` float32     | EMA only: the EMA cluster sizes N_k                                   |
 * | `embedSum`     | `[K, D]` float32  | EMA only: the EMA sums m_k                                            |
 * | `usageAverage` | `[K]` float32     | the usage average u_k that dead-code restarts compare to the threshold |
 * | `updates`      | `[]` int32        | how many `update` calls so far (k-means runs only at 0)               |
 * | `randomState`  | `[]` int32        | the state of the host generator that picks rows for k-means and restarts |
 *
 *
 * @see van den Oord et al. 2017, arXiv:1711.00937 · Razavi et al. 2019, arXiv:1906.00446 · Łańcucki et al. 2020, arXiv:2005.08520
 * @example
 * ```ts
 * const vq = new VectorQuantizer({ codebookSize: 32, dim: 4, ema: true, kmeansIterations: 5, deadCodeThreshold: 0.1, seed: 1 });
 * const zE = tf.randomNormal([64, 4], 0, 1, 'float32', 2);
 * vq.update(zE);                                   // k-means init, EMA step, restarts
 * const { zQ, loss, perplexity } = vq.quantize(zE); // [64, 4], commitment loss, codes in use
 * vq.dispose();
 * ```
 * @since 0.1.0
 */
export class VectorQuantizer implements Stateful {
  /** The codes e_k, `[K, D]`. */
  readonly codebook: tf.Variable;
  readonly codebookSize: number;
  readonly dim: number;
  readonly beta: number;
  /** EMA decay γ and Laplace ε, or undefined when the codebook is trained by the codebook loss */
  readonly ema: { decay: number; epsilon: number } | undefined;
  private readonly clusterSize: tf.Variable | undefined; // N [K]
  private readonly embedSum: tf.Variable | undefined; // m [K, D]
  private readonly usageAverage: tf.Variable; // u [K]
  private readonly kmeansIterations: number;
  private readonly threshold: number;
  private readonly usageDecay: number;
  private readonly updatesVariable: tf.Variable; // the step counter, int32 []
  private readonly randomVariable: tf.Variable; // the rows generator's state, int32 []
  private updates = 0; // cache of updatesVariable
  private randomState: number; // cache of randomVariable, as uint32 (mulberry32's state)

  constructor(options: VectorQuantizerOptions) {
    const fn = 'VectorQuantizer';
    if (options === undefined) fail(fn, 'options', 'an object { codebookSize, dim, … }', options);
    checkOptions(fn, options, VQ_KEYS);
    const k = checkInteger(fn, 'options.codebookSize', options.codebookSize, { min: 2 });
    const d = checkInteger(fn, 'options.dim', options.dim, { min: 1 });
    this.beta = checkNumber(fn, 'options.beta', options.beta ?? 0.25, { min: 0 });
    const e = options.ema;
    if (e !== undefined && typeof e !== 'boolean' && (e === null || typeof e !== 'object')) fail(fn, 'options.ema', 'a boolean or an object { decay, epsilon }', e);
    const eo = typeof e === 'object' ? checkOptions(fn, e, ['decay', 'epsilon'], 'options.ema') : {};
    const unit = { above: 0, below: 1 };
    this.ema = e ? { decay: checkNumber(fn, 'options.ema.decay', eo.decay ?? 0.99, unit), epsilon: checkNumber(fn, 'options.ema.epsilon', eo.epsilon ?? 1e-5, { above: 0 }) } : undefined;
    this.kmeansIterations = checkInteger(fn, 'options.kmeansIterations', options.kmeansIterations ?? 0, { min: 0 });
    this.threshold = checkNumber(fn, 'options.deadCodeThreshold', options.deadCodeThreshold ?? 0, { min: 0 });
    this.usageDecay = checkNumber(fn, 'options.usageDecay', options.usageDecay ?? this.ema?.decay ?? 0.99, unit);
    const seed = checkSeed(fn, options.seed);
    this.randomState = (deriveSeed(seed, 'rows') ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
    this.codebookSize = k;
    this.dim = d;
    this.codebook = tf.tidy(() => tf.variable(normalNoise([k, d], seed, 'init'), !this.ema, undefined, 'float32'));
    this.clusterSize = this.ema ? tf.tidy(() => tf.variable(tf.ones([k]), false)) : undefined;
    this.embedSum = this.ema ? tf.tidy(() => tf.variable(tf.clone(this.codebook), false)) : undefined;
    this.usageAverage = tf.tidy(() => tf.variable(tf.zeros([k]), false));
    this.updatesVariable = tf.tidy(() => tf.variable(tf.scalar(0, 'int32'), false));
    this.randomVariable = tf.tidy(() => tf.variable(tf.scalar(this.randomState | 0, 'int32'), false));
  }

  /**
   * The quantizer's state by name (live variables: do not dispose): `codebook`, `clusterSize` and `embedSum`
   * (EMA only), `usageAverage`, `updates`, `randomState` — see the table above.
   * @since 0.1.0
   */
  getState(): StateDict {
    return {
      codebook: this.codebook,
      ...(this.clusterSize && this.embedSum ? { clusterSize: this.clusterSize, embedSum: this.embedSum } : {}),
      usageAverage: this.usageAverage,
      updates: this.updatesVariable,
      randomState: this.randomVariable,
    };
  }

  /**
   * Loads a state from {@link VectorQuantizer.getState} of a quantizer with the same `codebookSize`, `dim` and
   * `ema` (on or off): names, shapes and dtypes are all checked first; on a mismatch it throws and nothing
   * changes. The loaded quantizer's next `update` is the saved one's (no k-means after the first update).
   * @since 0.1.0
   */
  loadState(state: StateDict): void {
    assignState('VectorQuantizer.loadState', this.getState(), state);
    this.updates = this.updatesVariable.dataSync()[0]!;
    this.randomState = this.randomVariable.dataSync()[0]! >>> 0;
  }

  /** The variables an optimizer should update: the codebook, unless EMA updates it. */
  get trainableVariables(): tf.Variable[] {
    return this.ema ? [] : [this.codebook];
  }

  /**
   * {@link vectorQuantize} of `zE [..., D]` against the codebook (codebook loss 0 under EMA).
   * @since 0.1.0
   */
  quantize(zE: Tensor | TensorLike): VectorQuantizeResult {
    const fn = 'VectorQuantizer.quantize';
    checkVq(fn, zE, this.codebook, 'the codebook');
    return tf.tidy(fn, () => quantize(toFloat(fn, 'zE', zE), this.codebook, this.beta, !this.ema));
  }

  /**
   * One bookkeeping step on the encoder outputs `zE [..., D]` (no gradient): k-means initialization on
   * the first call (if asked), the EMA update (if on), the usage average and dead-code restarts.
   * @returns `{ restarted }`: how many codes were restarted from the batch
   * @since 0.1.0
   */
  update(zE: Tensor | TensorLike): { restarted: number } {
    const fn = 'VectorQuantizer.update';
    checkVq(fn, zE, this.codebook, 'the codebook');
    let restarted = 0;
    tf.tidy(fn, () => {
      const flat = tf.reshape(toFloat(fn, 'zE', zE), [-1, this.dim]);
      const m = flat.shape[0]!;
      if (m === 0) return;
      if (this.updates === 0 && this.kmeansIterations > 0) {
        const centers = this.kmeans(flat);
        this.codebook.assign(centers);
        this.embedSum?.assign(centers);
      }
      const a = oneHotArgMin(squaredDistances(flat, this.codebook)); // [M, K]
      const counts = tf.sum(a, 0); // n_k
      if (this.ema && this.clusterSize && this.embedSum) {
        const { decay: g, epsilon: eps } = this.ema;
        const sums = tf.matMul(a, flat, true, false); // Σ_{i in k} z_i, [K, D]
        const n = tf.add(tf.mul(this.clusterSize, g), tf.mul(counts, 1 - g));
        const mk = tf.add(tf.mul(this.embedSum, g), tf.mul(sums, 1 - g));
        const total = tf.sum(n);
        const smoothed = tf.mul(tf.div(tf.add(n, eps), tf.add(total, this.codebookSize * eps)), total);
        this.clusterSize.assign(n);
        this.embedSum.assign(mk);
        this.codebook.assign(tf.div(mk, tf.reshape(smoothed, [-1, 1])));
      }
      this.usageAverage.assign(this.updates === 0 ? counts : tf.add(tf.mul(this.usageAverage, this.usageDecay), tf.mul(counts, 1 - this.usageDecay)));
      if (this.threshold > 0) restarted = this.restartDead(flat);
    });
    this.updates++;
    const counters = [tf.scalar(this.updates, 'int32'), tf.scalar(this.randomState | 0, 'int32')];
    this.updatesVariable.assign(counters[0]!);
    this.randomVariable.assign(counters[1]!);
    tf.dispose(counters);
    return { restarted };
  }

  /** The usage average u_k (expected count per batch) of every code, `[K]`. @since 0.1.0 */
  usage(): Tensor {
    return tf.tidy('VectorQuantizer.usage', () => tf.clone(this.usageAverage));
  }

  /** Frees the codebook, the EMA state and the counters. @since 0.1.0 */
  dispose(): void {
    tf.dispose([this.codebook, this.usageAverage, this.updatesVariable, this.randomVariable, ...(this.clusterSize ? [this.clusterSize] : []), ...(this.embedSum ? [this.embedSum] : [])]);
  }

  /** The next uniform in [0, 1) of the rows generator (mulberry32, its state kept in `randomState`). */
  private random(): number {
    this.randomState = (this.randomState + 0x6d2b79f5) >>> 0;
    let t = this.randomState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** `count` distinct batch rows (with repeats only when the batch is smaller), chosen on the host. */
  private pickRows(m: number, count: number): number[] {
    const order = Array.from({ length: m }, (_, i) => i);
    for (let i = m - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return Array.from({ length: count }, (_, i) => (i < m ? order[i]! : Math.floor(this.random() * m)));
  }

  /** Lloyd's k-means on the batch, from K random rows; empty clusters keep their centre. */
  private kmeans(flat: Tensor): Tensor {
    const m = flat.shape[0]!;
    let centers = tf.gather(flat, tf.tensor1d(this.pickRows(m, this.codebookSize), 'int32'));
    for (let it = 0; it < this.kmeansIterations; it++) {
      const next = tf.tidy(() => {
        const a = oneHotArgMin(squaredDistances(flat, centers));
        const n = tf.reshape(tf.sum(a, 0), [-1, 1]);
        const means = tf.div(tf.matMul(a, flat, true, false), tf.maximum(n, 1));
        const has = tf.cast(tf.greater(n, 0), 'float32'); // [K, 1]
        return tf.add(tf.mul(has, means), tf.mul(tf.sub(1, has), centers));
      });
      centers.dispose();
      centers = next;
    }
    return centers;
  }

  /** Replaces the codes with u_k < threshold by random batch vectors (one host read of u). */
  private restartDead(flat: Tensor): number {
    const u = this.usageAverage.dataSync();
    const dead: number[] = [];
    u.forEach((v, k) => {
      if (v < this.threshold) dead.push(k);
    });
    if (dead.length === 0) return 0;
    const rows = this.pickRows(flat.shape[0]!, dead.length);
    const source = new Int32Array(this.codebookSize);
    const mask = new Float32Array(this.codebookSize);
    dead.forEach((k, i) => {
      source[k] = rows[i]!;
      mask[k] = 1;
    });
    const maskT = tf.tensor2d(mask, [this.codebookSize, 1]);
    const fresh = tf.gather(flat, tf.tensor1d(source, 'int32')); // forward only: no gradient needed here
    const pick = (t: Tensor, v: Tensor) => tf.add(tf.mul(maskT, v), tf.mul(tf.sub(1, maskT), t));
    this.codebook.assign(pick(this.codebook, fresh));
    // the restarted code starts as one vector seen once, used at the threshold
    if (this.clusterSize && this.embedSum) {
      this.clusterSize.assign(tf.reshape(pick(tf.reshape(this.clusterSize, [-1, 1]), tf.onesLike(maskT)), [-1]));
      this.embedSum.assign(pick(this.embedSum, fresh));
    }
    this.usageAverage.assign(tf.reshape(pick(tf.reshape(this.usageAverage, [-1, 1]), tf.fill([this.codebookSize, 1], this.threshold)), [-1]));
    return dead.length;
  }
}
