/**
 * The flow demo's model, without the page: RealNVP (six affine couplings with MLP conditioners,
 * @genmod/flows) fitted by maximum likelihood to two moons. The page animates it; the Node test trains it.
 */
import * as tf from '@tensorflow/tfjs';
import { StandardNormal, TransformedDistribution, affineCoupling, chain, deriveSeed, mlp, tanhBound } from '@genmod/flows';

/** Two moons, drawn with seeded tfjs RNGs (the same points on every backend), centred and scaled to unit spread. */
export function twoMoons(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const t = tf.randomUniform([n], 0, Math.PI, 'float32', deriveSeed(seed, 'angle'));
    const upper = tf.cast(tf.less(tf.randomUniform([n], 0, 1, 'float32', deriveSeed(seed, 'moon')), 0.5), 'float32');
    const x = tf.add(tf.mul(upper, tf.cos(t)), tf.mul(tf.sub(1, upper), tf.sub(1, tf.cos(t))));
    const y = tf.add(tf.mul(upper, tf.sin(t)), tf.mul(tf.sub(1, upper), tf.sub(0.5, tf.sin(t))));
    const xy = tf.add(tf.stack([x, y], 1), tf.randomNormal([n, 2], 0, 0.06, 'float32', deriveSeed(seed, 'noise')));
    return tf.mul(tf.sub(xy, tf.tensor1d([0.5, 0.25])), 1.6) as tf.Tensor2D;
  });
}

export interface FlowModel {
  flow: TransformedDistribution;
  data: tf.Tensor2D;
  /** one Adam step on a minibatch (a seed per step); returns the minibatch NLL, yours to dispose */
  trainStep(step: number): tf.Scalar;
  /** mean negative log-likelihood of `x`, in nats */
  nll(x: tf.Tensor2D): number;
  dispose(): void;
}

export function createFlowModel(options: { batch?: number; seed?: number; learningRate?: number } = {}): FlowModel {
  const batch = options.batch ?? 256;
  const seed = options.seed ?? 100;
  const data = twoMoons(2048, 11);
  const bijector = chain(
    ...Array.from({ length: 6 }, (_, i) =>
      affineCoupling({ mask: i % 2 ? [0, 1] : [1, 0], conditioner: mlp({ inputs: 2, hidden: [32, 32], outputs: 4, seed: deriveSeed(seed, 'coupling', i) }), logScaleBound: tanhBound(2) }),
    ),
  );
  const flow = new TransformedDistribution(new StandardNormal([2]), bijector);
  const optimizer = tf.train.adam(options.learningRate ?? 5e-3);
  return {
    flow,
    data,
    trainStep: (step) =>
      tf.tidy(() => {
        const idx = tf.randomUniform([batch], 0, data.shape[0], 'int32', 1000 + step); // a fresh seed per step
        const x = tf.gather(data, idx);
        return optimizer.minimize(() => tf.neg(tf.mean(flow.logProb(x))) as tf.Scalar, true, flow.trainableVariables)!;
      }),
    nll: (x) => tf.tidy(() => tf.neg(tf.mean(flow.logProb(x))).dataSync()[0]!),
    dispose: () => {
      data.dispose();
      bijector.dispose?.();
      optimizer.dispose();
    },
  };
}
