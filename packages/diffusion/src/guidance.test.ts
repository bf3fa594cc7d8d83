// classifierFreeGuidance against the closed-form oracles of a two-class Gaussian mixture (test/mixture.ts): the
// guided output element by element in float64 (with rescale), its gradient, how the network is called (one
// doubled batch, [c; ∅], w = 1 and w = 0 exact, batch-1 broadcast, labels and embeddings), and the errors.
// Sampling with it: guidance-sampling.test.ts; dropCondition: guidance-drop-condition.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { NULL, hostGuided, hostNormals, mixtureOracle, popSd } from '../test/mixture.js';
import { classifierFreeGuidance, ddimSample, finalSample, linearSchedule, respace, trailingTimesteps, type ConditionalDenoiser, type Prediction } from './index.js';

const base = linearSchedule(1000);
const abar = tf.tensor1d(Float32Array.from(base.alphasCumprod)); // ᾱ by original timestep, float32
const mixtureNet = (prediction: Prediction = 'epsilon', calls: number[] = []) => mixtureOracle(abar, prediction, calls);
const fast = respace(base, trailingTimesteps(1000, 50));
afterAll(() => {
  base.dispose();
  fast.dispose();
  abar.dispose();
});

describe('the guided denoiser equals ε_∅ + w(ε_c − ε_∅) of the closed-form oracles (float64), element by element', () => {
  const B = 48;
  const x = hostNormals(B, 7).map((p, b) => p.map((z) => z * (1 + (b % 3))));
  const steps = Array.from({ length: B }, (_, b) => [0, 3, 40, 200, 500, 800, 950, 999][b % 8]!);
  const labels = Array.from({ length: B }, (_, b) => (b * 5) % 2);
  it.each([
    [0, 0], [1, 0], [2, 0], [4, 0], [7.5, 0], [-1, 0],
    [0, 0.7], [2, 0.7], [4, 1], [7.5, 0.5], [1, 0.7],
  ])('w = %s, φ = %s', (w, phi) => {
    const xt = tf.tensor2d(x);
    const t = tf.tensor1d(steps, 'int32');
    const c = tf.tensor1d(labels, 'int32');
    const guided = classifierFreeGuidance(mixtureNet(), c, { scale: w, nullCondition: NULL, rescale: phi });
    const out = expectNoLeaks(() => guided(xt, t));
    // the network sees ᾱ in float32 (1 − ᾱ at t = 0 is 1e-4: its rounding matters): the reference takes the same ᾱ
    const want = x.map((xb, b) => hostGuided(xb, Math.fround(base.alphasCumprod[steps[b]!]!), labels[b]!, w, phi));
    // rescale divides by σ(out) = |out₀ − out₁|/2, which cancels where out₀ ≈ out₁: float32 rounding is then
    // amplified by κ_b = max|out_b|/σ(out_b), and so is the tolerance of that row
    const got = out.arraySync() as number[][];
    want.forEach((row, b) => {
      const g = hostGuided(x[b]!, Math.fround(base.alphasCumprod[steps[b]!]!), labels[b]!, w, 0);
      const kappa = phi === 0 ? 0 : Math.max(...g.map(Math.abs)) / popSd(g);
      row.forEach((v, j) => expect(Math.abs(got[b]![j]! - v), `row ${b}[${j}]: ${got[b]![j]} vs ${v} (κ = ${kappa})`).toBeLessThanOrEqual((2e-6 * (1 + Math.abs(w)) + 2e-5 * Math.abs(v)) * (1 + kappa)));
    });
    tf.dispose([xt, t, c, out]);
  });
});


describe('the guided output is differentiable (through the rescale, whose σ(out) > 0 mask is built off the tape)', () => {
  it.each([[3, 0], [3, 0.7], [0, 1]])('w = %s, φ = %s: d/dx_t of Σ out·r matches central differences', (w, phi) => {
    const t = tf.tensor1d([5, 300, 900], 'int32');
    const c = tf.tensor1d([0, 1, 0], 'int32');
    const r = tf.tensor2d([[0.3, -1.1], [0.7, 0.2], [-0.5, 0.9]]);
    const x0 = tf.tensor2d([[0.4, -0.9], [1.5, 0.3], [-0.6, 1.2]]);
    const guided = classifierFreeGuidance(mixtureNet(), c, { scale: w, nullCondition: NULL, rescale: phi });
    const { analytic } = checkGradient((x) => tf.sum(tf.mul(guided(x, t), r)), x0, { eps: 2e-3, rtol: 2e-2, atol: 1e-3 });
    expect(analytic.every(Number.isFinite)).toBe(true);
    tf.dispose([t, c, r, x0]);
  });
});

