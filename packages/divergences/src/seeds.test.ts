// One seed scheme: every random function of the package reproduces bit for bit at seeds 0, 1 and 'a' (0 is
// a seed like any other), and the three seeds give three different results.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Seed } from '@genmod-internal/core';
import { jsDivergenceMonteCarlo, kernelDistance, monteCarloKl, slicedWasserstein } from './index.js';
import { mixture, normal } from '../test/distributions.js';

const SEEDS: Seed[] = [0, 1, 'a'];
const q = normal([0.3, -1], [1.2, 0.5]);
const p = normal(0, 1);
const target = mixture([0.5, 0.5], [-2, 2], [0.5, 0.5]);
const x = tf.keep(tf.tensor2d([[0, 1], [2, 0.5], [1, 1], [-1, 3]]));
const y = tf.keep(tf.tensor2d([[1, 0], [0, 0], [3, 1], [2, 2]]));

const samplers: Array<[string, (seed: Seed) => tf.Tensor[]]> = [
  ['monteCarloKl (rsample)', (seed) => Object.values(monteCarloKl(q, p, { samples: 16, seed }))],
  ['monteCarloKl (sample)', (seed) => Object.values(monteCarloKl(q, p, { samples: 16, seed, reparameterize: false }))],
  ['monteCarloKl (a law without rsample)', (seed) => Object.values(monteCarloKl(target, p, { samples: 16, seed }))],
  ['monteCarloKl (samples: 1)', (seed) => [monteCarloKl(q, p, { samples: 1, seed }).estimate]],
  ['jsDivergenceMonteCarlo', (seed) => Object.values(jsDivergenceMonteCarlo(target, p, { samples: 16, seed }))],
  ['slicedWasserstein', (seed) => [slicedWasserstein(x, y, { projections: 4, seed })]],
  ['kernelDistance', (seed) => Object.values(kernelDistance(x, y, { subsets: 3, subsetSize: 2, seed }))],
];

describe('seeds reproduce and differ', () => {
  afterAll(() => tf.dispose([x, y, q.loc, q.scale, p.loc, p.scale]));

  it.each(samplers)('%s', (_, run) => {
    const values = SEEDS.map((seed) => {
      const [a, b] = [run(seed), run(seed)];
      const [va, vb] = [a.map((t) => Array.from(t.dataSync())), b.map((t) => Array.from(t.dataSync()))];
      expect(va, `seed ${String(seed)}: two calls`).toEqual(vb);
      tf.dispose([...a, ...b]);
      return JSON.stringify(va);
    });
    expect(new Set(values).size, 'seeds 0, 1 and a give different results').toBe(3);
  });
});
