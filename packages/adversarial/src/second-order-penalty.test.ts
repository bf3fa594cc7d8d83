// THE test of the issue: the WGAN-GP critic loss differentiated with respect to the critic's WEIGHTS
// (tf.variableGrads around a loss containing gradientPenalty) against central finite differences, for small
// MLP critics with each common activation, with tfjs 4.22's default gradients and with
// enableHigherOrderGradients(). Run on cpu and on wasm by the package's test script.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@genmod-internal/core';
import { expectNoLeaks } from '@genmod-internal/testing';
import { gradientPenalty } from './gradient-penalty.js';
import { wassersteinCriticLoss } from './losses.js';
import { gradcheck, type GradcheckReport } from './gradcheck.js';
import { disableHigherOrderGradients, enableHigherOrderGradients, higherOrderGradientsEnabled } from './higher-order-gradients.js';

type Activation = (x: Tensor) => Tensor;
const H = 5; // hidden units; critic 2 → H → H → 1 (51 weights)
const shapes = [[2, H], [H], [H, H], [H], [H, 1], [1]];

// data, samples and interpolation weights: fixed numbers
const real = [[0.9, -0.4], [1.6, 0.7], [-0.8, 1.2], [0.1, -1.5], [2.0, 0.3], [-1.1, -0.6]];
const fake = [[-0.2, 0.5], [0.4, -1.1], [1.3, 1.7], [-1.6, 0.2], [0.6, 0.9], [-0.4, -1.9]];
const epsilon = [0.15, 0.8, 0.42, 0.63, 0.27, 0.91];
const xHat = real.map((r, b) => r.map((v, j) => epsilon[b]! * v + (1 - epsilon[b]!) * fake[b]![j]!));

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Pre-activations of both hidden layers at the interpolates, in float64 (for the kink margin). */
function preActivations(params: number[][], act: (z: number) => number): number[] {
  const [W1, b1, W2, b2] = params as [number[], number[], number[], number[]];
  const out: number[] = [];
  for (const x of xHat) {
    const z1 = Array.from({ length: H }, (_, j) => x[0]! * W1[j]! + x[1]! * W1[H + j]! + b1[j]!);
    const h1 = z1.map(act);
    const z2 = Array.from({ length: H }, (_, j) => h1.reduce((s, h, i) => s + h * W2[i * H + j]!, 0) + b2[j]!);
    out.push(...z1, ...z2);
  }
  return out;
}

/**
 * Critic weights ~ N(0, 0.8²) from the first seed whose hidden pre-activations at every interpolate are
 * at least `margin` away from 0: with finite-difference steps of 5e-3 (moving a pre-activation by < 0.02)
 * no relu / leakyRelu / elu kink is ever crossed, so the finite differences are of a smooth function.
 */
function weightsAwayFromKinks(act: (z: number) => number, margin = 0.1): number[][] {
  for (let seed = 1; seed < 10_000; seed++) {
    const rand = mulberry32(seed);
    const params = shapes.map((s) => Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => 0.8 * gaussian(rand)));
    if (preActivations(params, act).every((z) => Math.abs(z) >= margin)) return params;
  }
  throw new Error('no seed found');
}

const relu = (z: number) => Math.max(z, 0);
const leaky = (z: number) => (z > 0 ? z : 0.2 * z);
const elu = (z: number) => (z > 0 ? z : Math.expm1(z));

interface Case {
  name: string;
  act: Activation;
  host: (z: number) => number;
  /** tfjs 4.22 without enableHigherOrderGradients */
  byDefault: 'ok' | 'wrong' | RegExp;
}
const cases: Case[] = [
  { name: 'relu', act: tf.relu, host: relu, byDefault: 'ok' },
  { name: 'leakyRelu', act: (x) => tf.leakyRelu(x, 0.2), host: leaky, byDefault: /gradient function not found for Greater/ },
  { name: 'elu', act: tf.elu, host: elu, byDefault: /gradient function not found for EluGrad/ },
  { name: 'tanh', act: tf.tanh, host: Math.tanh, byDefault: 'wrong' },
  { name: 'sigmoid', act: tf.sigmoid, host: (z) => 1 / (1 + Math.exp(-z)), byDefault: 'wrong' },
  { name: 'softplus', act: tf.softplus, host: (z) => Math.log1p(Math.exp(z)), byDefault: 'ok' },
];

