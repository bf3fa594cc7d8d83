/**
 * The standard normal N(0, I) over events of a given shape: the usual base distribution of a flow.
 *
 * @see Papamakarios et al. 2021, "Normalizing Flows for Probabilistic Modeling and Inference", JMLR, arXiv:1912.02762, §2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { assignState, checkShape, fail, HALF_LOG_TWO_PI, normalNoise, toFloat, type ReparameterizedDistribution, type SampleOptions, type StateDict, type Stateful, type Support, checkSampleCall } from '@genmod-internal/core';
import { checkEventInput } from './internal/checks.js';

const SAMPLE_KEYS = ['seed'] as const;

/**
 * N(0, I) on events of shape `eventShape` (batch shape `[]`):
 *
 *   log p(z) = −½ Σ z² − (n/2)·log 2π,   H = (n/2)·(1 + log 2π),   n = Π eventShape
 *
 * summed over the event dimensions. Tagged `family: 'StandardNormal'` (it has no `loc`/`scale` tensors,
 * so it is not a `'Normal'`). Owns no tensors (`dispose()` is a no-op, present for symmetry; `getState()` is
 * empty). A seed (any
 * number, 0 included, or a string) goes through the one seed scheme: the draw uses deriveSeed(seed).
 *
 * @see Papamakarios et al. 2021, arXiv:1912.02762
 * @example
 * ```ts
 * const base = new StandardNormal([2]);
 * const z = base.sample([5], { seed: 0 });     // [5, 2], the same on every call
 * const lp = base.logProb(z);                  // [5]
 * ```
 * @since 0.1.0
 */
export class StandardNormal implements ReparameterizedDistribution, Stateful {
  /** @since 0.1.0 */
  readonly family = 'StandardNormal';
  /** always `[]` @since 0.1.0 */
  readonly batchShape: number[] = [];
  readonly eventShape: number[];
  /** @since 0.1.0 */
  readonly support: Support = 'real';
  private readonly size: number;

  constructor(eventShape: number[]) {
    this.eventShape = [...checkShape('StandardNormal', eventShape, 'eventShape')];
    this.size = this.eventShape.reduce((a, b) => a * b, 1);
  }

  private draw(fn: string, sampleShape: number[], options: SampleOptions | undefined): Tensor {
    const { seed } = checkSampleCall(fn, sampleShape, options, SAMPLE_KEYS);
    return tf.tidy(fn, () => normalNoise([...sampleShape, ...this.eventShape], seed));
  }

  /** z ~ N(0, I), shape `[...sampleShape, ...eventShape]`, without gradient. */
  sample(sampleShape: number[] = [], options?: SampleOptions): Tensor {
    return this.draw('StandardNormal.sample', sampleShape, options);
  }

  /** The same draw as {@link StandardNormal.sample} (there is no parameter to differentiate). */
  rsample(sampleShape: number[] = [], options?: SampleOptions): Tensor {
    return this.draw('StandardNormal.rsample', sampleShape, options);
  }

  /** log p(z) summed over the event dimensions: `[...batch, ...eventShape]` → `[...batch]`. */
  logProb(z: Tensor | TensorLike): Tensor {
    const fn = 'StandardNormal.logProb';
    const shape = checkEventInput(fn, 'z', z, this.eventShape.length);
    const ev = shape.slice(shape.length - this.eventShape.length);
    if (ev.some((v, i) => v !== this.eventShape[i])) fail(fn, 'z', `a float32 tensor of shape [..., ${this.eventShape.join(', ')}]`, z instanceof tf.Tensor ? z : `shape [${shape.join(', ')}]`);
    return tf.tidy(fn, () => {
      const $z = toFloat(fn, 'z', z);
      const sq = tf.mul(-0.5, tf.square($z));
      const axes = this.eventShape.map((_, i) => shape.length - 1 - i);
      return tf.sub(axes.length ? tf.sum(sq, axes) : sq, this.size * HALF_LOG_TWO_PI);
    });
  }

  /** E[z] = 0, shape `eventShape`. @since 0.1.0 */
  mean(): Tensor {
    return tf.zeros(this.eventShape);
  }

  /** Var[z] = 1 elementwise, shape `eventShape`. @since 0.1.0 */
  variance(): Tensor {
    return tf.ones(this.eventShape);
  }

  /** H = (n/2)·(1 + log 2π) nats, a scalar (batch shape `[]`). @since 0.1.0 */
  entropy(): Tensor {
    return tf.scalar(this.size * (0.5 + HALF_LOG_TWO_PI));
  }

  /** No state: an empty object (the event shape is fixed by the constructor). @since 0.1.0 */
  getState(): StateDict {
    return {};
  }

  /** Accepts only an empty state (anything else throws, listing the unexpected names). @since 0.1.0 */
  loadState(state: StateDict): void {
    assignState('StandardNormal.loadState', {}, state);
  }

  dispose(): void {}
}
