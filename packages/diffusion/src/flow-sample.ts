/**
 * ODE samplers and the exact log-likelihood of a flow-matching model (t = 0 source, t = 1 data).
 *
 * @see Lipman, Chen, Ben-Hamu, Nickel & Le 2023, "Flow Matching for Generative Modeling", ICLR, arXiv:2210.02747.
 * @see Chen, Rubanova, Bettencourt & Duvenaud 2018, "Neural Ordinary Differential Equations", NeurIPS, arXiv:1806.07366 (instantaneous change of variables).
 * @see Grathwohl, Chen, Bettencourt, Sutskever & Duvenaud 2019, "FFJORD", ICLR, arXiv:1810.01367 (Hutchinson trace estimator).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkInteger, checkOneOfValues, checkOptions, checkSeed, checkShape, checkTensorArg, fail, toFloat, uniformNoise, type Distribution, type Seed } from '@genmod-internal/core';
import type { VelocityField } from './flow-matching.js';
import type { SamplerStep } from './sampler.js';
import { abortReason, checkSameShape, checkSignal, nextMacrotask } from './internal/check.js';
import { checkSource, checkVelocity, checkVelocityOutput, drawSource, sourceLogProb } from './internal/flow-check.js';
import { ODE_METHODS, rkStep, TABLEAUS } from './internal/flow-ode.js';

/**
 * The fixed-step ODE methods: `'euler'` (order 1, one velocity evaluation per step), `'heun'` (explicit
 * trapezoid) and `'midpoint'` (order 2, two evaluations per step), `'rk4'` (classical Runge–Kutta, order 4,
 * four evaluations per step).
 *
 * @since 0.1.0
 */
export type OdeMethod = 'euler' | 'heun' | 'midpoint' | 'rk4';

/**
 * One step of {@link flowSample}. It is a {@link SamplerStep} (so {@link finalSample} runs a flow sampler
 * too), with the flow's continuous time and the count of velocity evaluations:
 * `index` counts the steps left (total − step), `timestep` is the time t_k = (step − 1)/total the step
 * started from, and `predX0` is the data estimate x̂ = x_{t_k} + (1 − t_k)·v(x_{t_k}, t_k) (one Euler step
 * to t = 1: the posterior mean of the data for rectified flow; "x₀" in the diffusion samplers' sense of
 * clean data, which is x₁ in the flow convention).
 *
 * @since 0.1.0
 */
export interface FlowStep extends SamplerStep {
  /** the time reached, step/total, in (0, 1] */
  t: number;
  /** velocity evaluations so far (Euler 1 per step, Heun and midpoint 2, RK4 4) */
  evaluations: number;
}

/**
 * Options of {@link flowSample}.
 *
 * @since 0.1.0
 */
export interface FlowSampleOptions {
  /** the source law p₀ (its `sample([B])` must have the requested shape); default N(0, I) */
  source?: Distribution;
  /** the number of fixed steps N (the step is 1/N), default 50 */
  steps?: number;
  /** the integrator, default `'euler'` (as diffusers' FlowMatchEulerDiscreteScheduler) */
  method?: OdeMethod;
  /** seed of the source draws (stream `'x0'`; a source gets `deriveSeed(seed, 'x0')`): a number, 0 included, or a string */
  seed?: Seed;
  /** the starting state x₀ of the requested shape instead of a draw (then no `source`); stays the caller's */
  x0?: Tensor | TensorLike;
  /** stops the iteration: the next step throws the signal's reason (an AbortError), having freed its tensors */
  signal?: AbortSignal;
}

const SAMPLE_KEYS = ['source', 'steps', 'method', 'seed', 'x0', 'signal'];

