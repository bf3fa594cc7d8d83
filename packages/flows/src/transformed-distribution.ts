/**
 * The distribution of y = f(z), z ~ base: the change of variables formula,
 *
 *   log p(y) = log q(f⁻¹(y)) + log|det ∂f⁻¹/∂y| = log q(z) − log|det ∂f/∂z|.
 *
 * @see Rezende & Mohamed 2015, "Variational Inference with Normalizing Flows", ICML, arXiv:1505.05770.
 * @see Papamakarios et al. 2021, "Normalizing Flows for Probabilistic Modeling and Inference", JMLR, arXiv:1912.02762, eq. (2)–(3).
 * @see Rozet et al., zuko: conditional flows as lazy distributions (`flow(context)` is a distribution).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import type { Bijector } from './bijector.js';
import { broadcastShapes, checkDistribution, checkOptions, fail, hasRsample, sameShape, showShape, stopGradient, sumTrailing, toFloat, checkSampleCall } from '@genmod-internal/core';
import type { ConditionalDistribution, Distribution, ReparameterizedDistribution, SampleOptions, StateDict, Stateful, Support } from '@genmod-internal/core';
import { checkBijectorArg } from './internal/checks.js';
import { compositeState, type StateHolder } from './internal/state.js';

/**
 * A flow's base: any {@link Distribution} (`StandardNormal`, a `@genmod/reparam` distribution, your own).
 * @deprecated since 0.2.0: the base is a `Distribution` (it needs `batchShape`, `eventShape`, `family` and
 * `support`); use that type.
 * @since 0.1.0
 */
export type BaseDistribution = Distribution;

/** The options of a flow's `sample`, `rsample` and `sampleAndLogProb`. @since 0.1.0 */
export interface FlowSampleOptions extends SampleOptions {
  /**
   * the context of a conditional flow, `[..., C]`, broadcasting against the sample's batch shape. Prefer
   * `flow.condition(context)`; not allowed on a distribution made by `condition` (its context is bound).
   */
  context?: Tensor;
}

/** The options of a flow's `logProb` and `prob`. @since 0.1.0 */
export interface FlowLogProbOptions {
  /** the context of a conditional flow, `[..., C]` (prefer `flow.condition(context)`) */
  context?: Tensor;
}

const SAMPLE_KEYS = ['seed', 'context'] as const;
const LOG_PROB_KEYS = ['context'] as const;

/** The implementation of {@link TransformedDistribution} (the exported constructor types it by its base). */
class TransformedDistributionImpl<B extends Distribution = Distribution> implements Distribution, ConditionalDistribution<TransformedDistribution<B>>, Stateful {
  /** @since 0.1.0 */
  readonly family = 'Transformed';
  readonly base: B;
  readonly bijector: Bijector;
  /** @since 0.1.0 */
  readonly batchShape: number[];
  /** @since 0.1.0 */
  readonly eventShape: number[];
  /** the bijector's `codomain`, or 'real' @since 0.1.0 */
  readonly support: Support;
  /** the context bound by {@link TransformedDistribution.condition} (undefined on the flow itself) @since 0.1.0 */
  readonly context: Tensor | undefined = undefined;
  /**
   * Reparameterized draws y = f(z): gradients reach f's variables (and the base's, through its `rsample`).
   * **Present only when the base has `rsample`** (check with `hasRsample` or `flow.rsample !== undefined`).
   * @since 0.1.0 (optional when the base has none)
   */
  declare readonly rsample?: (sampleShape?: number[], options?: FlowSampleOptions) => Tensor;
  /** leading batch axes a bound context adds in front of the flow's batch shape */
  private readonly extra: number[] = [];
  private readonly owner: boolean = true;
  private disposed = false;

