import * as tf from '@tensorflow/tfjs-core';
import { ExpRelaxedOneHotCategorical, Gumbel, RelaxedBernoulli, RelaxedOneHotCategorical } from '@genmod/gumbel';
import { type Adapter, describeDifferential } from './harness.js';


const num = (t: tf.Tensor) => t.dataSync()[0]!;

/** Calls `f` on a fresh law and disposes it (the law owns nothing here: every parameter is a tensor). */
function withLaw<D extends { dispose(): void }>(d: D, f: (d: D) => tf.Tensor): tf.Tensor {
  const out = f(d);
  d.dispose();
  return out;
}

const gumbel = (i: Record<string, tf.Tensor>) => new Gumbel({ loc: i.loc!, scale: i.scale! });

// Base tolerances, documented: float32 evaluation of a closed form costs a few ulps of the result (rtol) plus
// the rounding of the inputs (k·2⁻²³·cond). atol covers results that cancel to ~0 (cdf, log-densities near 0).
const ADAPTERS: Record<string, Adapter> = {
  'Gumbel.logProb': { tol: { rtol: 1e-5, atol: 1e-5, k: 4 }, run: (i) => withLaw(gumbel(i), (d) => d.logProb(i.x!)) },
  'Gumbel.cdf': { tol: { rtol: 1e-5, atol: 1e-6, k: 4 }, run: (i) => withLaw(gumbel(i), (d) => d.cdf(i.x!)) },
  'Gumbel.logCdf': { tol: { rtol: 1e-5, atol: 1e-6, k: 4 }, run: (i) => withLaw(gumbel(i), (d) => d.logCdf(i.x!)) },
  'Gumbel.survivalFunction': { tol: { rtol: 1e-5, atol: 1e-6, k: 4 }, run: (i) => withLaw(gumbel(i), (d) => d.survivalFunction(i.x!)) },
  'Gumbel.quantile': { tol: { rtol: 1e-5, atol: 1e-5, k: 4 }, run: (i) => withLaw(gumbel(i), (d) => d.quantile(i.p!)) },
  'Gumbel.entropy': { tol: { rtol: 1e-6, atol: 1e-6, k: 4 }, run: (i) => withLaw(gumbel(i), (d) => d.entropy()) },
  'Gumbel.mean': { tol: { rtol: 1e-6, atol: 1e-6, k: 4 }, run: (i) => withLaw(gumbel(i), (d) => d.mean()) },
  'Gumbel.variance': { tol: { rtol: 1e-6, atol: 1e-6, k: 4 }, run: (i) => withLaw(gumbel(i), (d) => d.variance()) },
  'RelaxedOneHotCategorical.logProb': {
    tol: { rtol: 1e-5, atol: 1e-4, k: 8 },
    run: (i) => withLaw(new RelaxedOneHotCategorical({ logits: i.logits!, temperature: num(i.temperature!) }), (d) => d.logProb(i.x!)),
  },
  'ExpRelaxedOneHotCategorical.logProb': {
    tol: { rtol: 1e-5, atol: 1e-4, k: 8 },
    run: (i) => withLaw(new ExpRelaxedOneHotCategorical({ logits: i.logits!, temperature: num(i.temperature!) }), (d) => d.logProb(i.y!)),
  },
  'RelaxedBernoulli.logProb': {
    tol: { rtol: 1e-5, atol: 1e-5, k: 8 },
    run: (i) => withLaw(new RelaxedBernoulli({ logits: i.logits!, temperature: num(i.temperature!) }), (d) => d.logProb(i.y!)),
  },
  'RelaxedBernoulli.logProb(probs)': {
    tol: { rtol: 1e-5, atol: 1e-5, k: 8 },
    run: (i) => withLaw(new RelaxedBernoulli({ probs: i.probs!, temperature: num(i.temperature!) }), (d) => d.logProb(i.y!)),
  },
};

describeDifferential('gumbel', ADAPTERS);
