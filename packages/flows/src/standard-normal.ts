/**
 * The standard normal N(0, I) over events of a given shape: the usual base distribution of a flow.
 *
 * @see Papamakarios et al. 2021, "Normalizing Flows for Probabilistic Modeling and Inference", JMLR, arXiv:1912.02762, §2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkSeed, checkShape, fail, toFloat } from '@genmod-internal/core';
import { checkEventInput } from './internal/checks.js';

/**
 * N(0, I) on events of shape `eventShape`:
 *
 *   log p(z) = −½ Σ z² − (n/2)·log 2π,   n = Π eventShape
 *
 * summed over the event dimensions. Owns no tensors (`dispose()` is a no-op, present for symmetry).
 *
 * @see Papamakarios et al. 2021, arXiv:1912.02762
 * @example
 * ```ts
 * const base = new StandardNormal([2]);
 * const z = base.sample([5], { seed: 1 });     // [5, 2]
 * const lp = base.logProb(z);                  // [5]
 * ```
 * @since 0.1.0
 */
export class StandardNormal {
  readonly eventShape: number[];
  private readonly size: number;

  constructor(eventShape: number[]) {
    this.eventShape = [...checkShape('StandardNormal', eventShape, 'eventShape')];
    this.size = this.eventShape.reduce((a, b) => a * b, 1);
  }

  /** z ~ N(0, I), shape `[...sampleShape, ...eventShape]`. */
  sample(sampleShape: number[] = [], options: { seed?: number | string } = {}): Tensor {
    checkShape('StandardNormal.sample', sampleShape, 'sampleShape');
    const seed = checkSeed('StandardNormal.sample', options.seed);
    return tf.tidy('StandardNormal.sample', () => tf.randomNormal([...sampleShape, ...this.eventShape], 0, 1, 'float32', seed as number | undefined));
  }

  /** The same as {@link StandardNormal.sample} (there is no parameter to differentiate). */
  rsample(sampleShape: number[] = [], options: { seed?: number | string } = {}): Tensor {
    return this.sample(sampleShape, options);
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
      return tf.sub(axes.length ? tf.sum(sq, axes) : sq, 0.5 * this.size * Math.log(2 * Math.PI));
    });
  }

  dispose(): void {}
}
