/**
 * @genmod/vae: variational autoencoders for TensorFlow.js: the ELBO (analytic or Monte Carlo KL, β,
 * annealing, free bits), likelihoods, the IWAE bound, discrete VAEs with Gumbel-softmax latents, VQ-VAE,
 * flow, aggregated-posterior and autoregressive priors, and ELBO surgery.
 *
 * Needs `@tensorflow/tfjs-core` (peer) with a backend and gradients registered by the app
 * (importing the @tensorflow/tfjs umbrella in the app does both).
 */
export type { Likelihood } from './likelihood.js';
export type { GaussianPosterior, Posterior, Encoding } from './posterior.js';
export type { ModelOptions, LatentModelOptions } from './internal/latents.js';
export type { Distribution, ReparameterizedDistribution, ConditionalDistribution, Support, SampleOptions, Seed } from '@genmod-internal/core';
export { deriveSeed } from '@genmod-internal/core';
export { saveState, loadState, composeState, isStateful } from '@genmod-internal/core';
export type { Stateful, StateDict, SaveStateOptions, LoadStateOptions } from '@genmod-internal/core';
export { standardNormalPrior, type Prior, type DiscretePrior, type StandardNormalPrior } from './prior.js';
export { bernoulliLogLikelihood } from './bernoulli-log-likelihood.js';
export { gaussianLikelihood, type GaussianLikelihoodOptions } from './gaussian-likelihood.js';
export { discretizedLogisticLikelihood, type DiscretizedLogisticOptions } from './discretized-logistic-likelihood.js';
export { elbo, type ElboOptions, type ElboResult } from './elbo.js';
export { iwaeBound, logMeanExp, type IwaeOptions, type IwaeResult } from './iwae-bound.js';
export { linearWarmup, cyclicalAnnealing, type LinearWarmupOptions, type CyclicalAnnealingOptions } from './kl-annealing.js';
export { codebookLookup } from './codebook-lookup.js';
export { categoricalKl, type CategoricalKlOptions } from './categorical-kl.js';
export { discreteElbo, type DiscreteElboOptions, type DiscreteElboResult } from './discrete-elbo.js';
export { vectorQuantize, type VectorQuantizeOptions, type VectorQuantizeResult } from './vector-quantize.js';
export { VectorQuantizer, type VectorQuantizerOptions } from './vector-quantizer.js';
export { flowPrior, type PriorBijector, type FlowPrior } from './flow-prior.js';
export { causalMask, type CausalMaskOptions } from './causal-mask.js';
export { autoregressiveSample, type AutoregressiveSampleOptions } from './autoregressive-sample.js';
export { autoregressivePrior, type AutoregressivePrior, type AutoregressivePriorOptions, type AutoregressivePriorSampleOptions } from './autoregressive-prior.js';
export { aggregatePosterior, type AggregatePosterior } from './aggregate-posterior.js';
export { elboSurgery, type ElboSurgeryOptions, type ElboSurgeryResult } from './elbo-surgery.js';
