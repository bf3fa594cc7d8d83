import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { affineCoupling } from './affine-coupling.js';
import { chain, invert } from './chain.js';
import { mlp } from './mlp.js';
import { StandardNormal } from './standard-normal.js';
import { TransformedDistribution } from './transformed-distribution.js';
import { tanhBound } from './log-scale-bound.js';
import { singleLayerCases, stackCase, type CouplingWeights } from '../test/golden.js';

/** The golden file's conditioner: t = xm·W_t + b_t, raw s = xm·W_s + b_s (the coupling applies tanh). */
function goldenLayer(c: CouplingWeights) {
  const ws = tf.tensor2d(c.W_s);
  const bs = tf.tensor1d(c.b_s);
  const wt = tf.tensor2d(c.W_t);
  const bt = tf.tensor1d(c.b_t);
  const layer = affineCoupling({
    mask: c.mask,
    conditioner: Object.assign((xm: tf.Tensor) => tf.concat([tf.add(tf.matMul(xm, wt), bt), tf.add(tf.matMul(xm, ws), bs)], -1), {
      dispose: () => tf.dispose([ws, bs, wt, bt]),
    }),
    logScaleBound: tanhBound(1),
  });
  return layer;
}

// float32 against float64 references: the golden README measured rel ≤ 3e−7 for couplings and suggests
// rtol 1e−5, atol 1e−6.
const tol = { rtol: 1e-5, atol: 1e-6 };

describe('affineCoupling against the golden file (flows.json, PyTorch float64)', () => {
  it('has 3 single-layer cases (D = 2 mask [1, 0], D = 4 masks [1, 0, 1, 0] and [0, 0, 1, 1])', () => {
    expect(singleLayerCases().map((c) => c.mask)).toEqual([[1, 0], [1, 0, 1, 0], [0, 0, 1, 1]]);
  });

  it.each(singleLayerCases().map((c) => [`D=${c.dim} mask [${c.mask}]`, c] as const))('forward, inverse, both log-dets and log p (%s)', (_n, c) => {
    const layer = goldenLayer(c);
    const x = tf.tensor2d(c.x);
    const f = expectNoLeaks(() => layer.forward(x));
    expectClose(f.y, c.y, { ...tol, label: 'y' });
    expectClose(f.logDet, c.log_det_jacobian, { ...tol, label: 'log_det_jacobian' });
    const yIn = tf.tensor2d(c.inverse_input_y);
    const i = expectNoLeaks(() => layer.inverse(yIn));
    expectClose(i.x, c.inverse_output_x, { ...tol, label: 'inverse_output_x' });
    expectClose(i.logDet, c.inverse_log_det_jacobian, { ...tol, label: 'inverse_log_det_jacobian' });
    // the golden coupling maps data to latent: as a flow (forward = sampling) it is the inverted layer
    const flow = new TransformedDistribution(new StandardNormal([c.dim]), invert(layer));
    const lp = expectNoLeaks(() => flow.logProb(x));
    expectClose(lp, c.log_prob_x_std_normal_base, { ...tol, label: 'log_prob_x_std_normal_base' });
    tf.dispose([x, yIn, f.y, f.logDet, i.x, i.logDet, lp]);
    layer.dispose();
  });

  it('the 2-layer stack (layer 0 first): y, log-det and log p', () => {
    const s = stackCase();
    const [l0, l1] = s.layers.map(goldenLayer) as [ReturnType<typeof goldenLayer>, ReturnType<typeof goldenLayer>];
    // chain(f₁, f₂) = f₁ ∘ f₂: layer 0 first means chain(l1, l0)
    const stack = chain(l1, l0);
    const x = tf.tensor2d(s.x);
    const f = expectNoLeaks(() => stack.forward(x));
    expectClose(f.y, s.y, { ...tol, label: 'y' });
    expectClose(f.logDet, s.log_det_jacobian, { ...tol, label: 'log_det_jacobian' });
    const back = stack.inverse(f.y);
    expectClose(back.x, s.x, { rtol: 1e-5, atol: 1e-5, label: 'round trip' });
    const lp = new TransformedDistribution(new StandardNormal([2]), invert(stack)).logProb(x);
    expectClose(lp, s.log_prob_x_std_normal_base, { ...tol, label: 'log_prob_x_std_normal_base' });
    tf.dispose([x, f.y, f.logDet, back.x, back.logDet, lp]);
    stack.dispose();
  });
});

