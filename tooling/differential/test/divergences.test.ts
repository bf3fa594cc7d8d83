/**
 * The closed forms of @genmod/divergences against torch.distributions / scipy / mpmath (references/divergences.json,
 * written by scripts/differential/divergences.py). The estimators are in divergences_estimators.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  crossEntropyBernoulli, crossEntropyCategorical, crossEntropyMultivariateNormal, crossEntropyNormal, entropyBernoulli,
  entropyCategorical, entropyMultivariateNormal, entropyNormal, hellinger, jsDistance, jsDivergence, klBernoulli,
  klCategorical, klMultivariateNormal, klNormalNormal, klStandardNormal, klToUniform, totalVariation,
} from '@genmod/divergences';
import { Normal } from '@genmod/reparam';
import { type Adapter, describeDifferential, type Tolerance } from './harness.js';

type In = Record<string, tf.Tensor>;

// Base tolerances, documented (the conditioning allowance k·2⁻²³·cond comes on top):
// - CLOSED: a float32 closed form costs a few ulps of its result (rtol 1e-5); atol 1e-5 covers results that cancel
//   to near 0 (entropies and cross-entropies: log σ + ½·log 2πe, Σ −p·log q).
// - KL: the normal KL is a sum of non-negative terms, ½·[d² + (expm1(2r) − 2r)], with no cancellation in its exact
//   form; the issue asks for accuracy in the near-identical (log1p) regime, so the absolute floor is 1e-10 (an atol
//   of 1e-5 would accept any answer for KL ~ 1e-8 and say nothing about that regime).
// - SUMS: sums over K (up to 512) or d (up to 512) terms in float32: rtol 1e-4, atol 1e-4, k 8 (as reparam.test.ts).
// - MVN_KL: the multivariate KL, a sum over d² non-negative terms; rtol 1e-4 for the accumulation, and the
//   near-identical regime checked down to an absolute 1e-6 (KL ~ 1e-6 .. 1e-3 there).
// - DISCRETE_KL: KL / JS over K classes: Σ p·(log p − log q) sums terms of both signs: rtol 1e-4, atol 1e-6, k 8.
const CLOSED: Tolerance = { rtol: 1e-5, atol: 1e-5, k: 4 };
const KL: Tolerance = { rtol: 1e-5, atol: 1e-10, k: 4 };
const SUMS: Tolerance = { rtol: 1e-4, atol: 1e-4, k: 8 };
const MVN_KL: Tolerance = { rtol: 1e-4, atol: 1e-6, k: 8 };
const DISCRETE_KL: Tolerance = { rtol: 1e-4, atol: 1e-6, k: 8 };
// gradients of the normal KL: ∂/∂σ = expm1(2r)/σ etc., also without cancellation; 1e-5 relative, 1e-10 absolute
const KL_GRAD: Tolerance = { rtol: 1e-5, atol: 1e-10, k: 4 };

// ---- Normal: the four parameterisations (plain { loc, scale }, Normal.fromLogScale / fromLogVariance laws,
// eventRank 1 summing the last axis)
type NormalFn = (p: Parameters<typeof klNormalNormal>[0], q: Parameters<typeof klNormalNormal>[1], o?: { eventRank?: number }) => tf.Tensor;
const NORMAL_KINDS: Array<[string, (i: In, s: 'P' | 'Q') => { loc: tf.Tensor; scale: tf.Tensor } | Normal, { eventRank?: number }]> = [
  ['', (i, s) => ({ loc: i[`loc${s}`]!, scale: i[`scale${s}`]! }), {}],
  ['(fromLogScale)', (i, s) => Normal.fromLogScale(i[`loc${s}`]!, i[`logScale${s}`]!), {}],
  ['(fromLogVariance)', (i, s) => Normal.fromLogVariance(i[`loc${s}`]!, i[`logVariance${s}`]!), {}],
  ['(eventRank 1)', (i, s) => ({ loc: i[`loc${s}`]!, scale: i[`scale${s}`]! }), { eventRank: 1 }],
];
const dispose = (x: unknown) => (x instanceof Normal ? x.dispose() : undefined);

const ADAPTERS: Record<string, Adapter> = {};
for (const [suffix, make, opts] of NORMAL_KINDS) {
  const pair = (f: NormalFn) => (i: In) => {
    const p = make(i, 'P');
    const q = make(i, 'Q');
    const out = f(p, q, opts);
    dispose(p);
    dispose(q);
    return out;
  };
  ADAPTERS[`klNormalNormal${suffix}`] = { tol: KL, gradTol: KL_GRAD, run: pair(klNormalNormal) };
  ADAPTERS[`crossEntropyNormal${suffix}`] = { tol: CLOSED, run: pair(crossEntropyNormal) };
  ADAPTERS[`entropyNormal${suffix}`] = {
    tol: CLOSED,
    run: (i) => {
      const p = make(i, 'P');
      const out = entropyNormal(p, opts);
      dispose(p);
      return out;
    },
  };
}
ADAPTERS['klStandardNormal(loc, logVar)'] = { tol: KL, gradTol: KL_GRAD, run: (i) => klStandardNormal(i.loc!, i.logVar!) };
ADAPTERS['klStandardNormal(loc, logVar, eventRank 1)'] = { tol: KL, gradTol: KL_GRAD, run: (i) => klStandardNormal(i.loc!, i.logVar!, { eventRank: 1 }) };
ADAPTERS['klStandardNormal({ loc, scale })'] = { tol: KL, gradTol: KL_GRAD, run: (i) => klStandardNormal({ loc: i.loc!, scale: i.scale! }) };

// ---- MultivariateNormal: { loc, scaleTril } and { loc, covariance }. The covariance input is symmetrised,
// (C + Cᵀ)/2 (equal to C), in the reference and here alike, so that both compare the same symmetric gradient
// (a Cholesky factorisation reads one triangle; which one is an implementation choice). The d = 64 and 512
// cases store a bidiagonal L as its two bands (diag, sub): L = diag(diag) + diag(sub, −1), built here.
function bandMatrix(diag: tf.Tensor, sub: tf.Tensor): tf.Tensor {
  const d = diag.shape[0]!;
  return tf.reshape(tf.add(tf.diag(diag), tf.pad(tf.diag(sub), [[1, 0], [0, 1]])), [d, d]);
}
function mvnLaw(i: In, s: 'P' | 'Q', key: 'scaleTril' | 'covariance') {
  if (i[`diag${s}`]) return { loc: i[`loc${s}`]!, scaleTril: bandMatrix(i[`diag${s}`]!, i[`sub${s}`]!) };
  if (key === 'scaleTril') return { loc: i[`loc${s}`]!, scaleTril: i[`scaleTril${s}`]! };
  const c = i[`covariance${s}`]!;
  const perm = [...Array(c.rank).keys()];
  [perm[c.rank - 1], perm[c.rank - 2]] = [perm[c.rank - 2]!, perm[c.rank - 1]!];
  return { loc: i[`loc${s}`]!, covariance: tf.mul(tf.add(c, tf.transpose(c, perm)), 0.5) };
}
for (const [suffix, key] of [['', 'scaleTril'], ['(covariance)', 'covariance']] as const) {
  ADAPTERS[`klMultivariateNormal${suffix}`] = { tol: MVN_KL, run: (i) => klMultivariateNormal(mvnLaw(i, 'P', key), mvnLaw(i, 'Q', key)) };
  ADAPTERS[`crossEntropyMultivariateNormal${suffix}`] = { tol: SUMS, run: (i) => crossEntropyMultivariateNormal(mvnLaw(i, 'P', key), mvnLaw(i, 'Q', key)) };
  ADAPTERS[`entropyMultivariateNormal${suffix}`] = { tol: SUMS, run: (i) => entropyMultivariateNormal(mvnLaw(i, 'P', key)) };
}

// ---- Categorical and Bernoulli, from logits and from probs; JS, TV, Hellinger
for (const key of ['logits', 'probs'] as const) {
  const law = (x: tf.Tensor) => (key === 'logits' ? { logits: x } : { probs: x });
  const s = `(${key})`;
  ADAPTERS[`klCategorical${s}`] = { tol: DISCRETE_KL, run: (i) => klCategorical(law(i.p!), law(i.q!)) };
  ADAPTERS[`crossEntropyCategorical${s}`] = { tol: SUMS, run: (i) => crossEntropyCategorical(law(i.p!), law(i.q!)) };
  ADAPTERS[`entropyCategorical${s}`] = { tol: SUMS, run: (i) => entropyCategorical(law(i.p!)) };
  ADAPTERS[`klToUniform${s}`] = { tol: DISCRETE_KL, run: (i) => (key === 'logits' ? klToUniform(i.p!) : klToUniform(law(i.p!))) };
  ADAPTERS[`jsDivergence${s}`] = { tol: DISCRETE_KL, run: (i) => jsDivergence(law(i.p!), law(i.q!)) };
  ADAPTERS[`jsDistance${s}`] = { tol: DISCRETE_KL, run: (i) => jsDistance(law(i.p!), law(i.q!)) };
  ADAPTERS[`totalVariation${s}`] = { tol: DISCRETE_KL, run: (i) => totalVariation(law(i.p!), law(i.q!)) };
  ADAPTERS[`hellinger${s}`] = { tol: DISCRETE_KL, run: (i) => hellinger(law(i.p!), law(i.q!)) };
  ADAPTERS[`klBernoulli${s}`] = { tol: CLOSED, run: (i) => klBernoulli(law(i.p!), law(i.q!)) };
  ADAPTERS[`crossEntropyBernoulli${s}`] = { tol: CLOSED, run: (i) => crossEntropyBernoulli(law(i.p!), law(i.q!)) };
  ADAPTERS[`entropyBernoulli${s}`] = { tol: CLOSED, run: (i) => entropyBernoulli(law(i.p!)) };
}

describeDifferential('divergences', ADAPTERS);
