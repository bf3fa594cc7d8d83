// The one seed scheme, over every sampler of the package: seeds 0, 1 and 'a' each reproduce bit for bit
// across two calls, and the three draws differ from one another (0 is a seed, never "unseeded").
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Seed } from '@genmod-internal/core';
import * as api from './index.js';

const logits = tf.keep(tf.zeros([16, 5]));
const laws = {
  gumbel: new api.Gumbel({ loc: [0, 1], scale: 2 }),
  relaxed: new api.RelaxedOneHotCategorical({ logits: [[1, 0.5, -0.3], [0, 0, 0]], temperature: 0.5 }),
  expRelaxed: new api.ExpRelaxedOneHotCategorical({ probs: [0.2, 0.3, 0.5], temperature: 0.5 }),
  bernoulli: new api.RelaxedBernoulli({ probs: [0.2, 0.9], temperature: 0.5 }),
};
afterAll(() => {
  Object.values(laws).forEach((d) => d.dispose());
  logits.dispose();
});

type Sampler = [name: string, draw: (seed: Seed) => tf.Tensor];
const samplers: Sampler[] = [
  ['sampleGumbel', (seed) => api.sampleGumbel([8, 3], { seed })],
  ['sampleGumbel with loc and scale', (seed) => api.sampleGumbel([8, 3], { loc: 1, scale: [1, 2, 3], seed })],
  ['gumbelMax', (seed) => api.gumbelMax(logits, { seed })],
  ['gumbelMax, axis 0', (seed) => api.gumbelMax(logits, { seed, axis: 0 })],
  ['gumbelTopK', (seed) => api.gumbelTopK(logits, 3, { seed })],
  ['sampleCategorical', (seed) => api.sampleCategorical(logits, { temperature: 0.7, topK: 4, seed })],
  ['gumbelSoftmax', (seed) => api.gumbelSoftmax(logits, { temperature: 0.5, seed })],
  ['gumbelSoftmax hard', (seed) => api.gumbelSoftmax(logits, { temperature: 0.5, hard: true, seed })],
  ...(['sample', 'rsample'] as const).flatMap((m) => [
    [`Gumbel.${m}`, (seed: Seed) => laws.gumbel[m]([8], { seed })] as Sampler,
    [`RelaxedOneHotCategorical.${m}`, (seed: Seed) => laws.relaxed[m]([8], { seed })] as Sampler,
    [`ExpRelaxedOneHotCategorical.${m}`, (seed: Seed) => laws.expRelaxed[m]([8], { seed })] as Sampler,
    [`RelaxedBernoulli.${m}`, (seed: Seed) => laws.bernoulli[m]([8], { seed })] as Sampler,
  ]),
];

const seeds: Seed[] = [0, 1, 'a'];

describe('every sampler follows the one seed scheme', () => {
  it.each(samplers)('%s: seeds 0, 1 and "a" reproduce bit for bit and differ from one another', (_name, draw) => {
    const before = tf.memory().numTensors;
    const values = seeds.map((seed) => {
      const [a, b] = [draw(seed), draw(seed)];
      const [va, vb] = [Array.from(a.dataSync()), Array.from(b.dataSync())];
      tf.dispose([a, b]);
      expect(vb, `seed ${JSON.stringify(seed)} twice`).toEqual(va);
      return va;
    });
    for (let i = 0; i < seeds.length; i++) {
      for (let j = i + 1; j < seeds.length; j++) {
        expect(values[j], `seeds ${JSON.stringify(seeds[i])} and ${JSON.stringify(seeds[j])}`).not.toEqual(values[i]);
      }
    }
    expect(tf.memory().numTensors, 'tensors left behind').toBe(before);
  });

  it('covers every sampler (each function with a seed option, each sample and rsample)', () => {
    const names = new Set(samplers.map(([n]) => n.split(/[ ,]/)[0]!));
    const expected = ['sampleGumbel', 'gumbelMax', 'gumbelTopK', 'sampleCategorical', 'gumbelSoftmax'];
    for (const cls of ['Gumbel', 'RelaxedOneHotCategorical', 'ExpRelaxedOneHotCategorical', 'RelaxedBernoulli']) expected.push(`${cls}.sample`, `${cls}.rsample`);
    expect([...names].sort()).toEqual(expected.sort());
  });

  it('sample and rsample give the same values for the same seed; gumbelMax is the argmax of gumbelSoftmax', () => {
    for (const d of Object.values(laws)) {
      const [s, r] = [d.sample([4], { seed: 0 }), d.rsample([4], { seed: 0 })];
      expect(Array.from(s.dataSync()), d.family).toEqual(Array.from(r.dataSync()));
      tf.dispose([s, r]);
    }
    const k = api.gumbelMax(logits, { seed: 'a' });
    const y = api.gumbelSoftmax(logits, { seed: 'a', temperature: 0.5 });
    const ky = tf.argMax(y, -1);
    expect(Array.from(k.dataSync())).toEqual(Array.from(ky.dataSync()));
    tf.dispose([k, y, ky]);
  });
});
