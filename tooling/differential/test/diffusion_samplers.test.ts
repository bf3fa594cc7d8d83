import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, vi } from 'vitest';
import {
  classifierFreeGuidance, cosineSchedule, dpmSolverSample, eulerSample, finalSample, flowLogLikelihood, flowMatchingLoss, flowSample,
  heunSample, karrasSigmas, linearSchedule, otPairing, rescaleZeroTerminalSnr, respace, scaledLinearSchedule, scheduleSigmas,
  trailingTimesteps, type OdeMethod, type Prediction, type SamplerStep, type Schedule,
} from '@genmod/diffusion';
import { type Adapter, decode, describeDifferential, loadReferences, type RefCase, type Tolerance } from './harness.js';

vi.setConfig({ testTimeout: 600_000 });

type In = Record<string, tf.Tensor>;
const num = (t: tf.Tensor | undefined) => t!.dataSync()[0]!;
const host = (t: tf.Tensor) => Array.from(t.dataSync());

/** The schedules the samplers run on: 0 linear (DDPM), 1 cosine, 2 zero-terminal-SNR scaled linear (as the diffusion unit). */
const SCHEDULES = new Map<string, Schedule>();
function schedule(kind: number, T: number): Schedule {
  const key = `${kind}/${T}`;
  if (!SCHEDULES.has(key)) SCHEDULES.set(key, kind === 0 ? linearSchedule(T) : kind === 1 ? cosineSchedule(T) : rescaleZeroTerminalSnr(scaledLinearSchedule(T)));
  return SCHEDULES.get(key)!;
}
const PREDICTIONS: Prediction[] = ['epsilon', 'x0', 'v'];
const METHODS: OdeMethod[] = ['euler', 'heun', 'midpoint', 'rk4'];
/** t/1000 shaped [B, 1, …, 1] (the closed-form denoisers' time dependence; t float32 or int32). */
const tau = (tm: tf.Tensor, x: tf.Tensor) => tf.reshape(tf.div(tf.cast(tm, 'float32'), 1000), [x.shape[0]!, ...new Array<number>(x.rank - 1).fill(1)]);
/** The closed-form velocity of the flow cases: tanh(x W + c t) + b. */
const velocityOf = (W: tf.Tensor, c: tf.Tensor, b: tf.Tensor) => (x: tf.Tensor, t: tf.Tensor) => tf.add(tf.tanh(tf.add(tf.matMul(x, W), tf.mul(c, tf.expandDims(t, 1)))), b);

// Base tolerances, documented:
// - the σ grids are computed on the host in float64 from the same float32 inputs (cond 0) and rounded once to
//   float32: rtol 1e-6 (a few float64 ulps of pow/sqrt, then the float32 rounding of the result);
// - the samplers: n ≤ 60 steps of a closed form, each rounding its float32 state, from float64 host coefficients;
//   the fractional timestep is rounded to float32 before the denoiser sees it: rtol 1e-4, atol 1e-4, k 8 (as DDIM);
// - guidance: a few closed-form ops per element: rtol 1e-5, atol 1e-5, k 8; the rescale divides two standard
//   deviations over ≤ 5 features: rtol 1e-4 there through k (cond grows with the ratio), gradients as values;
// - flowMatchingLoss: a mean over B·d ≤ 40 squared errors: rtol 1e-5, atol 1e-6, k 8;
// - otPairing: the assignment's cost Σ‖x₀[π(i)] − x₁[i]‖² summed in float64 on the host from our permutation:
//   an optimal permutation has the optimal cost whatever ties it breaks; returned as float32: rtol 2⁻²³;
// - flowSample / flowLogLikelihood: ≤ 11 steps of ≤ 4 float32 evaluations (and the exact trace by a
//   vector–Jacobian product): rtol 1e-4, atol 1e-4, k 8.
const GRID: Tolerance = { rtol: 1e-6, atol: 0, k: 0 };
const STEPS: Tolerance = { rtol: 1e-4, atol: 1e-4, k: 8 };
const GUIDE: Tolerance = { rtol: 1e-5, atol: 1e-5, k: 8 };
const LOSS: Tolerance = { rtol: 1e-5, atol: 1e-6, k: 8 };
const COST: Tolerance = { rtol: 1.2e-7, atol: 0, k: 0 };