describe('how the network is called', () => {
  const x = [[0.3, -1.2], [2.0, 0.1], [-0.7, 0.9]];
  const steps = [10, 500, 999];
  it('one call on the doubled batch [x; x], [t; t], [c; ∅] when both halves are needed; one call of batch B at w = 1 (f_c exactly, rescale or not) and at w = 0 without rescale (f_∅ exactly)', () => {
    const xt = tf.tensor2d(x);
    const t = tf.tensor1d(steps, 'int32');
    const c = tf.tensor1d([0, 1, 0], 'int32');
    const nul = tf.fill([3], NULL, 'int32');
    const direct = mixtureNet();
    const fc = direct(xt, t, c);
    const fu = direct(xt, t, nul);
    for (const [w, phi, batches, exact] of [
      [1, 0, [3], fc], [1, 0.7, [3], fc], [0, 0, [3], fu], [0, 0.5, [6], undefined], [3, 0, [6], undefined], [-2, 1, [6], undefined],
    ] as const) {
      const calls: number[] = [];
      const out = classifierFreeGuidance(mixtureNet('epsilon', calls), c, { scale: w, nullCondition: NULL, rescale: phi })(xt, t);
      expect(calls, `w = ${w}, φ = ${phi}`).toEqual(batches);
      if (exact) expect(out.arraySync(), `w = ${w}, φ = ${phi}: bit for bit`).toEqual(exact.arraySync());
      out.dispose();
    }
    tf.dispose([xt, t, c, nul, fc, fu]);
  });

  it('the batch is [c; ∅] in that order, and a condition of batch 1 is broadcast (the same output as the tiled condition)', () => {
    const seen: number[][] = [];
    const spy: ConditionalDenoiser = (xt, _t, c) => {
      seen.push(Array.from(c.dataSync()));
      return tf.zerosLike(xt);
    };
    const xt = tf.tensor2d(x);
    const t = tf.tensor1d(steps, 'int32');
    const out = classifierFreeGuidance(spy, tf.tensor1d([1], 'int32'), { scale: 2, nullCondition: [7] })(xt, t);
    expect(seen).toEqual([[1, 1, 1, 7, 7, 7]]);
    const one = tf.tensor1d([1], 'int32');
    const three = tf.tensor1d([1, 1, 1], 'int32');
    const a = classifierFreeGuidance(mixtureNet(), one, { scale: 3, nullCondition: NULL, rescale: 0.5 })(xt, t);
    const b = classifierFreeGuidance(mixtureNet(), three, { scale: 3, nullCondition: NULL, rescale: 0.5 })(xt, t);
    expect(a.arraySync()).toEqual(b.arraySync());
    tf.dispose([xt, t, out, one, three, a, b]);
  });

  it('float32 embeddings [B, E] with a null embedding [E] or [1, E]; arrays take the tensor\'s dtype; arrays are converted at each call (nothing held)', () => {
    const seen: tf.Tensor[] = [];
    const spy: ConditionalDenoiser = (xt, _t, c) => {
      seen.push(tf.keep(tf.clone(c)));
      return c.rank === 2 ? tf.mul(xt, tf.sum(c, 1, true)) : tf.zerosLike(xt);
    };
    const xt = tf.tensor2d(x);
    const t = tf.tensor1d(steps, 'int32');
    const emb = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const before = tf.memory().numTensors;
    const guided = classifierFreeGuidance(spy, emb, { scale: 2, nullCondition: [[0.5, -0.5]] });
    expect(tf.memory().numTensors).toBe(before);
    const out = guided(xt, t);
    expect(seen[0]!.dtype).toBe('float32');
    expect(seen[0]!.arraySync()).toEqual([[1, 2], [3, 4], [5, 6], [0.5, -0.5], [0.5, -0.5], [0.5, -0.5]]);
    // f_c = 3x, 7x, 11x; f_∅ = 0: out = 2·f_c
    expectClose(out, x.map((r, b) => r.map((z) => 2 * z * [3, 7, 11][b]!)), { rtol: 1e-6 });
    const labels = classifierFreeGuidance(spy, Int32Array.of(0, 1, 2), { scale: 2, nullCondition: 9 })(xt, t);
    expect(seen[1]!.dtype).toBe('int32');
    tf.dispose([xt, t, emb, out, labels, ...seen]);
  });
});