/**
 * Samples a flow-matching model by integrating the ODE dx/dt = v(x, t) from t = 0 (x₀ ~ the source, or the
 * given x₀) to t = 1 with N fixed steps of size h = 1/N, t_k = k/N:
 *
 *   Euler:     x_{k+1} = x_k + h·v(x_k, t_k)
 *   Heun:      x̃ = x_k + h·v(x_k, t_k),  x_{k+1} = x_k + h/2·(v(x_k, t_k) + v(x̃, t_{k+1}))
 *   midpoint:  x_{k+1} = x_k + h·v(x_k + h/2·v(x_k, t_k), t_k + h/2)
 *   RK4:       the classical four-stage Runge–Kutta step
 *
 * As an async iteration that yields a {@link FlowStep} after every step (after handing the event loop a
 * macrotask, so a page stays responsive); a step's tensors (`x`, `predX0`) are freed when the iteration
 * moves on (clone what you keep), except the final `x`: the sample, which the caller owns. Stops on an
 * AbortSignal; leaves nothing allocated on abort, error or `break`. Run it to the end with
 * {@link finalSample}. Deterministic given x₀: the seed only draws x₀.
 *
 * diffusers' FlowMatchEulerDiscreteScheduler integrates σ from 1 (noise) to 0 with the velocity
 * noise − data: their model v_σ gives ours as v(x, t) = −v_σ(x, σ = 1 − t).
 *
 * @param velocity `(x [B, ...], t [B]) => v [B, ...]`
 * @param shape the sample's shape `[B, ...]`
 * @returns an async generator of {@link FlowStep}s that returns the sample (float32 of `shape`)
 * @see Lipman et al. 2023, "Flow Matching for Generative Modeling", arXiv:2210.02747
 * @see Liu, Gong & Liu 2023, "Flow Straight and Fast", arXiv:2209.03003 (few Euler steps on straight paths)
 * @example
 * ```ts
 * const velocity = (x: tf.Tensor) => tf.onesLike(x);       // carries N(0, I) to N(1, I)
 * const x = await finalSample(flowSample(velocity, [16, 2], { steps: 8, method: 'heun', seed: 3 }));
 * x.shape;                                                  // [16, 2]
 * ```
 * @since 0.1.0
 */
export function flowSample(velocity: VelocityField, shape: number[], options: FlowSampleOptions = {}): AsyncGenerator<FlowStep, Tensor, void> {
  const fn = 'flowSample';
  checkOptions(fn, options, SAMPLE_KEYS);
  checkVelocity(fn, velocity);
  checkShape(fn, shape);
  if (shape.length < 1 || shape[0] === 0) fail(fn, 'shape', 'a non-empty shape [B, ...] with B ≥ 1', shape);
  const steps = checkInteger(fn, 'options.steps', options.steps ?? 50, { min: 1 });
  const method = checkOneOfValues(fn, 'options.method', options.method ?? 'euler', ODE_METHODS);
  const seed = checkSeed(fn, options.seed);
  const signal = checkSignal(fn, options.signal);
  if (options.x0 !== undefined) {
    if (options.source !== undefined) fail(fn, 'options.source', 'absent when options.x0 is given', options.source);
    checkSameShape(fn, 'options.x0', options.x0, shape, 'the requested sample');
  }
  const source = checkSource(fn, options.source, shape, 'the requested sample');
  return flowLoop(fn, velocity, [...shape], steps, method, seed, source, options.x0, signal);
}

