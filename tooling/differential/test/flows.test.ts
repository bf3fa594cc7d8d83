import * as tf from '@tensorflow/tfjs-core';
import {
  actNorm, affine, affineCoupling, batchNorm, chain, exp, inverseAutoregressive, invert, luLinear, made,
  maskedAutoregressive, permute, rationalQuadraticSpline, reverse, scale, shift, sigmoid, softClamp, softplus,
  StandardNormal, tanh, tanhBound, TransformedDistribution, type Bijector, type Network,
} from '@genmod/flows';
import { type Adapter, describeDifferential, type Tolerance } from './harness.js';

type In = Record<string, tf.Tensor>;
const ints = (t: tf.Tensor) => Array.from(t.dataSync());
const num = (t: tf.Tensor) => t.dataSync()[0]!;

/**
 * Every bijector function returns its value and its log-det together, as the reference stores them: event
 * rank 0 stack([y, logDet], −1), event rank 1 concat([y, logDet[..., None]], −1). The gradient is that of the
 * sum of both.
 */
function packed(b: Bijector, dir: 'forward' | 'inverse', v: tf.Tensor): tf.Tensor {
  const r = dir === 'forward' ? b.forward(v) : b.inverse(v);
  const out = 'y' in r ? r.y : r.x;
  return b.eventRank === 0 ? tf.stack([out, r.logDet], -1) : tf.concat([out, tf.expandDims(r.logDet, -1)], -1);
}

/** (x ⊙ m)·W + b on [..., D] (flattened batch, as our dense layers do): a conditioner whose W and b get gradients. */
function linear(W: tf.Tensor, b: tf.Tensor): Network {
  return (xm: tf.Tensor) => {
    const lead = xm.shape.slice(0, -1);
    return tf.reshape(tf.add(tf.matMul(tf.reshape(xm, [-1, W.shape[0]!]), W), b), [...lead, W.shape[1]!]);
  };
}

/** A made({ features, hidden, zeroLast: false }) with the case's weights assigned (w0, b0, w1, b1, …). */
function madeWith(i: In, k: In) {
  const hidden = ints(k.hidden!);
  const d = i.w0!.shape[0]!;
  const net = made({ features: d, hidden, paramsPerFeature: 2, order: ints(k.order!), zeroLast: false, seed: 0 });
  net.trainableVariables.forEach((v, j) => v.assign(i[`${j % 2 === 0 ? 'w' : 'b'}${Math.floor(j / 2)}`]!));
  return net;
}

/** The bijector is built once per call and its variables freed after the gradient pass (kept until then). */
const live: { dispose(): void }[] = [];
function keep<B extends { dispose(): void }>(b: B): B {
  live.push(b);
  if (live.length > 64) live.splice(0, 32).forEach((x) => x.dispose());
  return b;
}

// Base tolerances, documented. Elementwise closed forms: a few ulps of the result (rtol 1e-5) plus the input
// rounding (k·2⁻²³·cond). Maps over D coordinates (couplings, MADE, autoregressive flows, LU, batch norm): the
// log-det is a sum of D terms and the value a dot product of D terms, rtol 1e-4 atol 1e-4 k 8. The spline: its
// log-det is within 1e−5 + 16·ε·B·(1/w + 1/h) of log g′ (its TSDoc): atol 1e-4, rtol 1e-4, k 16. Recursive maps
// (MAF forward, IAF inverse: D sequential passes whose errors feed forward through exp(s)) k 16.
const CLOSED: Tolerance = { rtol: 1e-5, atol: 1e-5, k: 4 };
const SUMS: Tolerance = { rtol: 1e-4, atol: 1e-4, k: 8 };
const SPLINE: Tolerance = { rtol: 1e-4, atol: 1e-4, k: 16 };
const RECURSIVE: Tolerance = { rtol: 1e-4, atol: 1e-4, k: 16 };

