import * as tf from '@tensorflow/tfjs-core';
import {
  contrastiveObjective,
  densityRatio,
  densityRatioKl,
  densityRatioLoss,
  energyDistance,
  infoNce,
  infoNceLoss,
  inverseMultiquadricKernel,
  jsDivergenceMonteCarlo,
  monteCarloKl,
  logDensityRatio,
  mmd,
  nwjLoss,
  rbfKernel,
  slicedWasserstein,
  tripletLoss,
  wasserstein1d,
  wassersteinSorted,
  type Distribution,
} from '@genmod/divergences';
import { vi } from 'vitest';
import { type Adapter, describeDifferential, type Tolerance } from './harness.js';

// the Gram-path MMD cases (N² up to 4.4·10⁶ kernel entries, a median over 2.6·10⁵ pairs) take a while on a busy machine
vi.setConfig({ testTimeout: 600_000 });

type In = Record<string, tf.Tensor>;
const num = (t: tf.Tensor) => t.dataSync()[0]!;
const REDUCTIONS = ['mean', 'sum', 'none'] as const;
const reduction = (k: In) => REDUCTIONS[num(k.reduction!)]!;

// Base tolerances, documented (the suite never loosens one to hide a defect of ours):
// - CLOSED: an elementwise closed form (log r, r, the kernels) costs a few float32 ulps of its result (rtol 1e-5)
//   on top of the rounding of the inputs (k·2⁻²³·cond); atol 1e-5 for results near 0.
// - HOST: wasserstein1d is computed on the host in float64 from the float32 inputs and rounded once: rtol 1e-6.
// - SUMS: means and sums over n terms (density-ratio / NWJ losses, InfoNCE's logsumexp over B, triplet and
//   contrastive dot products over D ≤ 512, the sorted W_p over n): float32 accumulation, rtol 1e-4, atol 1e-5, k 8.
// - PAIRS: estimators over n·m pairwise distances (energy distance, sliced Wasserstein over L·n projections,
//   MMD's three kernel sums): the float32 sums over up to N² = 4.4·10⁶ terms and the differences between them
//   (MMD² and D² are differences of O(1) sums), rtol 1e-4, atol 1e-4 (on |MMD²| ≤ 2), k 16.
const CLOSED: Tolerance = { rtol: 1e-5, atol: 1e-5, k: 4 };
const HOST: Tolerance = { rtol: 1e-6, atol: 1e-6, k: 4 };
const SUMS: Tolerance = { rtol: 1e-4, atol: 1e-5, k: 8 };
const PAIRS: Tolerance = { rtol: 1e-4, atol: 1e-4, k: 16 };

const weights = (i: In) => ({
  ...(i.uWeights ? { uWeights: i.uWeights } : {}),
  ...(i.vWeights ? { vWeights: i.vWeights } : {}),
});

const mmdRun = (kernel: (i: In) => ReturnType<typeof rbfKernel>) => (i: In, k: In) =>
  mmd(i.x!, i.y!, { kernel: kernel(i), biased: num(k.biased!) === 1 });

/**
 * N(loc, e^logScale) whose draws are the case's fixed points loc + e^logScale·eps (the seed is ignored): the Monte
 * Carlo estimators become deterministic functions of eps, differentiable in both laws' parameters. Its logProb
 * is the closed form in log-scale form, (x − loc)·e^(−logScale).
 */
function fixedDrawNormal(loc: tf.Tensor, logScale: tf.Tensor, eps: tf.Tensor): Distribution {
  const draws = () => tf.add(loc, tf.mul(tf.exp(logScale), eps));
  return {
    family: 'FixedDrawNormal',
    batchShape: loc.shape,
    eventShape: [],
    support: 'real',
    sample: draws,
    rsample: draws,
    logProb: (x: tf.Tensor) =>
      tf.sub(tf.sub(tf.mul(tf.square(tf.mul(tf.sub(x, loc), tf.exp(tf.neg(logScale)))), -0.5), logScale), 0.5 * Math.log(2 * Math.PI)),
  } as Distribution;
}

const klRun = (part: 'estimate' | 'standardError') => (i: In) =>
  monteCarloKl(fixedDrawNormal(i.qLoc!, i.qLogScale!, i.qEps!), fixedDrawNormal(i.pLoc!, i.pLogScale!, i.qEps!), { samples: i.qEps!.shape[0]! })[part]!;
