/**
 * @genmod/diffusion: diffusion models for TensorFlow.js. Noise schedules computed in float64, the forward
 * process and its posterior, ε / x₀ / v parameterizations, the training loss with min-SNR weighting, the
 * variational bound in nats and bits per dimension, samplers that yield between steps (DDPM, DDIM, DPM-Solver++,
 * Euler / Heun / Euler ancestral on Karras σ grids), classifier-free guidance, and flow matching (the loss with
 * OT coupling, ODE samplers, exact log-likelihoods).
 *
 * Needs `@tensorflow/tfjs-core` (peer) with a backend and gradients registered by the app
 * (importing the @tensorflow/tfjs umbrella in the app does both).
 */
export { scheduleFromBetas, scheduleFromAlphasCumprod, isSchedule, SCHEDULE_QUANTITIES, type Schedule, type ScheduleQuantity, type ScheduleTensors, type ScheduleFromBetasOptions } from './schedule.js';
export { linearSchedule, scaledLinearSchedule, type LinearScheduleOptions } from './linear-schedule.js';
export { cosineSchedule, type CosineScheduleOptions } from './cosine-schedule.js';
export { sigmoidSchedule, type SigmoidScheduleOptions } from './sigmoid-schedule.js';
export { rescaleZeroTerminalSnr } from './rescale-zero-terminal-snr.js';
export { respace, leadingTimesteps, linspaceTimesteps, trailingTimesteps, type LeadingTimestepsOptions } from './respace.js';
export { qSample, type QSampleOptions } from './q-sample.js';
export { qPosterior, type QPosterior } from './q-posterior.js';
export { predictX0FromEps, predictEpsFromX0, predictX0FromV, predictEpsFromV, velocity, predictX0AndEps, reverseMeanFromEps, type Prediction, type PredictX0AndEpsOptions } from './parameterization.js';
export { sinusoidalTimestepEmbedding, type TimestepEmbeddingOptions } from './timestep-embedding.js';
export type { Denoiser } from './denoiser.js';
export { diffusionLoss, type DiffusionLossOptions } from './diffusion-loss.js';
export { normalKl, discretizedGaussianLogLikelihood, type GaussianLogVar } from './gaussian.js';
export { variationalBound, type VariationalBound, type VariationalBoundOptions, type ModelVariance } from './variational-bound.js';
export { dynamicThreshold, type DynamicThresholdOptions } from './dynamic-threshold.js';
export { finalSample, type SamplerStep, type SamplerOptions } from './sampler.js';
export { ddpmSample, type DdpmSampleOptions } from './ddpm-sample.js';
export { ddimSample, type DdimSampleOptions } from './ddim-sample.js';
export type { Timesteps } from './internal/timesteps.js';
export { dpmSolverSample, type DpmSolverSampleOptions } from './dpm-solver-sample.js';
export { karrasSigmas, scheduleSigmas, type KarrasSigmasOptions } from './karras-sigmas.js';
export { eulerSample, heunSample, eulerAncestralSample, type SigmaSamplerOptions, type ChurnSamplerOptions, type EulerAncestralSampleOptions } from './karras-sample.js';
export { classifierFreeGuidance, dropCondition, type ConditionalDenoiser, type GuidanceOptions, type DropConditionOptions } from './guidance.js';
export { flowMatchingLoss, otPairing, type VelocityField, type FlowMatchingLossOptions } from './flow-matching.js';
export { flowSample, flowLogLikelihood, type OdeMethod, type FlowStep, type FlowSampleOptions, type FlowLogLikelihoodOptions } from './flow-sample.js';
export type { Distribution, ReparameterizedDistribution, ConditionalDistribution, Support, SampleOptions, Seed } from '@genmod-internal/core';
export { deriveSeed } from '@genmod-internal/core';
export { saveState, loadState, composeState, isStateful } from '@genmod-internal/core';
export type { Stateful, StateDict, SaveStateOptions, LoadStateOptions } from '@genmod-internal/core';