const ADAPTERS: Record<string, Adapter> = {};
const elementwise: Record<string, () => Bijector> = { exp, softplus, sigmoid, tanh };
for (const [name, make] of Object.entries(elementwise)) {
  ADAPTERS[`${name}.forward`] = { tol: CLOSED, run: (i) => packed(make(), 'forward', i.x!) };
  ADAPTERS[`${name}.inverse`] = { tol: CLOSED, run: (i) => packed(make(), 'inverse', i.y!) };
}
const affines: Record<string, (i: In) => Bijector> = {
  shift: (i) => shift(i.shift!),
  scale: (i) => scale(i.scale!),
  affine: (i) => affine({ shift: i.shift!, scale: i.scale! }),
};
for (const [name, make] of Object.entries(affines)) {
  ADAPTERS[`${name}.forward`] = { tol: CLOSED, run: (i) => packed(make(i), 'forward', i.x!) };
  ADAPTERS[`${name}.inverse`] = { tol: CLOSED, run: (i) => packed(make(i), 'inverse', i.y!) };
}
const chained = (i: In) => chain(shift(i.shift!), exp(), scale(i.scale!));
ADAPTERS['chain.forward'] = { tol: CLOSED, run: (i) => packed(chained(i), 'forward', i.x!) };
ADAPTERS['chain.inverse'] = { tol: CLOSED, run: (i) => packed(chained(i), 'inverse', i.y!) };
ADAPTERS['invert(sigmoid).forward'] = { tol: CLOSED, run: (i) => packed(invert(sigmoid()), 'forward', i.x!) };
ADAPTERS['invert(sigmoid).inverse'] = { tol: CLOSED, run: (i) => packed(invert(sigmoid()), 'inverse', i.y!) };
ADAPTERS['permute.forward'] = { tol: CLOSED, run: (i, k) => packed(permute(ints(k.perm!)), 'forward', i.x!) };
ADAPTERS['permute.inverse'] = { tol: CLOSED, run: (i, k) => packed(permute(ints(k.perm!)), 'inverse', i.y!) };
ADAPTERS['reverse.forward'] = { tol: CLOSED, run: (i) => packed(reverse(), 'forward', i.x!) };
ADAPTERS['reverse.inverse'] = { tol: CLOSED, run: (i) => packed(reverse(), 'inverse', i.y!) };
ADAPTERS.tanhBound = { tol: CLOSED, run: (i) => tanhBound(num(i.limit!))(i.s!) };
ADAPTERS.softClamp = { tol: CLOSED, run: (i) => softClamp(num(i.limit!))(i.s!) };

const coupling = (i: In, k: In) => keep(affineCoupling({ mask: ints(k.mask!), conditioner: linear(i.W!, i.b!) }));
ADAPTERS['affineCoupling.forward'] = { tol: SUMS, run: (i, k) => packed(coupling(i, k), 'forward', i.x!) };
ADAPTERS['affineCoupling.inverse'] = { tol: SUMS, run: (i, k) => packed(coupling(i, k), 'inverse', i.y!) };

ADAPTERS.made = { tol: SUMS, run: (i, k) => keep(madeWith(i, k))(i.x!) };
const maf = (i: In, k: In) => keep(maskedAutoregressive({ network: madeWith(i, k) }));
const iaf = (i: In, k: In) => keep(inverseAutoregressive({ network: madeWith(i, k) }));
ADAPTERS['maskedAutoregressive.forward'] = { tol: RECURSIVE, run: (i, k) => packed(maf(i, k), 'forward', i.x!) };
ADAPTERS['maskedAutoregressive.inverse'] = { tol: SUMS, run: (i, k) => packed(maf(i, k), 'inverse', i.y!) };
ADAPTERS['inverseAutoregressive.forward'] = { tol: SUMS, run: (i, k) => packed(iaf(i, k), 'forward', i.x!) };
ADAPTERS['inverseAutoregressive.inverse'] = { tol: RECURSIVE, run: (i, k) => packed(iaf(i, k), 'inverse', i.y!) };

const spline = (i: In, k: In) =>
  keep(rationalQuadraticSpline({ mask: ints(k.mask!), bins: num(k.bins!), bound: num(i.bound!), conditioner: linear(i.W!, i.b!) }));
