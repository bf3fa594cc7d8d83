import * as tf from '@tensorflow/tfjs-core';
import { beforeAll } from 'vitest';
import {
  cosineSchedule, ddimSample, diffusionLoss, discretizedGaussianLogLikelihood, dynamicThreshold, finalSample, leadingTimesteps,
  linearSchedule, linspaceTimesteps, normalKl, predictEpsFromV, predictEpsFromX0, predictX0AndEps, predictX0FromEps,
  predictX0FromV, qPosterior, qSample, rescaleZeroTerminalSnr, respace, reverseMeanFromEps, scaledLinearSchedule,
  scheduleFromAlphasCumprod, scheduleFromBetas, SCHEDULE_QUANTITIES, sigmoidSchedule, sinusoidalTimestepEmbedding,
  trailingTimesteps, velocity, variationalBound, type Prediction, type Schedule, type ScheduleQuantity,
} from '@genmod/diffusion';
import { type Adapter, decode, describeDifferential, loadReferences, type Tolerance } from './harness.js';

type In = Record<string, tf.Tensor>;
const num = (t: tf.Tensor | undefined) => t!.dataSync()[0]!;
const host = (t: tf.Tensor) => Array.from(t.dataSync());

/** The log quantities, checked apart with an absolute tolerance (they cross 0; an absolute error of a log is a relative error of the quantity). */
const LOGS: ScheduleQuantity[] = ['posteriorLogVarianceClipped', 'logSnr'];
const PLAIN = SCHEDULE_QUANTITIES.filter((q) => !LOGS.includes(q));

/** The schedule quantities stacked as a float32 [names.length, T] tensor (float64 rounded once). */
function quantities(s: Schedule, names: readonly ScheduleQuantity[] = PLAIN): tf.Tensor {
  const out = new Float32Array(names.length * s.T);
  names.forEach((q, r) => out.set(Float32Array.from(s[q]), r * s.T));
  return tf.tensor2d(out, [names.length, s.T]);
}
const BA: ScheduleQuantity[] = ['betas', 'alphasCumprod'];

/** The schedules the tensor functions run on: 0 linear (DDPM), 1 cosine, 2 zero-terminal-SNR scaled linear. */
const SCHEDULES = new Map<string, Schedule>();
function schedule(kind: number, T: number): Schedule {
  const key = `${kind}/${T}`;
  if (!SCHEDULES.has(key)) SCHEDULES.set(key, kind === 0 ? linearSchedule(T) : kind === 1 ? cosineSchedule(T) : rescaleZeroTerminalSnr(scaledLinearSchedule(T)));
  return SCHEDULES.get(key)!;
}
const sched = (d: In) => schedule(num(d.kind), num(d.T));
/** The timesteps as the case says: mode 0 host numbers (read from the float64 arrays), mode 1 an int32 tensor (gathered). */
const steps = (d: In) => (num(d.mode) === 1 ? d.t! : d.t!.rank === 0 ? num(d.t) : host(d.t!));
const PREDICTIONS: Prediction[] = ['epsilon', 'x0', 'v'];
/** t/1000 shaped [B, 1, …, 1] to broadcast against x_t (the closed-form denoisers' time dependence). */
const tau = (tm: tf.Tensor, x: tf.Tensor) => tf.reshape(tf.div(tf.cast(tm, 'float32'), 1000), [x.shape[0]!, ...new Array<number>(x.rank - 1).fill(1)]);

// Base tolerances, documented:
// - schedules are computed on the host in float64 from the same float32 inputs as the reference (cond = 0) and
//   rounded once to float32: rtol 1e-5 (the float64 products of up to T = 4000 factors cost ~1e-13), atol at
//   the float32 normal range (FLT_MIN) only, so that β = 1e-20 or 1 − ᾱ = 1e-12 are judged relatively;
// - timestep spacings are integers: exact;
// - closed forms (conversions, qSample, qPosterior, the embedding, normalKl, the discretized likelihood,
//   dynamic thresholding): rtol 1e-5, atol 1e-5, k 4 (a few ulps plus the input rounding);
// - means over B·D terms (diffusionLoss, D up to 512) and sums over T·D terms (variationalBound): rtol 1e-4,
//   atol 1e-4, k 8 (float32 accumulation);
// - DDIM: n steps of a closed form, each rounding its state: rtol 1e-4, atol 1e-4, k 8.
//   the log quantities (log β̃ clipped, log SNR) get atol 1e-12 instead: a relative 1e-12 of β̃ or SNR;
const SCHED: Tolerance = { rtol: 1e-5, atol: 1.1754943508222875e-38, k: 0 };
const SCHED_LOGS: Tolerance = { rtol: 1e-5, atol: 1e-12, k: 0 };
const EXACT: Tolerance = { rtol: 0, atol: 0, k: 0 };
const CLOSED: Tolerance = { rtol: 1e-5, atol: 1e-5, k: 4 };
const SUMS: Tolerance = { rtol: 1e-4, atol: 1e-4, k: 8 };

