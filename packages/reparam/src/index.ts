/**
 * @genmod/reparam: reparameterized distributions and Monte Carlo gradient estimators for TensorFlow.js.
 *
 * Needs `@tensorflow/tfjs-core` (peer) with a backend and gradients registered by the app
 * (importing the @tensorflow/tfjs umbrella in the app does both).
 */
export type { Distribution, ReparameterizedDistribution, ConditionalDistribution, Support, SampleOptions, Seed } from '@genmod-internal/core';
export { deriveSeed } from '@genmod-internal/core';
export { saveState, loadState, composeState, isStateful } from '@genmod-internal/core';
export type { Stateful, StateDict, SaveStateOptions, LoadStateOptions } from '@genmod-internal/core';
export type { NormalLaw, MultivariateNormalTriLLaw, CategoricalLaw, BernoulliLaw, IndependentLaw } from '@genmod-internal/core';
export type { ReparameterizedSampleOptions } from './distribution.js';
export { Normal, type NormalParams } from './normal.js';
export { MultivariateNormalTriL, type MultivariateNormalTriLParams } from './multivariate-normal-tri-l.js';
export { Logistic, type LogisticParams } from './logistic.js';
export { Uniform, type UniformParams } from './uniform.js';
export { Bernoulli, type BernoulliParams } from './bernoulli.js';
export { Categorical, type CategoricalParams } from './categorical.js';
export { independent, type Independent } from './independent.js';
export type { EstimatorOptions, GradientEstimate, GradientEstimator, Objective, DistributionFactory } from './gradient-estimate.js';
export { reparameterizationGradient } from './reparameterization-gradient.js';
export { scoreFunctionGradient, type ScoreFunctionOptions } from './score-function-gradient.js';
export { movingAverageBaseline, leaveOneOutBaseline, type Baseline, type MovingAverageBaseline } from './baselines.js';
export { straightThrough } from './straight-through.js';
export { gradientVariance, type GradientVarianceOptions, type GradientVarianceResult } from './gradient-variance.js';