ADAPTERS['rationalQuadraticSpline.forward'] = { tol: SPLINE, run: (i, k) => packed(spline(i, k), 'forward', i.x!) };
ADAPTERS['rationalQuadraticSpline.inverse'] = { tol: SPLINE, run: (i, k) => packed(spline(i, k), 'inverse', i.y!) };

/** actNorm initialised (by a first call on zeros) and then given the case's (log σ, b). */
function actNormWith(i: In) {
  const d = i.logScale!.shape[0]!;
  const a = keep(actNorm({ features: d }));
  tf.dispose(a.inverse(tf.ones([2, d])));
  a.trainableVariables[0]!.assign(i.logScale!);
  a.trainableVariables[1]!.assign(i.bias!);
  return a;
}
ADAPTERS['actNorm.forward'] = { tol: SUMS, run: (i) => packed(actNormWith(i), 'forward', i.x!) };
ADAPTERS['actNorm.inverse'] = { tol: SUMS, run: (i) => packed(actNormWith(i), 'inverse', i.y!) };
ADAPTERS['actNorm.inverse(init)'] = { tol: SUMS, run: (i) => packed(keep(actNorm({ features: i.y!.shape.at(-1)! })), 'inverse', i.y!) };
ADAPTERS['actNorm.forward(init)'] = { tol: SUMS, run: (i) => packed(keep(actNorm({ features: i.x!.shape.at(-1)! })), 'forward', i.x!) };

function batchNormWith(i: In, training: boolean) {
  const d = i.logGamma!.shape[0]!;
  const bn = keep(batchNorm({ features: d }));
  bn.trainableVariables[0]!.assign(i.logGamma!);
  bn.trainableVariables[1]!.assign(i.beta!);
  if (!training) {
    bn.runningMean.assign(i.runningMean!);
    bn.runningVariance.assign(i.runningVariance!);
  }
  bn.training = training;
  return bn;
}
ADAPTERS['batchNorm.inverse(training)'] = { tol: SUMS, run: (i) => packed(batchNormWith(i, true), 'inverse', i.y!) };
ADAPTERS['batchNorm.forward(inference)'] = { tol: SUMS, run: (i) => packed(batchNormWith(i, false), 'forward', i.x!) };
ADAPTERS['batchNorm.inverse(inference)'] = { tol: SUMS, run: (i) => packed(batchNormWith(i, false), 'inverse', i.y!) };

function luWith(i: In, k: In) {
  const lin = keep(luLinear({ features: i.logDiag!.shape[0]!, permutation: ints(k.perm!) }));
  lin.trainableVariables[0]!.assign(i.L!);
  lin.trainableVariables[1]!.assign(i.U!);
  lin.trainableVariables[2]!.assign(i.logDiag!);
  return lin;
}
ADAPTERS['luLinear.forward'] = { tol: SUMS, run: (i, k) => packed(luWith(i, k), 'forward', i.x!) };
ADAPTERS['luLinear.inverse'] = { tol: SUMS, run: (i, k) => packed(luWith(i, k), 'inverse', i.y!) };

ADAPTERS['StandardNormal.logProb'] = { tol: SUMS, run: (i, k) => new StandardNormal(ints(k.eventShape!)).logProb(i.z!) };
ADAPTERS['TransformedDistribution.logProb(affine, exp)'] = {
  tol: SUMS,
  run: (i) => {
    const flow = new TransformedDistribution(new StandardNormal([i.y!.shape.at(-1)!]), chain(affine({ shift: i.shift!, scale: i.scale! }), exp()));
    return flow.logProb(i.y!);
  },
};
ADAPTERS['TransformedDistribution.logProb(coupling, reverse)'] = {
  tol: SUMS,
  run: (i, k) => {
    const flow = new TransformedDistribution(new StandardNormal([i.y!.shape.at(-1)!]), keep(chain(affineCoupling({ mask: ints(k.mask!), conditioner: linear(i.W!, i.b!) }), reverse())));
    return flow.logProb(i.y!);
  },
};

describeDifferential('flows', ADAPTERS);
