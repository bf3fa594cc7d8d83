/**
 * @genmod/adversarial: GAN losses, gradient penalties, training loops and adversarial variational Bayes for
 * TensorFlow.js.
 */
export {
  discriminatorLoss, generatorLossMinimax, generatorLossNonSaturating, generatorLossLogRatio,
  leastSquaresDiscriminatorLoss, leastSquaresGeneratorLoss, hingeDiscriminatorLoss, hingeGeneratorLoss,
  wassersteinCriticLoss, wassersteinGeneratorLoss,
  minimaxLoss, nonSaturatingLoss, logRatioLoss, leastSquaresLoss, hingeLoss, wassersteinLoss, type GanLoss,
} from './losses.js';
export { enableHigherOrderGradients, disableHigherOrderGradients, higherOrderGradientsEnabled, higherOrderGradientKernels } from './higher-order-gradients.js';
export { gradcheck, gradgradcheck, type GradcheckOptions, type GradcheckReport, type GradcheckInputReport } from './gradcheck.js';
export { gradientPenalty, type GradientPenaltyOptions } from './gradient-penalty.js';
export { r1Penalty, r2Penalty, type R1PenaltyOptions } from './r1-penalty.js';
export { clipWeights, type NamedVariables } from './weight-clipping.js';
export { spectralNorm, spectralNormalizer, type SpectralNormOptions, type SpectralNormResult, type SpectralNormalizer, type SpectralNormalizerOptions } from './spectral-norm.js';
export { modeCoverage, ringOfGaussians, gridOfGaussians, type ModeCoverage, type ModeCoverageOptions, type GaussianMixture } from './mode-coverage.js';
export { trainAdversarial, type TrainAdversarialOptions, type TrainAdversarialResult, type AdversarialStepRecord, type SampleContext } from './train-adversarial.js';
export { discriminatorStep, generatorStep, type DiscriminatorStepOptions, type DiscriminatorStepResult, type GeneratorStepOptions, type AdversarialNetwork, type LayersModelLike, type Penalty, type PenaltyContext } from './train-step.js';
export { avbDiscriminatorLoss, avbKl, avbElbo } from './avb.js';
export { avbStep, type AvbStepOptions, type AvbStepResult } from './avb-step.js';