describe('classifierFreeGuidance errors (before allocating anything)', () => {
  const net = mixtureNet();
  const c = tf.tensor1d([0, 1], 'int32');
  const floatTwo = tf.scalar(2);
  const boolLabels = tf.tensor1d([1, 0], 'bool');
  afterAll(() => tf.dispose([c, floatTwo, boolLabels]));
  it.each([
    ['scale NaN', () => classifierFreeGuidance(net, c, { scale: NaN, nullCondition: 2 }), /classifierFreeGuidance: options.scale must be a finite number, got NaN/],
    ['scale Infinity', () => classifierFreeGuidance(net, c, { scale: Infinity, nullCondition: 2 }), /options.scale must be a finite number, got Infinity/],
    ['scale missing', () => classifierFreeGuidance(net, c, { nullCondition: 2 } as never), /options.scale must be a finite number, got undefined/],
    ['rescale < 0', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: 2, rescale: -0.1 }), /options.rescale must be a finite number ≥ 0 and ≤ 1, got -0.1/],
    ['rescale > 1', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: 2, rescale: 1.5 }), /options.rescale must be .* ≤ 1, got 1.5/],
    ['no options', () => classifierFreeGuidance(net, c, undefined as never), /options must be an object with scale and nullCondition/],
    ['unknown option', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: 2, rescal: 0.5 } as never), /unknown option 'rescal' \(did you mean 'rescale'\?\)/],
    ['no null condition', () => classifierFreeGuidance(net, c, { scale: 2 } as never), /options.nullCondition must be the null condition/],
    ['denoiser', () => classifierFreeGuidance(3 as never, c, { scale: 2, nullCondition: 2 }), /denoiser must be a function/],
    ['scalar condition', () => classifierFreeGuidance(net, 3, { scale: 2, nullCondition: 2 }), /condition must be a batch \[B, \.\.\.\].*got a scalar/],
    ['bool condition', () => classifierFreeGuidance(net, [true, false] as never, { scale: 2, nullCondition: 2 }), /condition must be a rectangular \(nested\) array of numbers, got \[true, false\]/],
    ['bool tensor condition', () => classifierFreeGuidance(net, boolLabels, { scale: 2, nullCondition: 2 }), /condition must be an int32 tensor of class labels, a float32 tensor of embeddings.*got a bool tensor/],
    ['ragged condition', () => classifierFreeGuidance(net, [[1, 2], [3]], { scale: 2, nullCondition: [0, 0] }), /condition must be a rectangular/],
    ['null shape', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: [2, 2] }), /options.nullCondition must be of one example's condition shape \[\] or shape \[1\], got shape \[2\]/],
    ['null dtype', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: floatTwo }), /options.nullCondition must be of condition's dtype int32, got a float32 tensor/],
    ['fractional null label', () => classifierFreeGuidance(net, c, { scale: 2, nullCondition: 2.5 }), /options.nullCondition must be integers/],
  ])('%s', (_name, call, pattern) => expectThrowsClean(call, pattern));

  it('at call time: a condition batch that is neither x_t\'s nor 1, t of the wrong shape, a wrong network output, a disposed condition: clear messages, nothing left behind', async () => {
    const guided = classifierFreeGuidance(net, c, { scale: 2, nullCondition: NULL });
    const xt = tf.zeros([3, 2]);
    const t = tf.tensor1d([1, 2, 3], 'int32');
    expectThrowsClean(() => guided(xt, t), /classifierFreeGuidance: condition must be of x_t's batch 3 \(or of batch 1, broadcast\) at this call, got shape \[2\]/);
    const x2 = tf.zeros([2, 2]);
    const t2 = tf.tensor1d([1, 2], 'int32');
    expectThrowsClean(() => guided(x2, t), /t \(guided denoiser call\) must be a tensor of x_t's batch, shape \[2\]/);
    const bad = classifierFreeGuidance((x) => tf.zeros([x.shape[0]!, 3]), c, { scale: 2, nullCondition: NULL });
    expectThrowsClean(() => bad(x2, t2), /the conditional denoiser output must be a float32 tensor of its input's shape \[4, 2\], got a float32 tensor of shape \[4, 3\]/);
    const before = tf.memory().numTensors;
    await expect(finalSample(ddimSample(guided, [5, 2], fast, { seed: 1 }))).rejects.toThrow(/condition must be of x_t's batch 5/);
    expect(tf.memory().numTensors).toBe(before);
    const gone = tf.tensor1d([0, 1], 'int32');
    const dangling = classifierFreeGuidance(net, gone, { scale: 2, nullCondition: NULL });
    gone.dispose();
    expectThrowsClean(() => dangling(x2, t2), /condition must be alive while the guided denoiser is used/);
    expectThrowsClean(() => classifierFreeGuidance(net, gone, { scale: 2, nullCondition: NULL }), /condition must be a live tensor/);
    tf.dispose([xt, t, x2, t2]);
  });
});
