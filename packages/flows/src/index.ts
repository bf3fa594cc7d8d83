/**
 * @genmod/flows: normalizing flows for TensorFlow.js.
 *
 * Needs `@tensorflow/tfjs-core` (peer) with a backend and gradients registered by the app
 * (importing the @tensorflow/tfjs umbrella in the app does both).
 *
 * @module index
 */
export { trainableVariablesOf, type Bijector, type Network, type TrainableBijector } from './bijector.js';
export { chain, invert } from './chain.js';
export { shift, scale, affine, type AffineParams } from './affine.js';
export { exp, softplus, sigmoid, tanh } from './elementwise.js';
export { permute, reverse } from './permute.js';
export { tanhBound, softClamp } from './log-scale-bound.js';
export { mlp, type MlpOptions } from './mlp.js';
export { affineCoupling, type AffineCouplingOptions } from './affine-coupling.js';
export { StandardNormal } from './standard-normal.js';
export { TransformedDistribution, type BaseDistribution, type FlowLogProbOptions, type FlowSampleOptions } from './transformed-distribution.js';
export { made, type MadeOptions } from './made.js';
export { maskedAutoregressive, inverseAutoregressive, type MaskedAutoregressiveOptions } from './masked-autoregressive.js';
export { rationalQuadraticSpline, type RationalQuadraticSplineOptions } from './rational-quadratic-spline.js';
export { actNorm, type ActNormOptions } from './act-norm.js';
export { batchNorm, type BatchNormOptions } from './batch-norm.js';
export { luLinear, type LuLinearOptions } from './lu-linear.js';
export type { Distribution, ReparameterizedDistribution, ConditionalDistribution, Support, SampleOptions, Seed } from '@genmod-internal/core';
export { deriveSeed, saveState, loadState, composeState, isStateful } from '@genmod-internal/core';
export type { Stateful, StateDict, SaveStateOptions, LoadStateOptions } from '@genmod-internal/core';