const jsRun = (part: 'estimate' | 'standardError') => (i: In) =>
  jsDivergenceMonteCarlo(fixedDrawNormal(i.pLoc!, i.pLogScale!, i.pEps!), fixedDrawNormal(i.qLoc!, i.qLogScale!, i.qEps!), { samples: i.pEps!.shape[0]! })[part]!;

const ADAPTERS: Record<string, Adapter> = {
  // means over S draws of log-density differences (and their standard errors): float32 sums of S terms
  monteCarloKl: { tol: SUMS, run: klRun('estimate') },
  'monteCarloKl.standardError': { tol: SUMS, run: klRun('standardError') },
  jsDivergenceMonteCarlo: { tol: SUMS, run: jsRun('estimate') },
  'jsDivergenceMonteCarlo.standardError': { tol: SUMS, run: jsRun('standardError') },
  wasserstein1d: { tol: HOST, run: (i) => wasserstein1d(i.u!, i.v!, weights(i)) },
  wassersteinSorted: { tol: SUMS, run: (i) => wassersteinSorted(i.u!, i.v!, { p: num(i.p!) }) },
  energyDistance: { tol: PAIRS, run: (i) => energyDistance(i.u!, i.v!, weights(i)) },
  'slicedWasserstein(directions)': {
    tol: PAIRS,
    run: (i) => slicedWasserstein(i.x!, i.y!, { directions: i.directions!, p: num(i.p!) }),
  },
  'mmd(rbfKernel)': { tol: PAIRS, run: mmdRun((i) => rbfKernel({ bandwidth: num(i.bandwidth!) })) },
  'mmd(rbfKernel median)': { tol: PAIRS, run: mmdRun(() => rbfKernel()) },
  'mmd(inverseMultiquadricKernel)': {
    tol: PAIRS,
    run: mmdRun((i) => inverseMultiquadricKernel({ scale: num(i.scale!), exponent: num(i.exponent!) })),
  },
  rbfKernel: { tol: CLOSED, run: (i) => rbfKernel({ bandwidth: num(i.bandwidth!) })(i.sq!) },
  'rbfKernel(median)': { tol: CLOSED, run: (i) => rbfKernel()(i.sq!) },
  inverseMultiquadricKernel: {
    tol: CLOSED,
    run: (i) => inverseMultiquadricKernel({ scale: num(i.scale!), exponent: num(i.exponent!) })(i.sq!),
  },
  logDensityRatio: { tol: CLOSED, run: (i) => logDensityRatio(i.logits!, { priorOdds: num(i.priorOdds!) }) },
  densityRatio: { tol: CLOSED, run: (i) => densityRatio(i.logits!, { priorOdds: num(i.priorOdds!) }) },
  densityRatioKl: { tol: SUMS, run: (i) => densityRatioKl(i.logitsOnQ1!, { priorOdds: num(i.priorOdds!) }) },
  densityRatioLoss: { tol: SUMS, run: (i) => densityRatioLoss(i.logitsOnQ1!, i.logitsOnQ2!) },
  nwjLoss: { tol: SUMS, run: (i) => nwjLoss(i.criticOnP!, i.criticOnQ!) },
  infoNceLoss: { tol: SUMS, run: (i, k) => infoNceLoss(i.scores!, { reduction: reduction(k) }) },
  infoNce: {
    tol: SUMS,
    run: (i, k) => infoNce(i.query!, i.keys!, { temperature: num(i.temperature!), reduction: reduction(k) }),
  },
  tripletLoss: {
    tol: SUMS,
    run: (i, k) =>
      tripletLoss(i.anchor!, i.positive!, i.negative!, {
        margin: num(i.margin!),
        p: num(i.p!),
        eps: num(i.eps!),
        swap: num(k.swap!) === 1,
        reduction: reduction(k),
      }),
  },
  contrastiveObjective: {
    tol: SUMS,
    run: (i, k) => contrastiveObjective(i.query!, i.positive!, i.negative!, { reduction: reduction(k) }),
  },
};

describeDifferential('divergences_estimators', ADAPTERS);