  constructor(base: B, bijector: Bijector) {
    const fn = 'TransformedDistribution';
    checkDistribution(fn, 'base', base);
    this.base = base;
    this.bijector = checkBijectorArg(fn, 'bijector', bijector);
    const full = [...base.batchShape, ...base.eventShape];
    const r = Math.max(base.eventShape.length, bijector.eventRank);
    if (full.length < r) fail(fn, 'bijector', `of event rank ≤ ${full.length} (the rank of the base's batch and event shapes, ${showShape(full)})`, `event rank ${bijector.eventRank}`);
    this.batchShape = full.slice(0, full.length - r);
    this.eventShape = full.slice(full.length - r);
    this.support = bijector.codomain ?? 'real';
    if (hasRsample(base)) {
      const rsample = (sampleShape: number[] = [], options?: FlowSampleOptions): Tensor => {
        const fn = 'TransformedDistribution.rsample';
        const { seed, context } = this.checkSample(fn, sampleShape, options);
        return tf.tidy(fn, () => this.bijector.forward(base.rsample([...sampleShape, ...this.extra], { seed }), context).y);
      };
      Object.defineProperty(this, 'rsample', { value: rsample, enumerable: false });
    }
  }

  /**
   * The flow's state, for `saveState(flow, …)`: the bijector's names under `bijector/…`, and, when the base
   * has a `getState()` (StandardNormal's is empty), the base's under `base/…`. Live variables: do not dispose
   * them. A distribution made by {@link TransformedDistribution.condition} shares the flow's state.
   * @since 0.1.0
   */
  getState(): StateDict {
    return this.stateParts().getState();
  }

  /**
   * Replaces the flow's state (from `getState()` of a flow built alike, or `loadState(flow, source)`): every
   * name, shape and dtype is checked first; an Error lists what is missing, unexpected or mismatched, and
   * nothing changes. ActNorm layers take their saved `initialized` flag (they do not re-initialise).
   * @since 0.1.0
   */
  loadState(state: StateDict): void {
    this.stateParts().loadState(state);
  }

  private stateParts(): Stateful {
    const parts: Array<[string, StateHolder]> = [['bijector', this.bijector]];
    const base = this.base as StateHolder;
    if (typeof base.getState === 'function') parts.push(['base', base]);
    return compositeState('TransformedDistribution.loadState', () => parts);
  }

  /** The variables of the bijector, for `optimizer.minimize(loss, false, flow.trainableVariables)`. */
  get trainableVariables(): tf.Variable[] {
    return this.bijector.trainableVariables ? [...this.bijector.trainableVariables] : [];
  }

  /**
   * The flow given a context: an ordinary distribution (a `TransformedDistribution`) whose `sample`,
   * `rsample` and `logProb` pass `context` to the bijector, as zuko's `flow(c)`. Its batch shape is the
   * broadcast of the flow's batch shape with the context's `context.shape[:-1]` (so one draw per context
   * row). It refers to `context` (keep it alive while you use the result) and owns nothing.
   *
   * @param context float32 `[...batch, C]`
   * @example
   * ```ts
   * const coupling = affineCoupling({ mask: [1, 0], contextSize: 2, conditioner: mlp({ inputs: 2, contextSize: 2, hidden: [8], outputs: 4 }) });
   * const flow = new TransformedDistribution(new StandardNormal([2]), coupling);
   * const cond = flow.condition(tf.tensor2d([[0, 1], [1, 0]]));   // batch shape [2]
   * const y = cond.sample([5], { seed: 0 });                     // [5, 2, 2]
   * flow.dispose();
   * ```
   * @since 0.1.0
   */
  condition(context: Tensor): TransformedDistribution<B> {
    const fn = 'TransformedDistribution.condition';
    if (!(context instanceof tf.Tensor) || context.dtype !== 'float32' || context.rank < 1) fail(fn, 'context', 'a float32 tensor of rank ≥ 1 ([..., C])', context);
    if (this.context !== undefined) fail(fn, 'this', 'an unconditioned flow (its context is already bound)', 'a conditioned flow');
    const ctxBatch = context.shape.slice(0, -1);
    const batch = broadcastShapes(fn, "the flow's batch shape and the context's", this.batchShape, ctxBatch);
    const extra = batch.slice(0, batch.length - this.batchShape.length);
    if (!sameShape(batch.slice(extra.length), this.batchShape)) {
      fail(fn, 'context', `a tensor whose batch shape (all but the last axis) broadcasts against the flow's batch shape [${this.batchShape.join(', ')}] without changing it`, context);
    }
    const bound = new TransformedDistribution<B>(this.base, this.bijector);
    Object.assign(bound, { context, batchShape: batch, extra, owner: false });
    return bound;
  }