/** The WGAN-GP critic loss (λ = 10) of the MLP critic with these weights. */
function criticLoss(act: Activation, p: Tensor[], x: { real: Tensor; fake: Tensor; eps: Tensor }): Tensor {
  const [W1, b1, W2, b2, w3, b3] = p as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const critic = (v: Tensor) => tf.add(tf.matMul(act(tf.add(tf.matMul(act(tf.add(tf.matMul(v, W1), b1)), W2), b2)), w3), b3);
  return tf.add(wassersteinCriticLoss(critic(x.real), critic(x.fake)), gradientPenalty(critic, x.real, x.fake, { epsilon: x.eps }));
}

/** max |analytic − numeric| / max |numeric| over all weights: the error relative to the gradient's scale */
function relativeError(analytic: Float64Array[], report: GradcheckReport): number {
  let diff = 0;
  let scale = 0;
  report.inputs.forEach((r, k) => {
    for (let i = 0; i < r.numeric.length; i++) {
      const a = analytic[k]![i]!;
      diff = Math.max(diff, Number.isFinite(a) ? Math.abs(a - r.numeric[i]!) : Infinity);
      scale = Math.max(scale, Math.abs(r.numeric[i]!));
    }
  });
  return diff / scale;
}

const options = { eps: 5e-3, atol: 2e-3, rtol: 1e-2 };
const data = () => ({ real: tf.tensor2d(real), fake: tf.tensor2d(fake), eps: tf.tensor1d(epsilon) });

/**
 * Finite differences of the critic loss in the weights (from gradcheck, which also compares its own
 * tf.grads result), and the analytic gradient from tf.variableGrads over Variables holding the weights.
 */
function compare(c: Case): { ok: boolean; error: number } {
  const params = weightsAwayFromKinks(c.host);
  const x = data();
  const tensors = params.map((v, i) => tf.tensor(v, shapes[i], 'float32'));
  const vars: Variable[] = tf.tidy(() => tensors.map((t, i) => tf.variable(tf.clone(t), true, `critic_${c.name}_${i}_${Math.random()}`)));
  try {
    const report = gradcheck((...p) => criticLoss(c.act, p, x), tensors, { ...options, raiseException: false });
    const { grads } = tf.variableGrads(() => criticLoss(c.act, vars, x) as tf.Scalar, vars);
    const analytic = vars.map((v) => Float64Array.from(grads[v.name]!.dataSync() as Float32Array));
    tf.dispose(Object.values(grads));
    // variableGrads and gradcheck's own tf.grads agree to float32 rounding
    report.inputs.forEach((r, k) => r.analytic.forEach((a, i) => expect(Math.abs(a - analytic[k]![i]!)).toBeLessThan(1e-5 * (1 + Math.abs(a)))));
    const ok = report.inputs.every((r, k) => r.numeric.every((n, i) => Math.abs(analytic[k]![i]! - n) <= options.atol + options.rtol * Math.abs(n)));
    const error = relativeError(analytic, report);
    // GENMOD_REPORT=1 prints the README's table rows
    if (process.env.GENMOD_REPORT) console.log(`second-order ${tf.getBackend()} ${c.name} enabled=${higherOrderGradientsEnabled()} ok=${ok} relErr=${error.toExponential(1)}`);
    return { ok, error };
  } finally {
    tf.dispose([...tensors, ...vars, x.real, x.fake, x.eps]);
  }
}

describe.each(cases)('WGAN-GP weight gradient, critic with $name', (c) => {
  beforeAll(() => disableHigherOrderGradients());
  afterAll(() => disableHigherOrderGradients());

  it(`default tfjs 4.22: ${c.byDefault instanceof RegExp ? 'throws' : c.byDefault}`, () => {
    if (c.byDefault instanceof RegExp) {
      expect(() => compare(c)).toThrow(c.byDefault);
      return;
    }
    const { ok, error } = compare(c);
    if (c.byDefault === 'ok') {
      expect(ok).toBe(true);
      expect(error).toBeLessThan(1e-3);
    } else {
      expect(ok).toBe(false);
      expect(error).toBeGreaterThan(0.05); // silently wrong by far more than float32 noise
    }
  });

  it('with enableHigherOrderGradients(): matches finite differences', () => {
    const restore = enableHigherOrderGradients();
    try {
      const { ok, error } = compare(c);
      expect(ok).toBe(true);
      expect(error).toBeLessThan(1e-3);
    } finally {
      restore();
    }
  });
});

