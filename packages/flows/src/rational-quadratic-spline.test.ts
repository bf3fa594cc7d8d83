import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectThrowsClean } from '@genmod-internal/testing';
import { rationalQuadraticSpline } from './rational-quadratic-spline.js';
import { rqSpline, splineKnots } from './internal/spline.js';
import { EPS32, P, raw, ulpStep } from '../test/spline-reference.js';
import { mlp } from './mlp.js';


describe('rqSpline (the elementwise spline)', () => {
  it('is the identity when every parameter is 0 (uniform bins, unit derivatives)', () => {
    const v = tf.linspace(-3, 3, 13);
    const [y, ld] = rqSpline(v, tf.zeros([13, 3 * P.bins - 1]), P, false);
    expectClose(y, v, { atol: 1e-5, rtol: 0, label: 'y' });
    expectClose(ld, new Array(13).fill(0), { atol: 1e-5, rtol: 0, label: 'log-derivative' });
  });

  it('is monotone increasing, maps [−B, B] onto itself and is the identity outside (linear tails)', () => {
    const v = tf.linspace(-3, 3, 7001);
    const r = tf.tile(raw(1, 1), [7001, 1]);
    const [y] = rqSpline(v, r, P, false);
    const yv = y.dataSync();
    for (let i = 1; i < yv.length; i++) expect(yv[i]!).toBeGreaterThanOrEqual(yv[i - 1]!);
    const [ends] = rqSpline(tf.tensor1d([-2, 2, -2.5, 2.7]), tf.tile(raw(1, 1), [4, 1]), P, false);
    expectClose(ends, [-2, 2, -2.5, 2.7], { atol: 1e-6, rtol: 0, label: 'f(±B) = ±B, identity tails' });
  });

  it('the log-derivative matches finite differences of the value (inside, at knots, in the tails)', () => {
    // moderate parameters: where dy/dx ≈ 1e−3, float32 finite differences lose two digits
    const r = tf.mul(raw(2), 0.5);
    const v = tf.tensor1d([-2.5, -1.9, -0.7, 0, 0.31, 1.99, 3]);
    const [, ld] = rqSpline(v, r, P, false);
    const h = 1e-3;
    const [yp] = rqSpline(tf.add(v, h), r, P, false);
    const [ym] = rqSpline(tf.sub(v, h), r, P, false);
    const fd = tf.log(tf.div(tf.sub(yp, ym), 2 * h));
    expectClose(ld, fd, { atol: 2e-3, rtol: 0, label: 'log dy/dx' });
  });

  it('inverse ∘ forward = identity, also exactly at the knots and the bounds', () => {
    const r = tf.tile(raw(3, 1), [9, 1]);
    const v = tf.tensor1d([-2, -1.2, -0.4, 0, 0.4, 1.2, 2, -2.0001, 1.99999]);
    const [y, ld] = rqSpline(v, r, P, false);
    const [back, ldInv] = rqSpline(y, r, P, true);
    expectClose(back, v, { atol: 2e-5, rtol: 0, label: 'round trip' });
    expectClose(ldInv, tf.neg(ld), { atol: 1e-4, rtol: 0, label: 'inverse log-det' });
  });

  it('gradients with respect to the parameters match finite differences', () => {
    const v = tf.tensor1d([-1.5, -0.2, 0.6, 1.7]);
    const w = tf.tensor1d([1, -2, 0.5, 3]);
    const r0 = tf.mul(tf.randomNormal([4, 3 * P.bins - 1], 0, 1, 'float32', 4), 0.5);
    for (const inverse of [false, true]) {
      checkGradient((r) => tf.sum(tf.add(tf.mul(w, rqSpline(v, r, P, inverse)[0]), rqSpline(v, r, P, inverse)[1])) as tf.Scalar, r0, { eps: 1e-2, rtol: 2e-2, label: `inverse ${inverse}` });
    }
  });

  it('stays finite at ±1e4, ±Infinity-free tails, and with extreme parameters', () => {
    const v = tf.tensor1d([-1e4, -2, -1e-7, 2, 1e4]);
    const r = tf.mul(tf.randomNormal([5, 3 * P.bins - 1], 0, 1, 'float32', 5), 50);
    for (const inverse of [false, true]) {
      const [y, ld] = rqSpline(v, r, P, inverse);
      expectFinite(y, 'value');
      expectFinite(ld, 'log-derivative');
      const g = tf.grad((x: tf.Tensor) => tf.sum(rqSpline(x, r, P, inverse)[0]))(v);
      expectFinite(g, 'gradient');
    }
  });
});