const ADAPTERS: Record<string, Adapter> = {
  scheduleFromBetas: { tol: SCHED, run: (i) => quantities(scheduleFromBetas(host(i.betas!))) },
  scheduleFromAlphasCumprod: { tol: SCHED, run: (i) => quantities(scheduleFromAlphasCumprod(host(i.alphasCumprod!))) },
  'scheduleFromBetas.logs': { tol: SCHED_LOGS, run: (i) => quantities(scheduleFromBetas(host(i.betas!)), LOGS) },
  'scheduleFromAlphasCumprod.logs': { tol: SCHED_LOGS, run: (i) => quantities(scheduleFromAlphasCumprod(host(i.alphasCumprod!)), LOGS) },
  'rescaleZeroTerminalSnr.logs': { tol: SCHED_LOGS, run: (i) => quantities(rescaleZeroTerminalSnr(scheduleFromBetas(host(i.betas!))), LOGS) },
  linearSchedule: { tol: SCHED, run: (i, d) => quantities(linearSchedule(num(d.T), { betaStart: num(i.betaStart), betaEnd: num(i.betaEnd) }), BA) },
  scaledLinearSchedule: { tol: SCHED, run: (i, d) => quantities(scaledLinearSchedule(num(d.T), { betaStart: num(i.betaStart), betaEnd: num(i.betaEnd) }), BA) },
  cosineSchedule: { tol: SCHED, run: (i, d) => quantities(cosineSchedule(num(d.T), { s: num(i.s), maxBeta: num(i.maxBeta) }), BA) },
  sigmoidSchedule: {
    tol: SCHED,
    run: (i, d) => quantities(sigmoidSchedule(num(d.T), { start: num(i.start), end: num(i.end), tau: num(i.tau), maxBeta: num(i.maxBeta) }), BA),
  },
  rescaleZeroTerminalSnr: { tol: SCHED, run: (i) => quantities(rescaleZeroTerminalSnr(scheduleFromBetas(host(i.betas!)))) },
  respace: {
    tol: SCHED,
    run: (i, d) => {
      const s = respace(scheduleFromBetas(host(i.betas!)), host(d.timesteps!));
      return tf.concat([quantities(s, ['betas', 'alphasCumprod']), tf.tensor2d(Float32Array.from(s.timesteps), [1, s.T])], 0);
    },
  },
  leadingTimesteps: { tol: EXACT, run: (_, d) => tf.tensor1d(leadingTimesteps(num(d.T), num(d.n), { offset: num(d.offset) }), 'int32') },
  linspaceTimesteps: { tol: EXACT, run: (_, d) => tf.tensor1d(linspaceTimesteps(num(d.T), num(d.n)), 'int32') },
  trailingTimesteps: { tol: EXACT, run: (_, d) => tf.tensor1d(trailingTimesteps(num(d.T), num(d.n)), 'int32') },
  qSample: { tol: CLOSED, run: (i, d) => qSample(i.x0!, steps(d), sched(d), { noise: i.noise! }) },
  'qPosterior.mean': { tol: CLOSED, run: (i, d) => qPosterior(i.x0!, i.xt!, steps(d), sched(d)).mean },
  'qPosterior.variance': { tol: CLOSED, run: (i, d) => qPosterior(i.x0!, i.xt!, steps(d), sched(d)).variance },
  'qPosterior.logVariance': { tol: CLOSED, run: (i, d) => qPosterior(i.x0!, i.xt!, steps(d), sched(d)).logVariance },
  predictX0FromEps: { tol: CLOSED, run: (i, d) => predictX0FromEps(i.xt!, steps(d), i.eps!, sched(d)) },
  predictEpsFromX0: { tol: CLOSED, run: (i, d) => predictEpsFromX0(i.xt!, steps(d), i.x0!, sched(d)) },
  predictX0FromV: { tol: CLOSED, run: (i, d) => predictX0FromV(i.xt!, steps(d), i.v!, sched(d)) },
  predictEpsFromV: { tol: CLOSED, run: (i, d) => predictEpsFromV(i.xt!, steps(d), i.v!, sched(d)) },
  velocity: { tol: CLOSED, run: (i, d) => velocity(i.x0!, i.eps!, steps(d), sched(d)) },
  reverseMeanFromEps: { tol: CLOSED, run: (i, d) => reverseMeanFromEps(i.xt!, steps(d), i.eps!, sched(d)) },
  sinusoidalTimestepEmbedding: {
    tol: CLOSED,
    run: (i, d) => sinusoidalTimestepEmbedding(i.t!.rank === 0 ? num(i.t) : host(i.t!), num(d.dim), { maxPeriod: num(d.maxPeriod) }),
  },
  'sinusoidalTimestepEmbedding(tensor)': { tol: CLOSED, run: (i, d) => sinusoidalTimestepEmbedding(i.t!, num(d.dim), { maxPeriod: num(d.maxPeriod) }) },
  normalKl: { tol: CLOSED, run: (i) => normalKl({ loc: i.pLoc!, logVar: i.pLogVar! }, { loc: i.qLoc!, logVar: i.qLogVar! }) },
  discretizedGaussianLogLikelihood: { tol: CLOSED, run: (i) => discretizedGaussianLogLikelihood(i.x!, i.mean!, i.logScale!) },
  diffusionLoss: {
    tol: SUMS,
    run: (i, d) => {
      const gamma = num(d.gamma);
      const denoiser = (xt: tf.Tensor, tm: tf.Tensor) => tf.add(tf.mul(i.w!, xt), tf.mul(i.b!, tau(tm, xt)));
      return diffusionLoss(denoiser, i.x0!, sched(d), {
        prediction: PREDICTIONS[num(d.prediction)], t: steps(d), noise: i.noise!, ...(gamma > 0 ? { minSnrGamma: gamma } : {}),
      });
    },
  },
  dynamicThreshold: {
    tol: CLOSED,
    run: (i, d) => dynamicThreshold(i.x0!, { percentile: num(d.percentile) / 10000, ...(num(d.maxValue) > 0 ? { maxValue: num(d.maxValue) } : {}) }),
  },
};
for (const p of PREDICTIONS) {
  for (const o of ['x0', 'eps'] as const) {
    // where the result is the output itself (ε for ε-prediction, x₀ for x₀-prediction) it does not depend on x_t:
    // 0·x_t is added so that tf.grads can differentiate with respect to x_t (gradient 0)
    const identity = (p === 'epsilon' && o === 'eps') || (p === 'x0' && o === 'x0');
    ADAPTERS[`predictX0AndEps(${p}).${o}`] = {
      tol: CLOSED,
      run: (i, d) => {
        const r = predictX0AndEps(i.output!, i.xt!, steps(d), sched(d), { prediction: p })[o];
        return identity ? tf.add(r, tf.mul(i.xt!, 0)) : r;
      },
    };
  }
}
for (const what of ['nats', 'terms'] as const) {
  ADAPTERS[`variationalBound.${what}`] = {
    tol: SUMS,
    run: (i, d) => {
      const denoiser = (xt: tf.Tensor, tm: tf.Tensor) => tf.add(tf.mul(xt, 0), tf.add(i.a!, tf.mul(i.b!, tau(tm, xt))));
      const r = variationalBound(denoiser, i.x0!, sched(d), {
        prediction: 'x0', variance: num(d.variance) === 0 ? 'beta' : 'posterior', decoder: num(d.decoder) === 0 ? 'discretized' : 'gaussian',
        clipX0: num(d.clip) === 1, seed: 1,
      });
      return r[what];
    },
  };
}

