import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectThrowsClean } from '@genmod-internal/testing';
import { made } from './made.js';
import { inverseAutoregressive, maskedAutoregressive } from './masked-autoregressive.js';

/** ∂out_j/∂x_i for one input point, as a [P·D, D] array. */
function jacobian(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, outputs: number): number[][] {
  return Array.from({ length: outputs }, (_, j) =>
    Array.from(tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), tf.tensor2d([Array.from({ length: outputs }, (_, k) => (k === j ? 1 : 0))]))))(x)).dataSync()),
  );
}

describe('made', () => {
  it.each([
    ['natural order', [0, 1, 2, 3], [32, 32]],
    ['custom order', [2, 0, 3, 1], [16]],
    ['no hidden layer', [1, 3, 0, 2], []],
  ] as const)('is autoregressive (%s): output i depends exactly on the inputs before i', (_n, order, hidden) => {
    const net = made({ features: 4, hidden: [...hidden], order: [...order], zeroLast: false, seed: 1, activation: (x) => tf.tanh(x) });
    const x = tf.randomNormal([1, 4], 0, 1, 'float32', 2);
    const j = jacobian((v) => net(v), x, 8);
    for (let o = 0; o < 8; o++) {
      const feature = o % 4;
      for (let i = 0; i < 4; i++) {
        const allowed = order[i]! < order[feature]!;
        if (!allowed) expect(j[o]![i], `output ${o} on input ${i}`).toBe(0);
        // with dense enough hidden layers every allowed connection exists
        else if (hidden.length !== 1) expect(Math.abs(j[o]![i]!), `output ${o} on input ${i}`).toBeGreaterThan(0);
      }
    }
    net.dispose();
    x.dispose();
  });

  it('passes a context to every output (conditional MADE), and starts at zero by default', () => {
    const net = made({ features: 2, hidden: [8], contextSize: 3, zeroLast: false, seed: 3 });
    const x = tf.zeros([2, 2]);
    const c = tf.randomNormal([2, 3], 0, 1, 'float32', 4);
    const out = net(x, c);
    expect(out.shape).toEqual([2, 4]);
    expect(tf.tidy(() => tf.min(tf.abs(out)).dataSync()[0]!)).toBeGreaterThan(0);
    const zero = made({ features: 2, hidden: [8], seed: 3 });
    expectClose(zero(x), [[0, 0, 0, 0], [0, 0, 0, 0]], { atol: 0, rtol: 0, label: 'zero last layer' });
    net.dispose();
    zero.dispose();
  });

  it('names the argument on bad input', () => {
    expectThrowsClean(() => made({ features: 3, order: [0, 0, 1] }), /made: options\.order must be a permutation of 0, …, 2 \(one position per feature\), got \[0, 0, 1\]/);
    expectThrowsClean(() => made({ features: 0 }), /made: options\.features must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => made({ features: 2, hidden: [8, -1] }), /made: options\.hidden\[1\] must be an integer ≥ 1, got -1/);
  });
});

describe('maskedAutoregressive (MAF) and inverseAutoregressive (IAF)', () => {
  it("MAF's one-pass inverse and D-pass forward invert each other; so do IAF's one-pass forward and D-pass inverse", () => {
    const net = made({ features: 3, hidden: [8], zeroLast: false, seed: 5 });
    const maf = maskedAutoregressive({ network: net });
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 6);
    const { x: z, logDet } = maf.inverse(x); // one pass
    const { y: xBack, logDet: ldFwd } = maf.forward(z); // D passes
    expectClose(xBack, x, { atol: 1e-5, rtol: 1e-5, label: 'MAF forward(inverse(x))' });
    expectClose(ldFwd, tf.neg(logDet), { atol: 1e-5, rtol: 1e-5, label: 'MAF log-dets' });
    const iaf = inverseAutoregressive({ network: net });
    const { y } = iaf.forward(z); // one pass
    const { x: zBack } = iaf.inverse(y); // D passes
    expectClose(zBack, z, { atol: 1e-5, rtol: 1e-5, label: 'IAF inverse(forward(z))' });
    maf.dispose(); // frees the shared network once
  });

  it('starts as the identity on a zero-initialized made', () => {
    const maf = maskedAutoregressive({ network: made({ features: 2, hidden: [8], seed: 7 }) });
    const x = tf.randomNormal([4, 2], 0, 1, 'float32', 8);
    const { y, logDet } = maf.forward(x);
    expectClose(y, x, { atol: 0, rtol: 0, label: 'y' });
    expectClose(logDet, [0, 0, 0, 0], { atol: 0, rtol: 0, label: 'logDet' });
    maf.dispose();
  });

  it('names the argument on bad input', () => {
    const net = made({ features: 3, hidden: [4] });
    expectThrowsClean(() => maskedAutoregressive({ network: net, features: 2 }), /maskedAutoregressive: options\.features must be the network's feature count 3, got 2/);
    const three = made({ features: 2, paramsPerFeature: 3 });
    expectThrowsClean(() => inverseAutoregressive({ network: three }), /inverseAutoregressive: options\.network must be a network with 2 parameters per feature/);
    three.dispose();
    const maf = maskedAutoregressive({ network: net });
    const x = tf.zeros([2, 4]);
    expectThrowsClean(() => maf.inverse(x), /maskedAutoregressive\.inverse: y must be a float32 tensor of shape \[\.\.\., 3\], got a float32 tensor of shape \[2, 4\]/);
    x.dispose();
    maf.dispose();
  });
});