describe('the penalty inside an optimizer step', () => {
  it('minimize() with a tanh critic: no leak, finite, the penalty goes down', () => {
    const restore = enableHigherOrderGradients();
    const params = weightsAwayFromKinks(Math.tanh);
    const vars = tf.tidy(() => params.map((v, i) => tf.variable(tf.tensor(v, shapes[i], 'float32'))));
    const x = data();
    const opt = tf.train.sgd(0.02);
    const penalty = () =>
      tf.tidy(() => {
        const [W1, b1, W2, b2, w3, b3] = vars as Tensor[] as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
        const critic = (v: Tensor) => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(v, W1), b1)), W2), b2)), w3), b3);
        return gradientPenalty(critic, x.real, x.fake, { epsilon: x.eps });
      });
    const first = penalty().dataSync()[0]!;
    const step = () => opt.minimize(() => penalty() as tf.Scalar, false, vars);
    step(); // the optimizer allocates its state on the first step
    expectNoLeaks(() => {
      for (let i = 0; i < 20; i++) step();
    });
    const last = tf.tidy(() => penalty().dataSync()[0]!);
    expect(last).toBeLessThan(first);
    tf.dispose([...vars, x.real, x.fake, x.eps]);
    opt.dispose();
    restore();
  });
});

describe('a tfjs-layers critic (LayersModel.predict)', () => {
  it('tanh Dense layers: wrong by default, right with enableHigherOrderGradients()', async () => {
    const tfl = await import('@tensorflow/tfjs');
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 6, activation: 'tanh', inputShape: [2], kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.8, seed: 1 }), biasInitializer: tfl.initializers.constant({ value: 0.3 }) }),
        tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.8, seed: 2 }) }),
      ],
    });
    const x = data();
    const vars = model.trainableWeights.map((w) => w.read() as Variable);
    const loss = () => gradientPenalty((v) => model.predict(v) as Tensor, x.real, x.fake, { epsilon: x.eps, weight: 1 }) as tf.Scalar;
    /** max |variableGrads − central differences| / max |central differences| over all 25 weights */
    const error = () => {
      const { value, grads } = tf.variableGrads(loss, vars);
      let diff = 0;
      let scale = 0;
      for (const v of vars) {
        // the output bias does not move ∇D: variableGrads leaves it out, its gradient is 0
        const analytic = grads[v.name]?.dataSync() ?? new Float32Array(v.size);
        const base = Float32Array.from(v.dataSync() as Float32Array);
        for (let i = 0; i < base.length; i++) {
          const at = (h: number) => {
            const p = Float32Array.from(base);
            p[i] = base[i]! + h;
            tf.tidy(() => v.assign(tf.tensor(p, v.shape)));
            return tf.tidy(() => loss().dataSync()[0]!);
          };
          const numeric = (at(5e-3) - at(-5e-3)) / (Math.fround(base[i]! + 5e-3) - Math.fround(base[i]! - 5e-3));
          tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
          diff = Math.max(diff, Math.abs(analytic[i]! - numeric));
          scale = Math.max(scale, Math.abs(numeric));
        }
      }
      tf.dispose([value, ...Object.values(grads)]);
      return diff / scale;
    };
    disableHigherOrderGradients();
    const byDefault = error();
    const restore = enableHigherOrderGradients();
    const enabled = error();
    restore();
    if (process.env.GENMOD_REPORT) console.log(`second-order ${tf.getBackend()} LayersModel tanh: default relErr=${byDefault.toExponential(1)}, enabled relErr=${enabled.toExponential(1)}`);
    expect(byDefault).toBeGreaterThan(0.05);
    expect(enabled).toBeLessThan(2e-3);
    model.dispose();
    tf.dispose([x.real, x.fake, x.eps]);
  });
});