  /** The context of a call: the bound one, or `options.context` (not both). */
  private contextOf(fn: string, given: Tensor | undefined): Tensor | undefined {
    if (given !== undefined && this.context !== undefined) fail(fn, 'options.context', 'absent on a distribution made by condition() (its context is bound)', given);
    return given ?? this.context;
  }

  private checkSample(fn: string, sampleShape: number[], options: FlowSampleOptions | undefined) {
    const { options: o, seed } = checkSampleCall(fn, sampleShape, options, SAMPLE_KEYS);
    return { seed, context: this.contextOf(fn, o.context) };
  }

  /** log q(z) ± ldj, both summed down to the larger of the two event ranks (the smaller batch shape). */
  private combine(logQ: Tensor, logDet: Tensor, sign: 1 | -1): Tensor {
    const r = Math.min(logQ.rank, logDet.rank);
    const q = sumTrailing(logQ, logQ.rank - r);
    const ld = sumTrailing(logDet, logDet.rank - r);
    return sign === 1 ? tf.add(q, ld) : tf.sub(q, ld);
  }

  /** y = f(z), z ~ base; shape `[...sampleShape, ...batchShape, ...eventShape]`, without gradient. */
  sample(sampleShape: number[] = [], options?: FlowSampleOptions): Tensor {
    const fn = 'TransformedDistribution.sample';
    const { seed, context } = this.checkSample(fn, sampleShape, options);
    return tf.tidy(fn, () => stopGradient(this.bijector.forward(this.base.sample([...sampleShape, ...this.extra], { seed }), context).y));
  }

  /** log p(y) = log q(f⁻¹(y)) + log|det ∂f⁻¹/∂y|, shape `[...sampleShape, ...batchShape]`. */
  logProb(y: Tensor | TensorLike, options?: FlowLogProbOptions): Tensor {
    return this.logProbAs('TransformedDistribution.logProb', y, options);
  }

  private logProbAs(fn: string, y: Tensor | TensorLike, options: FlowLogProbOptions | undefined): Tensor {
    const context = this.contextOf(fn, checkOptions(fn, options, LOG_PROB_KEYS).context);
    return tf.tidy(fn, () => {
      const $y = toFloat(fn, 'y', y);
      const { x: z, logDet } = this.bijector.inverse($y, context);
      return this.combine(this.base.logProb(z), logDet, 1);
    });
  }

  /** p(y) = exp(log p(y)). */
  prob(y: Tensor | TensorLike, options?: FlowLogProbOptions): Tensor {
    const fn = 'TransformedDistribution.prob';
    return tf.tidy(fn, () => tf.exp(this.logProbAs(fn, y, options)));
  }

  /**
   * One `forward` pass: y = f(z), z ~ base (through the base's `rsample` when it has one), and
   * log p(y) = log q(z) − log|det ∂f/∂z|. `sample` carries gradients to f's variables.
   * @returns `{ sample: [...sampleShape, ...batchShape, ...eventShape], logProb: [...sampleShape, ...batchShape] }`
   */
  sampleAndLogProb(sampleShape: number[] = [], options?: FlowSampleOptions): { sample: Tensor; logProb: Tensor } {
    const fn = 'TransformedDistribution.sampleAndLogProb';
    const { seed, context } = this.checkSample(fn, sampleShape, options);
    const base = this.base;
    const [sample, logProb] = tf.tidy(fn, () => {
      const shape = [...sampleShape, ...this.extra];
      const z = hasRsample(base) ? base.rsample(shape, { seed }) : base.sample(shape, { seed });
      const { y, logDet } = this.bijector.forward(z, context);
      return [y, this.combine(base.logProb(z), logDet, -1)];
    });
    return { sample: sample!, logProb: logProb! };
  }

