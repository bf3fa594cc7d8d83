/**
 * @genmod/gumbel: the Gumbel toolbox for TensorFlow.js.
 *
 * Needs `@tensorflow/tfjs-core` (peer) with a backend and gradients registered by the app
 * (importing the @tensorflow/tfjs umbrella in the app does both).
 */
export { sampleGumbel, type SampleGumbelOptions } from './sample-gumbel.js';
export { Gumbel, EULER_GAMMA, type GumbelParams } from './gumbel.js';
export { gumbelMax, type GumbelMaxOptions } from './gumbel-max.js';
export { gumbelTopK, type GumbelTopKOptions } from './gumbel-top-k.js';
export { sampleCategorical, type SampleCategoricalOptions } from './sample-categorical.js';
export { gumbelSoftmax, type GumbelSoftmaxOptions } from './gumbel-softmax.js';
export { RelaxedOneHotCategorical, ExpRelaxedOneHotCategorical, type RelaxedCategoricalParams } from './relaxed-one-hot-categorical.js';
export { RelaxedBernoulli, type RelaxedBernoulliParams, type RelaxedBernoulliSampleOptions } from './relaxed-bernoulli.js';
export { exponentialDecay, type ExponentialDecayOptions } from './exponential-decay.js';
export type { NoiseOptions } from './internal/perturb.js';
export type { Distribution, ReparameterizedDistribution, ConditionalDistribution, Support, SampleOptions, Seed } from '@genmod-internal/core';
export { deriveSeed } from '@genmod-internal/core';
export { saveState, loadState, composeState, isStateful } from '@genmod-internal/core';
export type { Stateful, StateDict, SaveStateOptions, LoadStateOptions } from '@genmod-internal/core';
