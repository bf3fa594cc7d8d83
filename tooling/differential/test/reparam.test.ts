import * as tf from '@tensorflow/tfjs-core';
import { Bernoulli, Categorical, Logistic, MultivariateNormalTriL, Normal, Uniform } from '@genmod/reparam';
import { type Adapter, describeDifferential, type Tolerance } from './harness.js';


/** Calls `f` on a fresh law and disposes it. */
function withLaw<D extends { dispose(): void }>(d: D, f: (d: D) => tf.Tensor): tf.Tensor {
  const out = f(d);
  d.dispose();
  return out;
}

type In = Record<string, tf.Tensor>;
const normal: Record<string, (i: In) => Normal> = {
  Normal: (i) => new Normal({ loc: i.loc!, scale: i.scale! }),
  'Normal.fromLogScale': (i) => Normal.fromLogScale(i.loc!, i.logScale!),
  'Normal.fromLogVariance': (i) => Normal.fromLogVariance(i.loc!, i.logVariance!),
};

// Base tolerances, documented: a float32 closed form costs a few ulps of its result (rtol) on top of the rounding
// of the inputs (k·2⁻²³·cond, cond from the reference's own derivatives); atol covers results near 0 (cdfs,
// log-densities that cancel). Sums over d or K terms (MultivariateNormalTriL, Categorical entropy) get a larger
// rtol/atol: float32 accumulation of d terms.
const CLOSED: Tolerance = { rtol: 1e-5, atol: 1e-5, k: 4 };
const CDF: Tolerance = { rtol: 1e-5, atol: 1e-6, k: 4 };
const SUMS: Tolerance = { rtol: 1e-4, atol: 1e-4, k: 8 };

const ADAPTERS: Record<string, Adapter> = {
  'MultivariateNormalTriL.logProb': {
    tol: SUMS,
    run: (i) => withLaw(new MultivariateNormalTriL({ loc: i.loc!, scaleTril: i.scaleTril! }), (d) => d.logProb(i.x!)),
  },
  'MultivariateNormalTriL.entropy': {
    tol: SUMS,
    run: (i) => withLaw(new MultivariateNormalTriL({ loc: i.loc!, scaleTril: i.scaleTril! }), (d) => d.entropy()),
  },
  'Logistic.logProb': { tol: CLOSED, run: (i) => withLaw(new Logistic({ loc: i.loc!, scale: i.scale! }), (d) => d.logProb(i.x!)) },
  'Logistic.entropy': { tol: CLOSED, run: (i) => withLaw(new Logistic({ loc: i.loc!, scale: i.scale! }), (d) => d.entropy()) },
  'Logistic.cdf': { tol: CDF, run: (i) => withLaw(new Logistic({ loc: i.loc!, scale: i.scale! }), (d) => d.cdf(i.x!)) },
  'Uniform.logProb': { tol: CLOSED, run: (i) => withLaw(new Uniform({ low: i.low!, high: i.high! }), (d) => d.logProb(i.x!)) },
  'Uniform.cdf': { tol: CDF, run: (i) => withLaw(new Uniform({ low: i.low!, high: i.high! }), (d) => d.cdf(i.x!)) },
  'Uniform.entropy': { tol: CLOSED, run: (i) => withLaw(new Uniform({ low: i.low!, high: i.high! }), (d) => d.entropy()) },
  'Bernoulli.logProb(logits)': {
    tol: CLOSED,
    run: (i, k) => withLaw(new Bernoulli({ logits: i.logits! }), (d) => d.logProb(tf.cast(k.x!, 'float32'))),
  },
  'Bernoulli.entropy(logits)': { tol: CLOSED, run: (i) => withLaw(new Bernoulli({ logits: i.logits! }), (d) => d.entropy()) },
  'Bernoulli.logProb(probs)': {
    tol: CLOSED,
    run: (i, k) => withLaw(new Bernoulli({ probs: i.probs! }), (d) => d.logProb(tf.cast(k.x!, 'float32'))),
  },
  'Bernoulli.entropy(probs)': { tol: CLOSED, run: (i) => withLaw(new Bernoulli({ probs: i.probs! }), (d) => d.entropy()) },
  'Categorical.logProb(logits)': {
    tol: CLOSED,
    run: (i, k) => withLaw(new Categorical({ logits: i.logits! }), (d) => d.logProb(k.k!)),
  },
  'Categorical.entropy(logits)': { tol: SUMS, run: (i) => withLaw(new Categorical({ logits: i.logits! }), (d) => d.entropy()) },
  'Categorical.logProb(probs)': {
    tol: CLOSED,
    run: (i, k) => withLaw(new Categorical({ probs: i.probs! }), (d) => d.logProb(k.k!)),
  },
  'Categorical.entropy(probs)': { tol: SUMS, run: (i) => withLaw(new Categorical({ probs: i.probs! }), (d) => d.entropy()) },
};
for (const [name, make] of Object.entries(normal)) {
  ADAPTERS[`${name}.logProb`] = { tol: CLOSED, run: (i) => withLaw(make(i), (d) => d.logProb(i.x!)) };
  ADAPTERS[`${name}.cdf`] = { tol: CDF, run: (i) => withLaw(make(i), (d) => d.cdf(i.x!)) };
  ADAPTERS[`${name}.entropy`] = { tol: CLOSED, run: (i) => withLaw(make(i), (d) => d.entropy()) };
}

describeDifferential('reparam', ADAPTERS);
