/**
 * @genmod/adversarial: GAN losses, gradient penalties, training loops and adversarial variational Bayes for
 * TensorFlow.js. Test utilities (gradcheck, gradgradcheck, mode coverage and its mixtures of Gaussians) live
 * in the `@genmod/adversarial/testing` subpath.
 *
 * @module index
 */
export {
  minimaxDiscriminatorLoss, minimaxGeneratorLoss, nonSaturatingGeneratorLoss, logRatioGeneratorLoss,
  leastSquaresDiscriminatorLoss, leastSquaresGeneratorLoss, hingeDiscriminatorLoss, hingeGeneratorLoss,
  wassersteinCriticLoss, wassersteinGeneratorLoss,
} from './losses.js';
export { minimaxLoss, nonSaturatingLoss, logRatioLoss, leastSquaresLoss, hingeLoss, wassersteinLoss, type GanLoss } from './gan-loss.js';
export { enableHigherOrderGradients, disableHigherOrderGradients, higherOrderGradientsEnabled, higherOrderGradientKernels } from './higher-order-gradients.js';
export { gradientPenalty, type GradientPenaltyOptions } from './gradient-penalty.js';
export { r1Penalty, r2Penalty, type R1PenaltyOptions } from './r1-penalty.js';
export { clipWeights, type NamedVariables } from './weight-clipping.js';
export { spectralNorm, spectralNormalizer, type SpectralNormOptions, type SpectralNormResult, type SpectralNormalizer, type SpectralNormalizerOptions } from './spectral-norm.js';
export { trainAdversarial, type TrainAdversarialOptions, type TrainAdversarialResult, type AdversarialStepRecord, type SampleContext } from './train-adversarial.js';
export { discriminatorStep, type DiscriminatorStepOptions, type DiscriminatorStepResult, type Penalty, type PenaltyContext } from './discriminator-step.js';
export { generatorStep, type GeneratorStepOptions } from './generator-step.js';
export type { AdversarialNetwork, LayersModelLike } from './internal/networks.js';
export { avbDiscriminatorLoss, avbKl, avbElbo } from './avb.js';
export { avbStep, type AvbStepOptions, type AvbStepResult } from './avb-step.js';
export type { Distribution, ReparameterizedDistribution, ConditionalDistribution, Support, SampleOptions, Seed } from '@genmod-internal/core';
export { deriveSeed } from '@genmod-internal/core';
export { networkState } from './network-state.js';
export { saveState, loadState, composeState, isStateful } from '@genmod-internal/core';
export type { Stateful, StateDict, SaveStateOptions, LoadStateOptions } from '@genmod-internal/core';