const ADAPTERS: Record<string, Adapter> = {
  karrasSigmas: {
    tol: GRID,
    run: (i, d) => tf.tensor1d(Float32Array.from(karrasSigmas(linearSchedule(10), num(d.n), { sigmaMin: num(i.sigmaMin), sigmaMax: num(i.sigmaMax), rho: num(i.rho) }))),
  },
  scheduleSigmas: { tol: GRID, run: (_, d) => tf.tensor1d(Float32Array.from(scheduleSigmas(schedule(num(d.kind), num(d.T))))) },
  classifierFreeGuidance: {
    tol: GUIDE,
    run: (i, d) => {
      const [W, E] = [i.W!, i.E!];
      const net = (x: tf.Tensor, tm: tf.Tensor, c: tf.Tensor) => {
        const e = tf.gather(E, c);
        return tf.add(tf.tanh(tf.add(tf.matMul(x, W), e)), tf.mul(tau(tm, x), e));
      };
      const guided = classifierFreeGuidance(net, d.labels!, { scale: num(i.scale), nullCondition: [num(d.K)], rescale: num(i.rescale) });
      return guided(i.x!, d.t!);
    },
  },
  flowMatchingLoss: {
    tol: LOSS,
    run: (i) => flowMatchingLoss(velocityOf(i.W!, i.c!, i.b!), i.x1!, { x0: i.x0!, t: i.t!, sigmaMin: num(i.sigmaMin) }),
  },
  otPairing: {
    tol: COST,
    run: (i) => {
      const x0 = i.x0!.arraySync() as number[][];
      const x1 = i.x1!.arraySync() as number[][];
      const pi = otPairing(i.x0!, i.x1!);
      let cost = 0;
      x1.forEach((row, r) => row.forEach((v, k) => (cost += (x0[pi[r]!]![k]! - v) ** 2)));
      return tf.tensor1d([cost]);
    },
  },
  flowLogLikelihood: {
    tol: STEPS,
    run: (i, d) => flowLogLikelihood(velocityOf(i.W!, i.c!, i.b!), i.x1!, { steps: num(d.steps), method: METHODS[num(d.method)], trace: 'exact' }),
  },
};

// The async samplers run once before the suite (their adapters then return the stored results by case).
const PRECOMPUTED = new Map<string, Map<number, tf.Tensor>>();
function precomputed(name: string): Adapter {
  return {
    tol: STEPS,
    run: (i) => {
      const r = PRECOMPUTED.get(name)?.get(keyOf(host(i.xT ?? i.x0!)));
      if (r === undefined) throw new Error(`${name}: no precomputed sample for this case`);
      return tf.clone(r);
    },
  };
}
const keyOf = (v: number[]) => v.reduce((h, x, k) => h + x * (k + 1.618), 0);
const tensorOf = (c: RefCase, name: string) => tf.tensor(c.inputs[name]!.data.map(decode), c.inputs[name]!.shape, 'float32');
const dataOf = (c: RefCase) => Object.fromEntries(Object.entries(c.data ?? {}).map(([k, v]) => [k, v.data[0]!]));

async function run(name: string, make: (c: RefCase, xT: tf.Tensor, denoiser: (x: tf.Tensor, t: tf.Tensor) => tf.Tensor, data: Record<string, number>) => AsyncGenerator<SamplerStep, tf.Tensor, void>): Promise<void> {
  const out = new Map<number, tf.Tensor>();
  PRECOMPUTED.set(name, out);
  for (const c of loadReferences('diffusion_samplers').functions[name] ?? []) {
    const xT = tensorOf(c, name.startsWith('flow') ? 'x0' : 'xT');
    const w = tensorOf(c, 'w');
    const b = tensorOf(c, 'b');
    const denoiser = (x: tf.Tensor, tm: tf.Tensor) => tf.add(tf.mul(w, x), tf.mul(b, tau(tm, x)));
    out.set(keyOf(host(xT)), tf.keep(await finalSample(make(c, xT, denoiser, dataOf(c)))));
    tf.dispose([xT, w, b]);
  }
}

beforeAll(async () => {
  await run('dpmSolverSample', (_c, xT, denoiser, d) => {
    const s = respace(schedule(d.kind!, d.T!), trailingTimesteps(d.T!, d.n!));
    return dpmSolverSample(denoiser, xT.shape, s, { xT, prediction: PREDICTIONS[d.prediction!], order: d.order as 1 | 2 | 3, lowerOrderFinal: d.lowerOrderFinal === 1 });
  });
  for (const [name, sampler] of [['eulerSample', eulerSample], ['heunSample', heunSample]] as const) {
    await run(name, (_c, xT, denoiser, d) => {
      const full = schedule(d.kind!, d.T!);
      const sigmas = d.grid === 0 ? karrasSigmas(full, d.n!, { rho: 7 }) : scheduleSigmas(respace(full, trailingTimesteps(d.T!, d.n!)));
      return sampler(denoiser, xT.shape, full, { xT, prediction: PREDICTIONS[d.prediction!], sigmas });
    });
  }
  const flows = new Map<number, tf.Tensor>();
  PRECOMPUTED.set('flowSample', flows);
  for (const c of loadReferences('diffusion_samplers').functions.flowSample ?? []) {
    const [x0, W, cc, b] = ['x0', 'W', 'c', 'b'].map((k) => tensorOf(c, k));
    const d = dataOf(c);
    flows.set(keyOf(host(x0!)), tf.keep(await finalSample(flowSample(velocityOf(W!, cc!, b!), x0!.shape, { x0: x0!, steps: d.steps!, method: METHODS[d.method!] }))));
    tf.dispose([x0!, W!, cc!, b!]);
  }
});
ADAPTERS.dpmSolverSample = precomputed('dpmSolverSample');
ADAPTERS.eulerSample = precomputed('eulerSample');
ADAPTERS.heunSample = precomputed('heunSample');
ADAPTERS.flowSample = precomputed('flowSample');

describeDifferential('diffusion_samplers', ADAPTERS);