describe('affineCoupling', () => {
  it('starts as the identity with an mlp conditioner (zero last layer), and moves after one Adam step', () => {
    const layer = affineCoupling({ mask: [0, 1, 1, 0], conditioner: mlp({ inputs: 4, outputs: 8, seed: 3 }) });
    const x = tf.randomNormal([10, 4], 0, 1, 'float32', 4);
    const { y, logDet } = layer.forward(x);
    expectClose(y, x, { atol: 0, rtol: 0, label: 'y = x at initialization' });
    expectClose(logDet, new Array(10).fill(0), { atol: 0, rtol: 0, label: 'logDet = 0' });
    const opt = tf.train.adam(0.1);
    opt.minimize(() => tf.sum(tf.square(tf.sub(layer.forward(x).y, 1))) as tf.Scalar, false, layer.trainableVariables);
    const y2 = layer.forward(x).y;
    const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(y2, x))).dataSync()[0]!);
    expect(moved).toBeGreaterThan(1e-3);
    // the pass-through coordinates never move
    expectClose(tf.gather(y2, [1, 2], 1), tf.gather(x, [1, 2], 1), { atol: 0, rtol: 0, label: 'masked coordinates' });
    opt.dispose();
    layer.dispose();
    tf.dispose([x, y, logDet, y2]);
  });

  it('bounds the log-scale: a huge conditioner output gives a log-det within ±limit per coordinate', () => {
    const layer = affineCoupling({ mask: [1, 0, 0], conditioner: (xm) => tf.mul(tf.onesLike(tf.concat([xm, xm], -1)), 1e6), logScaleBound: tanhBound(2) });
    const { y, logDet } = layer.forward(tf.ones([2, 3]));
    expectClose(logDet, [4, 4], { atol: 1e-6, rtol: 0, label: 'logDet = 2 coordinates × limit 2' });
    tf.dispose([y, logDet]);
    layer.dispose();
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    const conditioner = (xm: tf.Tensor) => tf.concat([xm, xm], -1);
    expectThrowsClean(() => affineCoupling({ mask: [1, 2], conditioner }), /affineCoupling: options\.mask must be a non-empty array of 0s and 1s \(1 = passes through\), got \[1, 2\]/);
    expectThrowsClean(() => affineCoupling({ mask: [1, 1], conditioner }), /affineCoupling: options\.mask must be a mask with at least one 1 .* and one 0 .*, got \[1, 1\]/);
    expectThrowsClean(() => affineCoupling({ mask: [1, 0], conditioner: undefined as never }), /affineCoupling: options\.conditioner must be a function/);
    const layer = affineCoupling({ mask: [1, 0, 1], conditioner });
    const x2 = tf.zeros([4, 2]);
    expectThrowsClean(() => layer.forward(x2), /affineCoupling\.forward: x must be a float32 tensor of shape \[\.\.\., 3\], got a float32 tensor of shape \[4, 2\]/);
    const scalar = tf.scalar(1);
    expectThrowsClean(() => layer.inverse(scalar), /affineCoupling\.inverse: y must be a float32 tensor of rank ≥ 1 .*got a float32 tensor of shape \[\]/);
    const ints = tf.zeros([2, 3], 'int32');
    expectThrowsClean(() => layer.forward(ints), /affineCoupling\.forward: x must be a float32 tensor, got a int32 tensor of shape \[2, 3\]/);
    const bad = affineCoupling({ mask: [1, 0, 1], conditioner: (xm) => tf.clone(xm) });
    const x3 = tf.zeros([4, 3]);
    expectThrowsClean(() => bad.forward(x3), /affineCoupling\.forward: the conditioner output must be a tensor of shape \[\.\.\., 6\] \(shift and raw log-scale\), got a float32 tensor of shape \[4, 3\]/);
    const cond = affineCoupling({ mask: [1, 0], conditioner: (xm, c) => tf.concat([xm, tf.slice(c!, [0, 0], [-1, 2])], -1), contextSize: 3 });
    expectThrowsClean(() => cond.forward(x2), /affineCoupling\.forward: context must be a float32 tensor of shape \[\.\.\., 3\] \(the bijector is conditional\), got undefined/);
    tf.dispose([x2, scalar, ints, x3]);
    [layer, bad, cond].forEach((l) => l.dispose());
  });
});
