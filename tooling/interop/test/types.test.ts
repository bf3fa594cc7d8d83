/**
 * Pairings decided by the types: what must compile (the call is simply made) and what must be refused
 * (`@ts-expect-error`: `tsc --noEmit` in this package's typecheck fails if the error disappears). Each
 * refused pairing is also refused at run time with an Error that names it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Gumbel, RelaxedBernoulli, gumbelSoftmax } from '@genmod/gumbel';
import { Bernoulli, Categorical, Normal, independent } from '@genmod/reparam';
import type { Distribution, ReparameterizedDistribution } from '@genmod/reparam';
import { monteCarloKl } from '@genmod/divergences';
import { StandardNormal, TransformedDistribution, shift } from '@genmod/flows';
import type { Distribution as FlowsDistribution } from '@genmod/flows';
import { standardNormalPrior } from '@genmod/vae';

describe('type-level pairings', () => {
  it('one contract: a distribution of any package is a Distribution of every other', () => {
    const laws: FlowsDistribution[] = [new Gumbel({ loc: 0, scale: 1 }), new Normal({ loc: 0, scale: 1 }), standardNormalPrior([2]), new StandardNormal([2])];
    const reparameterized: ReparameterizedDistribution[] = [new Gumbel({ loc: 0, scale: 1 }), new RelaxedBernoulli({ probs: 0.5, temperature: 1 }), new TransformedDistribution(new StandardNormal([]), shift([1]))];
    expect(laws.length + reparameterized.length).toBe(7);
    [...laws, ...reparameterized].forEach((d) => d.dispose?.());
  });

  it('laws without a pathwise draw have no rsample, in the types and at run time', () => {
    const c = new Categorical({ logits: [0, 1] });
    const b = new Bernoulli({ probs: [0.5] });
    // @ts-expect-error a Categorical is not reparameterizable
    const r1: ReparameterizedDistribution = c;
    // @ts-expect-error a Bernoulli is not reparameterizable
    const r2: ReparameterizedDistribution = b;
    // @ts-expect-error independent of a Bernoulli has no rsample either
    const r3: ReparameterizedDistribution = independent(b, 1);
    expect([r1, r2, r3].map((d) => typeof (d as { rsample?: unknown }).rsample)).toEqual(['undefined', 'undefined', 'undefined']);
    c.dispose();
    b.dispose();
  });

  it('an untagged hand-written object is not a Distribution', () => {
    const bare = { sample: () => tf.zeros([1]), logProb: () => tf.zeros([1]) };
    // @ts-expect-error family, batchShape, eventShape and support are missing
    const d: Distribution = bare;
    const n = new Normal({ loc: 0, scale: 1 });
    // and at run time (plain JavaScript callers have no types): monteCarloKl names what is missing
    expect(() => monteCarloKl(d, n)).toThrow(/monteCarloKl: q must be a distribution .*missing family/);
    n.dispose();
  });

  it('a misspelled option is a type error and a run-time Error', () => {
    const logits = tf.tensor1d([0, 1]);
    // @ts-expect-error 'temprature' is not an option
    expect(() => gumbelSoftmax(logits, { temprature: 0.5 })).toThrow("gumbelSoftmax: unknown option 'temprature' (did you mean 'temperature'?)");
    const n = new Normal({ loc: 0, scale: 1 });
    // @ts-expect-error 'sed' is not an option
    expect(() => n.sample([2], { sed: 1 })).toThrow("Normal.sample: unknown option 'sed' (did you mean 'seed'?)");
    n.dispose();
    logits.dispose();
  });
});