  /**
   * Frees what the flow owns: the bijector (its variables and networks) and the base (`base.dispose?.()`).
   * Idempotent; a no-op on a distribution made by `condition`.
   * @since 0.1.0
   */
  dispose(): void {
    if (!this.owner || this.disposed) return;
    this.disposed = true;
    this.bijector.dispose?.();
    this.base.dispose?.();
  }
}

/**
 * The type of a flow over a base of type `B`: when the base is reparameterized (has `rsample`, as
 * `StandardNormal` and @genmod/reparam's Normal do), so is the flow, and its type says so; otherwise it has
 * no `rsample`. See the {@link TransformedDistribution} constructor for the maths.
 * @since 0.1.0
 */
export type TransformedDistribution<B extends Distribution = Distribution> = TransformedDistributionImpl<B> &
  (B extends ReparameterizedDistribution ? { rsample(sampleShape?: number[], options?: FlowSampleOptions): Tensor } : unknown);

/**
 * A normalizing flow: the law of y = f(z), z ~ base, with f a {@link Bijector} whose `forward` maps base
 * samples to data. It implements the shared `Distribution` contract (`family: 'Transformed'`).
 *
 * - shapes: with r = max(the base's event rank, the bijector's `eventRank`), the last r axes of
 *   `[...base.batchShape, ...base.eventShape]` are the `eventShape`, the others the `batchShape`;
 * - `support`: the bijector's `codomain` (exp → 'positive', sigmoid → 'unit-interval', …), else 'real';
 * - `sample`: z ~ base, y = f(z), **without gradient**;
 * - `rsample` (only when the base has `rsample`, as `StandardNormal` does; otherwise the method does not
 *   exist, so `hasRsample(flow)` is false): the same draw, differentiable with respect to f's variables
 *   (and the base's parameters): the reparameterization gradient. Cost one `forward`;
 * - `logProb(y)` = log q(f⁻¹(y)) + log|det ∂f⁻¹/∂y|, cost one `inverse`;
 * - `sampleAndLogProb`: y = f(z) (with gradient, as `rsample`) and log p(y) = log q(z) − log|det ∂f/∂z|
 *   from one `forward` (no inverse): what an IAF posterior in a VAE needs;
 * - `condition(context)`: the conditional flow given a context, an ordinary distribution (below).
 *
 * Ownership: **the flow owns its base and its bijector**: `flow.dispose()` frees the bijector's variables
 * (and its networks) and calls `base.dispose?.()`. Do not dispose them again, and do not share a bijector
 * between two flows you dispose. A distribution made by `condition` owns nothing: its `dispose()` does
 * nothing (dispose the flow it came from).
 *
 * Save and load: `getState()` / `loadState()` ({@link Stateful}) name the bijector's state `bijector/…`
 * (`bijector/0/net/0/kernel`, `bijector/1/logScale`, …; see {@link TrainableBijector}) and a stateful base's
 * `base/…`; `saveState(flow, 'indexeddb://…')` / `loadState(freshFlow, …)` carry it through tf.io.
 *
 * @param base any `Distribution`
 * @param bijector f, forward = base → data
 * @see Papamakarios et al. 2021, arXiv:1912.02762 · tfp.distributions.TransformedDistribution
 * @example
 * ```ts
 * const flow = new TransformedDistribution(new StandardNormal([2]), chain(shift([1, 2]), exp()));
 * const y = flow.sample([100], { seed: 1 });   // [100, 2], log-normal shifted by (1, 2)
 * const lp = flow.logProb(y);                  // [100]
 * flow.dispose();                              // frees the bijector (and the base)
 * ```
 * @since 0.1.0
 */
export const TransformedDistribution = TransformedDistributionImpl as unknown as {
  new <B extends Distribution>(base: B, bijector: Bijector): TransformedDistribution<B>;
  readonly prototype: TransformedDistributionImpl;
};