async function* flowLoop(
  fn: string,
  velocity: VelocityField,
  shape: number[],
  steps: number,
  method: OdeMethod,
  seed: Seed | undefined,
  source: Distribution | undefined,
  x0: Tensor | TensorLike | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<FlowStep, Tensor, void> {
  const given = x0 instanceof tf.Tensor ? x0 : undefined;
  const perStep = TABLEAUS[method].b.length;
  const batch = shape[0]!;
  const F = (y: Tensor[], t: number): Tensor[] => [checkVelocityOutput(fn, velocity(y[0]!, tf.fill([batch], t, 'float32')), shape)];
  let x: Tensor | undefined;
  let predX0: Tensor | undefined;
  let completed = false;
  try {
    if (signal?.aborted) throw abortReason(signal);
    x = x0 !== undefined ? toFloat(fn, 'options.x0', x0) : drawSource(fn, source, shape, seed);
    const h = 1 / steps;
    for (let k = 0; k < steps; k++) {
      await nextMacrotask();
      if (signal?.aborted) throw abortReason(signal);
      const current: Tensor = x;
      const tk = k / steps;
      const next = tf.tidy(fn, () => {
        const r = rkStep(method, [current], tk, h, F);
        return { x: r.y[0]!, predX0: tf.add(current, tf.mul(1 - tk, r.k1[0]!)) };
      });
      if (current !== given) current.dispose();
      predX0?.dispose();
      x = next.x;
      predX0 = next.predX0;
      const step = k + 1;
      const final = step === steps;
      if (final) completed = true;
      yield { step, total: steps, progress: step / steps, index: steps - step, timestep: tk, t: step / steps, x, predX0, final, evaluations: step * perStep };
    }
    return x;
  } finally {
    predX0?.dispose();
    if (!completed && x !== undefined && x !== given) x.dispose();
  }
}

/**
 * Options of {@link flowLogLikelihood}.
 *
 * @since 0.1.0
 */
export interface FlowLogLikelihoodOptions {
  /** the source law p₀ whose log-density ends the computation; default N(0, I) */
  source?: Distribution;
  /** the number of fixed steps from t = 1 back to t = 0, default 32 */
  steps?: number;
  /** the integrator, default `'rk4'` (the likelihood wants accuracy more than speed) */
  method?: OdeMethod;
  /** `'exact'`: d vector–Jacobian products (default for d ≤ 16); `'hutchinson'`: E[εᵀ(∂v/∂x)ε] (default for d > 16) */
  trace?: 'exact' | 'hutchinson';
  /** Rademacher probe vectors per example for Hutchinson, default 1 (the estimate averages over them) */
  probes?: number;
  /** seed of the Hutchinson probes (stream `'probe'`), drawn once per integration as in FFJORD */
  seed?: Seed;
}

const LIKELIHOOD_KEYS = ['source', 'steps', 'method', 'trace', 'probes', 'seed'];

/**
 * v(x, t) and div v(x, t) = tr ∂v/∂x per example, in the caller's tidy. `probes` absent: exact, by one
 * vector–Jacobian product on the batch tiled d times with one-hot cotangents (row block k gets e_k);
 * otherwise Hutchinson's εᵀ(∂v/∂x)ε, averaged over the P probes (tiled P times).
 */
function velocityAndDivergence(fn: string, velocity: VelocityField, x: Tensor, t: number, probes: Tensor | undefined): [Tensor, Tensor] {
  const shape = x.shape;
  const batch = shape[0]!;
  const d = x.size / batch;
  const copies = probes === undefined ? d : probes.shape[0]!;
  const cot =
    probes === undefined
      ? tf.reshape(tf.tile(tf.reshape(tf.eye(d), [d, 1, d]), [1, batch, 1]), [d * batch, ...shape.slice(1)])
      : tf.reshape(probes, [copies * batch, ...shape.slice(1)]);
  const tiledShape = [copies * batch, ...shape.slice(1)];
  const X = tf.tile(x, [copies, ...shape.slice(1).map(() => 1)]);
  const T = tf.fill([copies * batch], t, 'float32');
  // the + 0·X keeps the gradient defined for a velocity that ignores x (its divergence is 0)
  const f = (X: Tensor): Tensor => tf.add(checkVelocityOutput(fn, velocity(X, T), tiledShape), tf.mul(X, 0));
  const { value, grad } = tf.valueAndGrad(f)(X, cot);
  const v = tf.slice(value, 0, batch);
  const div = tf.div(tf.sum(tf.reshape(tf.mul(grad, cot), [copies, batch, d]), [0, 2]), probes === undefined ? 1 : copies);
  return [v, div];
}

/**
 * The exact log-likelihood of data under a flow-matching model, through its ODE and the instantaneous
 * change of variables (Chen et al. 2018): along dx/dt = v(x, t), d log p_t(x(t))/dt = −div v(x(t), t), so
 *
 *   log p₁(x₁) = log p₀(x(0)) − ∫₀¹ div v(x(t), t) dt,   x(1) = x₁,
 *
 * computed by integrating the augmented state (x, ∫ div v) from t = 1 back to t = 0 with N fixed steps of
 * `method`. The divergence is exact (d vector–Jacobian products, batched as one on the input tiled d times)
 * or Hutchinson's unbiased estimate div v ≈ εᵀ(∂v/∂x)ε with Rademacher ε drawn once per integration
 * (FFJORD), which is unbiased for the same discretization. The error is the integrator's (RK4: O(h⁴)).
 * log p₀ is the source's `logProb` summed over every axis after the batch axis (exact for a law that is
 * elementwise with batchShape = the event dims, or that already reduces its event); default N(0, I).
 *
 * Cost per evaluation: one velocity call and one backward pass on d·B (exact) or P·B (Hutchinson) rows.
 * Values for evaluation (no gradient with respect to the network is promised). Needs gradients registered.
 *
 * @param velocity `(x [B, ...], t [B]) => v [B, ...]`; must treat the examples independently
 * @param x1 float32 `[B, ...]` data points
 * @returns log p₁(x₁) in nats, float32 `[B]`
 * @see Chen, Rubanova, Bettencourt & Duvenaud 2018, "Neural Ordinary Differential Equations", arXiv:1806.07366, Theorem 1
 * @see Grathwohl et al. 2019, "FFJORD: Free-form Continuous Dynamics for Scalable Reversible Generative Models", arXiv:1810.01367, §3
 * @see Lipman et al. 2023, "Flow Matching for Generative Modeling", arXiv:2210.02747, §C (likelihood)
 * @example
 * ```ts
 * const velocity = (x: tf.Tensor) => tf.mul(x, Math.log(2)); // x(1) = 2·x(0): carries N(0, 1) to N(0, 4)
 * const logp = flowLogLikelihood(velocity, tf.tensor2d([[0], [2]]), { steps: 8 });
 * logp.arraySync();                                            // ≈ log N([0, 2]; 0, 4) = [−1.612, −2.112]
 * ```
 * @since 0.1.0
 */
export function flowLogLikelihood(velocity: VelocityField, x1: Tensor | TensorLike, options: FlowLogLikelihoodOptions = {}): Tensor {
  const fn = 'flowLogLikelihood';
  checkOptions(fn, options, LIKELIHOOD_KEYS);
  checkVelocity(fn, velocity);
  const shape = checkTensorArg(fn, 'x1', x1, 1);
  if (shape[0] === 0) fail(fn, 'x1', 'a non-empty batch [B, ...] with B ≥ 1', x1);
  const batch = shape[0]!;
  const d = shape.slice(1).reduce((a, b) => a * b, 1);
  const source = checkSource(fn, options.source, shape, 'x1');
  const steps = checkInteger(fn, 'options.steps', options.steps ?? 32, { min: 1 });
  const method = checkOneOfValues(fn, 'options.method', options.method ?? 'rk4', ODE_METHODS);
  const trace = checkOneOfValues(fn, 'options.trace', options.trace ?? (d <= 16 ? 'exact' : 'hutchinson'), ['exact', 'hutchinson'] as const);
  if (options.probes !== undefined && trace !== 'hutchinson') fail(fn, 'options.probes', "absent unless options.trace is 'hutchinson'", options.probes);
  const probes = checkInteger(fn, 'options.probes', options.probes ?? 1, { min: 1 });
  const seed = checkSeed(fn, options.seed);
  const x = toFloat(fn, 'x1', x1);
  const eps = trace === 'hutchinson' ? tf.tidy(() => tf.sub(tf.mul(2, tf.cast(tf.less(uniformNoise([probes, ...shape], seed, 0, 1, 'probe'), 0.5), 'float32')), 1)) : undefined;
  let y: Tensor[] = [x, tf.zeros([batch])];
  try {
    const F = (s: Tensor[], t: number): Tensor[] => {
      const [v, div] = velocityAndDivergence(fn, velocity, s[0]!, t, eps);
      return [v, tf.neg(div)];
    };
    // from t = 1 down to 0: x' = v, (∫_t^1 div v)' = −div v, with the step −h
    for (let k = steps; k > 0; k--) {
      const current = y;
      y = tf.tidy(fn, () => rkStep(method, current, k / steps, -1 / steps, F).y);
      current.forEach((c) => c !== x1 && c.dispose());
    }
    const [x0, integral] = y as [Tensor, Tensor];
    return tf.tidy(fn, () => tf.sub(sourceLogProb(fn, source, x0), integral));
  } finally {
    y.forEach((c) => c !== x1 && c.dispose());
    eps?.dispose();
  }
}