describe('rationalQuadraticSpline (the coupling)', () => {
  it('starts as the identity with an mlp conditioner', () => {
    const layer = rationalQuadraticSpline({ mask: [1, 0], bins: 8, conditioner: mlp({ inputs: 2, outputs: 2 * 23, seed: 1 }) });
    const x = tf.randomNormal([20, 2], 0, 2, 'float32', 6);
    const { y, logDet } = layer.forward(x);
    expectClose(y, x, { atol: 2e-5, rtol: 0, label: 'y' });
    expectClose(logDet, new Array(20).fill(0), { atol: 2e-5, rtol: 0, label: 'logDet' });
    layer.dispose();
  });

  it('at initialization maps ±B and their float32 neighbours exactly to themselves, log-det 0, both ways (issue 14)', () => {
    const layer = rationalQuadraticSpline({ mask: [1, 0], bins: 10, bound: 1.7, conditioner: mlp({ inputs: 2, outputs: 2 * 29, seed: 1 }) });
    const b = Math.fround(1.7);
    const edge = [-b, b, ulpStep(b, -1), ulpStep(-b, 1), ulpStep(b, 1), ulpStep(-b, -1)];
    const x = tf.tensor2d(edge.map((e, i) => [0.3 * i, e]));
    const { y, logDet } = layer.forward(x);
    const { x: back, logDet: ldInv } = layer.inverse(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
    for (const v of [...logDet.dataSync(), ...ldInv.dataSync()]) expect(Math.abs(v)).toBeLessThanOrEqual(2 * EPS32);
    tf.dispose([x, y, logDet, back, ldInv]);
    layer.dispose();
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    const conditioner = mlp({ inputs: 2, outputs: 2 * 23, seed: 1 });
    expectThrowsClean(() => rationalQuadraticSpline({ mask: [1, 0], conditioner, bins: 1 }), /rationalQuadraticSpline: options\.bins must be an integer ≥ 2, got 1/);
    expectThrowsClean(() => rationalQuadraticSpline({ mask: [1, 0], conditioner, bound: -1 }), /rationalQuadraticSpline: options\.bound must be a finite number > 0, got -1/);
    expectThrowsClean(() => rationalQuadraticSpline({ mask: [0, 0], conditioner }), /rationalQuadraticSpline: options\.mask must be a mask with at least one 1/);
    expectThrowsClean(() => rationalQuadraticSpline({ mask: [1, 0], conditioner, minBinWidth: 0.2, bins: 8 }), /options\.minBinWidth must be < 1\/bins = 0\.125, got 0\.2/);
    const layer = rationalQuadraticSpline({ mask: [1, 0, 0], conditioner, bins: 8 });
    const x = tf.zeros([3, 3]);
    // a conditioner built for D = 2 meets a D = 3 mask: the mlp names its own input
    expectThrowsClean(() => layer.forward(x), /mlp: input must be a float32 tensor of shape \[\.\.\., 2\], got a float32 tensor of shape \[3, 3\]/);
    const x2 = tf.zeros([3, 2]);
    expectThrowsClean(() => layer.inverse(x2), /rationalQuadraticSpline\.inverse: y must be a float32 tensor of shape \[\.\.\., 3\], got a float32 tensor of shape \[3, 2\]/);
    const wrongOut = rationalQuadraticSpline({ mask: [1, 0], conditioner: mlp({ inputs: 2, outputs: 5 }), bins: 8 });
    expectThrowsClean(() => wrongOut.forward(x2 as tf.Tensor), /rationalQuadraticSpline\.forward: x must be a float32 tensor of shape \[\.\.\., 2\]|the conditioner output must be a tensor of shape \[\.\.\., 46\]/);
    tf.dispose([x, x2]);
    layer.dispose();
    wrongOut.dispose();
  });
});
