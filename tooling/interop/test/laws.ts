/**
 * One factory per distribution of every package, for the table-driven contract test. Each factory takes a
 * scalar θ that enters a parameter, so gradients of draws with respect to θ can be measured.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ExpRelaxedOneHotCategorical, Gumbel, RelaxedBernoulli, RelaxedOneHotCategorical } from '@genmod/gumbel';
import { Bernoulli, Categorical, Logistic, MultivariateNormalTriL, Normal, Uniform, independent } from '@genmod/reparam';
import { StandardNormal, TransformedDistribution, affineCoupling, exp, mlp, shift } from '@genmod/flows';
import { standardNormalPrior } from '@genmod/vae';
import type { Distribution } from '@genmod/reparam';

export interface LawCase {
  name: string;
  /** builds the law; θ (a scalar) enters one parameter */
  make: (theta: tf.Tensor) => Distribution;
  /** whether the law must have a pathwise rsample */
  reparameterized: boolean;
  batchShape: number[];
  eventShape: number[];
  /** whether θ actually changes draws (false for parameter-free laws) */
  hasParameter?: boolean;
}

/** The tensors factories create for the caller (parameters built from θ): the test frees them, not the law. */
const callerTensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (callerTensors.push(t), t);
const row = (theta: tf.Tensor, values: number[]) => keep(tf.tidy(() => tf.add(tf.tensor1d(values), theta)));
/** values + θ·e₁: θ moves one logit only (softmax-type laws ignore a shift of all logits) */
const first = (theta: tf.Tensor, values: number[]) => keep(tf.tidy(() => tf.add(tf.tensor1d(values), tf.mul(theta, tf.tensor1d(values.map((_, i) => (i === 0 ? 1 : 0)))))));
export const releaseCallerTensors = () => tf.dispose(callerTensors.splice(0));

export const lawCases: LawCase[] = [
  { name: 'gumbel Gumbel', make: (t) => new Gumbel({ loc: row(t, [0, 1]), scale: [1, 2] }), reparameterized: true, batchShape: [2], eventShape: [] },
  { name: 'gumbel RelaxedOneHotCategorical', make: (t) => new RelaxedOneHotCategorical({ logits: keep(tf.reshape(first(t, [0, 1, 2]), [1, 3])), temperature: 0.5 }), reparameterized: true, batchShape: [1], eventShape: [3] },
  { name: 'gumbel ExpRelaxedOneHotCategorical', make: (t) => new ExpRelaxedOneHotCategorical({ logits: first(t, [0, 1, 2]), temperature: 0.5 }), reparameterized: true, batchShape: [], eventShape: [3] },
  { name: 'gumbel RelaxedBernoulli', make: (t) => new RelaxedBernoulli({ logits: row(t, [0.3, -1]), temperature: 0.7 }), reparameterized: true, batchShape: [2], eventShape: [] },
  { name: 'reparam Normal', make: (t) => new Normal({ loc: row(t, [0, 1]), scale: [1, 0.5] }), reparameterized: true, batchShape: [2], eventShape: [] },
  { name: 'reparam Normal.fromLogVariance', make: (t) => Normal.fromLogVariance(row(t, [0, 1]), [0, -1]), reparameterized: true, batchShape: [2], eventShape: [] },
  { name: 'reparam MultivariateNormalTriL', make: (t) => new MultivariateNormalTriL({ loc: row(t, [0, 1]), scaleTril: [[1, 0], [0.5, 2]] }), reparameterized: true, batchShape: [], eventShape: [2] },
  { name: 'reparam Logistic', make: (t) => new Logistic({ loc: row(t, [0, 1]), scale: [1, 2] }), reparameterized: true, batchShape: [2], eventShape: [] },
  { name: 'reparam Uniform', make: (t) => new Uniform({ low: row(t, [0, 1]), high: [2, 3] }), reparameterized: true, batchShape: [2], eventShape: [] },
  { name: 'reparam Bernoulli', make: (t) => new Bernoulli({ logits: row(t, [0.3, -1]) }), reparameterized: false, batchShape: [2], eventShape: [] },
  { name: 'reparam Categorical', make: (t) => new Categorical({ logits: first(t, [0, 1, 2]) }), reparameterized: false, batchShape: [], eventShape: [] },
  { name: 'reparam independent(Normal, 1)', make: (t) => independent(new Normal({ loc: row(t, [0, 1]), scale: [1, 2] }), 1), reparameterized: true, batchShape: [], eventShape: [2] },
  { name: 'reparam independent(Bernoulli, 1)', make: (t) => independent(new Bernoulli({ logits: row(t, [0.3, -1]) }), 1), reparameterized: false, batchShape: [], eventShape: [2] },
  { name: 'flows StandardNormal', make: () => new StandardNormal([2]), reparameterized: true, batchShape: [], eventShape: [2], hasParameter: false },
  { name: 'flows TransformedDistribution(Normal, exp)', make: (t) => new TransformedDistribution(new Normal({ loc: row(t, [0, 1]), scale: [1, 0.5] }), exp()), reparameterized: true, batchShape: [2], eventShape: [] },
  { name: 'flows TransformedDistribution(StandardNormal, shift)', make: (t) => new TransformedDistribution(new StandardNormal([2]), shift(row(t, [1, 2]))), reparameterized: true, batchShape: [], eventShape: [2] },
  { name: 'flows TransformedDistribution(Bernoulli, shift)', make: (t) => new TransformedDistribution(new Bernoulli({ logits: row(t, [0.3, -1]) }), shift([1, 1])), reparameterized: false, batchShape: [2], eventShape: [] },
  {
    name: 'flows conditional coupling .condition(context)',
    make: (t) => {
      const coupling = affineCoupling({ mask: [1, 0], contextSize: 2, conditioner: mlp({ inputs: 2, contextSize: 2, hidden: [4], outputs: 4, seed: 0, zeroLast: false }) });
      const flow = new TransformedDistribution(new StandardNormal([2]), coupling);
      // the conditioned law owns nothing: here it stands for the flow, so its dispose frees the flow
      return Object.assign(flow.condition(row(t, [0.1, 0.2])), { dispose: () => flow.dispose() });
    },
    reparameterized: true,
    batchShape: [],
    eventShape: [2],
  },
  { name: 'vae standardNormalPrior', make: () => standardNormalPrior([2]), reparameterized: true, batchShape: [], eventShape: [2], hasParameter: false },
];
