/**
 * @genmod/divergences: divergences, distances and contrastive losses between distributions for
 * TensorFlow.js: analytic and Monte Carlo KL, entropy, cross-entropy, Jensen–Shannon, total variation,
 * Hellinger, Wasserstein, energy distance, sliced Wasserstein, MMD, the density-ratio trick, NWJ and
 * InfoNCE bounds, triplet and contrastive losses.
 *
 * Needs `@tensorflow/tfjs-core` (peer) with a backend and gradients registered by the app
 * (importing the @tensorflow/tfjs umbrella in the app does both).
 */
export { klNormalNormal, klStandardNormal, entropyNormal, crossEntropyNormal, type NormalParams, type NormalLike, type EventOptions } from './normal.js';
export { klMultivariateNormal, entropyMultivariateNormal, crossEntropyMultivariateNormal, type MultivariateNormalParams, type MultivariateNormalLike } from './multivariate-normal.js';
export { klCategorical, entropyCategorical, crossEntropyCategorical, klToUniform, type DiscreteParams, type CategoricalLike, type BernoulliLike, type DiscreteOptions } from './categorical.js';
export { klBernoulli, entropyBernoulli, crossEntropyBernoulli } from './bernoulli.js';
export { jsDivergence, jsDistance } from './jensen-shannon.js';
export { totalVariation } from './total-variation.js';
export { hellinger } from './hellinger.js';
export { monteCarloKl, jsDivergenceMonteCarlo, type MonteCarloOptions, type MonteCarloEstimate } from './monte-carlo.js';
export { wasserstein1d, wassersteinSorted, type Wasserstein1dOptions } from './wasserstein.js';
export { energyDistance } from './energy-distance.js';
export { slicedWasserstein, type SlicedWassersteinOptions } from './sliced-wasserstein.js';
export { mmd, rbfKernel, inverseMultiquadricKernel, type Kernel, type MmdOptions } from './mmd.js';
export { logDensityRatio, densityRatio, densityRatioKl, densityRatioLoss, type DensityRatioOptions } from './density-ratio.js';
export { nwjLoss } from './nwj.js';
export { infoNce, infoNceLoss } from './info-nce.js';
export { tripletLoss, type TripletLossOptions } from './triplet-loss.js';
export { contrastiveObjective } from './contrastive-objective.js';
export type { ValidateOptions, Reduction } from './internal/checks.js';
export type { Distribution, ReparameterizedDistribution, ConditionalDistribution, Support, SampleOptions, Seed } from '@genmod-internal/core';
export { deriveSeed } from '@genmod-internal/core';
export { saveState, loadState, composeState, isStateful } from '@genmod-internal/core';
export type { Stateful, StateDict, SaveStateOptions, LoadStateOptions } from '@genmod-internal/core';
export type { NormalLaw, MultivariateNormalTriLLaw, CategoricalLaw, BernoulliLaw, IndependentLaw } from '@genmod-internal/core';
export { frechetDistance, kernelDistance, type KernelDistanceOptions, type KernelDistanceResult } from './sample-quality.js';
export { precisionRecall, densityCoverage, type NeighbourhoodOptions } from './nearest-neighbours.js';