// DDIM is an async iteration: each case runs here first (η = 0, x_T given, a closed-form denoiser
// out = w·x + b·t/1000 over respace(schedule, trailingTimesteps(T, n))) and the adapter hands back its sample
const DDIM = new Map<string, { data: Float32Array; shape: number[] }>();
const ddimKey = (xT: number[]) => JSON.stringify(xT);
beforeAll(async () => {
  for (const c of loadReferences('diffusion').functions['ddimSample'] ?? []) {
    const data = Object.fromEntries(Object.entries(c.data!).map(([k, v]) => [k, v.data[0]!]));
    const xTdata = c.inputs.xT!.data.map(decode);
    const xT = tf.tensor(xTdata, c.inputs.xT!.shape);
    const w = tf.tensor(c.inputs.w!.data.map(decode), c.inputs.w!.shape);
    const b = tf.scalar(decode(c.inputs.b!.data[0]!));
    const s = respace(schedule(data.kind!, data.T!), trailingTimesteps(data.T!, data.n!));
    const denoiser = (x: tf.Tensor, tm: tf.Tensor) => tf.add(tf.mul(w, x), tf.mul(b, tau(tm, x)));
    const out = await finalSample(ddimSample(denoiser, xT.shape, s, { xT, eta: 0, prediction: PREDICTIONS[data.prediction!] }));
    DDIM.set(ddimKey(xTdata), { data: out.dataSync() as Float32Array, shape: out.shape });
    tf.dispose([out, xT, w, b]);
  }
});
ADAPTERS.ddimSample = {
  tol: SUMS,
  run: (i) => {
    const r = DDIM.get(ddimKey(host(i.xT!)));
    if (r === undefined) throw new Error('ddimSample: no precomputed sample for this case');
    return tf.tensor(r.data, r.shape);
  },
};

describeDifferential('diffusion', ADAPTERS);
