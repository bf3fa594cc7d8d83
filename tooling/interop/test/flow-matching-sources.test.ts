// Flow matching in @genmod/diffusion takes its source law p₀ as any distribution of the shared contract: laws of
// @genmod/reparam (elementwise with batchShape [d], and multivariate with eventShape [d]) and of @genmod/flows
// (a TransformedDistribution) are used as sources of the loss, the sampler and the ODE log-likelihood, with
// values checked against closed forms.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import { deriveSeed, finalSample, flowLogLikelihood, flowMatchingLoss, flowSample, type Distribution } from '@genmod/diffusion';
import { MultivariateNormalTriL, Normal } from '@genmod/reparam';
import { StandardNormal, TransformedDistribution, shift } from '@genmod/flows';

const d = 2;
const x1 = () => tf.tensor2d([[0.5, -1], [2, 0.25], [-0.3, 1.5]]);

/** The sources under test, each with its own log-density written out in closed form (float64, host). */
const sources: { name: string; make: () => Distribution; logDensity: (x: number[]) => number }[] = [
  {
    name: 'reparam Normal, batchShape [2] (elementwise)',
    make: () => new Normal({ loc: [0.5, -0.25], scale: [2, 0.5] }),
    logDensity: ([a, b]) => -0.5 * ((a! - 0.5) / 2) ** 2 - Math.log(2) - 0.5 * ((b! + 0.25) / 0.5) ** 2 - Math.log(0.5) - Math.log(2 * Math.PI),
  },
  {
    name: 'reparam MultivariateNormalTriL, eventShape [2]',
    make: () => new MultivariateNormalTriL({ loc: [1, 0], scaleTril: [[1, 0], [0.5, 2]] }),
    logDensity: ([a, b]) => {
      // L = [[1, 0], [0.5, 2]]: z = L⁻¹(x − μ), log N = −½‖z‖² − log|L| − log 2π
      const z1 = a! - 1;
      const z2 = (b! - 0.5 * z1) / 2;
      return -0.5 * (z1 * z1 + z2 * z2) - Math.log(2) - Math.log(2 * Math.PI);
    },
  },
  {
    name: 'flows TransformedDistribution (StandardNormal shifted), eventShape [2]',
    make: () => new TransformedDistribution(new StandardNormal([d]), shift(tf.tensor1d([-1, 2]))),
    logDensity: ([a, b]) => -0.5 * ((a! + 1) ** 2 + (b! - 2) ** 2) - Math.log(2 * Math.PI),
  },
];

describe.each(sources)('a source from another package in flow matching: $name', ({ make, logDensity }) => {
  it('the loss draws x₀ from it (the same as passing that draw as x₀)', () => {
    const source = make();
    const data = x1();
    const velocity = (x: tf.Tensor, t: tf.Tensor) => tf.add(tf.mul(x, 0.3), tf.expandDims(t, 1));
    const t = [0.1, 0.5, 0.9];
    const a = expectNoLeaks(() => flowMatchingLoss(velocity, data, { source, seed: 7, t }), 'flowMatchingLoss');
    const x0 = source.sample([3], { seed: deriveSeed(7, 'x0') });
    const b = flowMatchingLoss(velocity, data, { x0, t });
    expect(a.dataSync()[0]).toBeCloseTo(b.dataSync()[0]!, 6);
    tf.dispose([a, b, x0, data]);
    source.dispose?.();
  });

  it('the log-likelihood through v(x, t) = k·x is log p₀(e^{−k}·x₁) − k·d (RK4), and v = 0 gives log p₀', () => {
    const source = make();
    const data = x1();
    const points = data.arraySync() as number[][];
    const k = 0.4;
    const scaled = expectNoLeaks(() => flowLogLikelihood((x) => tf.mul(x, k), data, { source, steps: 16, method: 'rk4' }), 'flowLogLikelihood');
    const still = flowLogLikelihood((x) => tf.mul(x, 0), data, { source, steps: 2, method: 'euler' });
    const ours = Array.from(scaled.dataSync());
    points.forEach((p, i) => {
      expect(ours[i]).toBeCloseTo(logDensity(p.map((v) => v * Math.exp(-k))) - k * d, 4);
      expect(still.dataSync()[i]).toBeCloseTo(logDensity(p), 5);
    });
    tf.dispose([scaled, still, data]);
    source.dispose?.();
  });

  it('the sampler starts from its draws: a constant velocity c moves each draw by c', async () => {
    const source = make();
    const c = tf.tensor1d([0.5, -2]);
    const x = await finalSample(flowSample((xs) => tf.add(tf.mul(xs, 0), c), [5, d], { source, seed: 3, steps: 4 }));
    const x0 = source.sample([5], { seed: deriveSeed(3, 'x0') });
    const moved = tf.add(x0, c);
    const [ours, want] = [x.arraySync() as number[][], moved.arraySync() as number[][]];
    ours.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 5)));
    tf.dispose([x, x0, moved, c]);
    source.dispose?.();
  });
});

describe('a source whose draws do not have the data shape is refused, naming the shapes', () => {
  it('a scalar law with batchShape [3] for data [B, 2]', () => {
    const source = new Normal({ loc: [0, 0, 0], scale: [1, 1, 1] });
    const data = x1();
    expect(() => flowMatchingLoss((x) => x, data, { source, seed: 1 })).toThrow(/flowMatchingLoss: options\.source must be a distribution whose sample\(\[3\]\) has .*\[3, 2\].*batchShape \[3\]/);
    data.dispose();
    source.dispose?.();
  });
});
