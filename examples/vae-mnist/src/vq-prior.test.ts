// The VQ-VAE + autoregressive prior stage, small and fast: a tiny VQ-VAE trained briefly on 2,000 real MNIST
// digits, a one-block causal transformer over its codes; the prior must beat the uniform prior on held-out
// codes, be causal, sample reproducibly and leak nothing.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import { binarize, loadMnist } from './idx.js';
import { bitsPerCode, causalTransformer, oneHotCodes, unigramBitsPerCode, vqVae, type CausalTransformer, type VqVae } from './vq-prior.js';

const N = 8, K = 16, DIM = 8;
const N_TRAIN = 2000, N_HELD = 500;
const D = 784;

let model: VqVae;
let transformer: CausalTransformer;
let trainCodes: Int32Array;
let heldCodes: Int32Array;
let bitsBefore = 0;
let bitsAfter = 0;

/** A deterministic generator for the host-side batch choices. */
function lcg(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

beforeAll(async () => {
  const { train, test } = loadMnist();
  const x = binarize(train.images.subarray(0, N_TRAIN * D));
  const xHeld = binarize(test.images.subarray(0, N_HELD * D));
  model = vqVae({ codes: N, codebookSize: K, dim: DIM, hidden: 64, seed: 7 });
  const rand = lcg(1);
  const B = 64;
  const batch = () => {
    const rows = Array.from({ length: B }, () => Math.floor(rand() * N_TRAIN));
    const b = new Float32Array(B * D);
    rows.forEach((r, i) => b.set(x.subarray(r * D, (r + 1) * D), i * D));
    return b;
  };
  tf.tidy(() => model.vq.update(model.encode(tf.tensor2d(batch(), [B, D]))));
  const opt = tf.train.adam(4e-3);
  for (let s = 0; s < 40; s++) {
    const b = tf.tensor2d(batch(), [B, D]);
    let zE: tf.Tensor | undefined;
    opt.minimize(() => {
      const o = model.objective(b);
      zE = tf.keep(o.zE);
      return o.loss;
    }, false, model.variables);
    model.vq.update(zE!);
    tf.dispose([b, zE!]);
  }
  opt.dispose();
  const codesOf = (images: Float32Array, rows: number) => tf.tidy(() => model.encodeCodes(tf.tensor2d(images, [rows, D])).dataSync() as Int32Array);
  trainCodes = codesOf(x, N_TRAIN);
  heldCodes = codesOf(xHeld, N_HELD);

  transformer = causalTransformer({ length: N, classes: K, width: 16, heads: 2, layers: 1, seed: 3 });
  bitsBefore = bitsPerCode(transformer.prior, heldCodes, N_HELD, N, K);
  const priorOpt = tf.train.adam(1e-2);
  const codes = new Int32Array(B * N);
  for (let s = 0; s < 60; s++) {
    for (let i = 0; i < B; i++) {
      const r = Math.floor(rand() * N_TRAIN);
      codes.set(trainCodes.subarray(r * N, (r + 1) * N), i * N);
    }
    tf.tidy(() => {
      const c = oneHotCodes(tf.tensor2d(codes, [B, N], 'int32'), K);
      priorOpt.minimize(() => tf.neg(tf.mean(transformer.prior.logProb(c))) as tf.Scalar, false, transformer.variables);
    });
  }
  priorOpt.dispose();
  bitsAfter = bitsPerCode(transformer.prior, heldCodes, N_HELD, N, K);
}, 60_000);

afterAll(() => {
  transformer.dispose();
  model.dispose();
});

describe('VQ-VAE + causal transformer prior on MNIST codes', () => {
  it('starts at the uniform prior and beats it, and the per-position frequencies, on held-out codes', () => {
    expect(bitsBefore).toBeCloseTo(Math.log2(K), 4); // the zero-initialized output layer
    const unigram = unigramBitsPerCode(trainCodes, N_TRAIN, heldCodes, N_HELD, N, K);
    expect(unigram).toBeLessThan(Math.log2(K));
    expect(bitsAfter).toBeLessThan(Math.log2(K) - 1);
    expect(bitsAfter).toBeLessThan(unigram);
  });

  it('the network is causal: logits at positions ≤ n ignore the codes after n', () => {
    tf.tidy(() => {
      const a = tf.tensor2d(heldCodes.subarray(0, 4 * N), [4, N], 'int32');
      const changed = tf.concat([tf.slice(a, [0, 0], [-1, 3]), tf.sub(K - 1, tf.slice(a, [0, 3], [-1, N - 3]))], 1);
      const [la, lb] = [a, changed].map((c) => transformer.network(oneHotCodes(c, K)));
      // positions 0..3 see codes 0..2 only, which are equal
      expect(tf.max(tf.abs(tf.sub(tf.slice(la!, [0, 0, 0], [-1, 4, -1]), tf.slice(lb!, [0, 0, 0], [-1, 4, -1])))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(tf.slice(la!, [0, 4, 0], [-1, -1, -1]), tf.slice(lb!, [0, 4, 0], [-1, -1, -1])))).dataSync()[0]).toBeGreaterThan(1e-4);
    });
  });

  it('samples new digits reproducibly with a seed, leak-free', () => {
    const draw = (seed: number) =>
      expectNoLeaks(() =>
        tf.tidy(() => {
          const c = transformer.prior.sample([6], { seed, temperature: 0.9, topK: 6 });
          return [tf.argMax(c, -1), model.decodeOneHot(c)];
        }),
      );
    const [c1, x1] = draw(5);
    const [c2, x2] = draw(5);
    const [c3, x3] = draw(6);
    expect(c1!.shape).toEqual([6, N]);
    expect(x1!.shape).toEqual([6, D]);
    expect(c1!.arraySync()).toEqual(c2!.arraySync());
    expect(c1!.arraySync()).not.toEqual(c3!.arraySync());
    const px = x1!.dataSync();
    expect(Math.min(...px)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...px)).toBeLessThanOrEqual(1);
    tf.dispose([c1!, x1!, c2!, x2!, c3!, x3!]);
  });

  it('a training step of the prior leaves the tensor count as it found it', () => {
    const opt = tf.train.sgd(1e-3);
    const c = oneHotCodes(tf.tensor2d(trainCodes.subarray(0, 8 * N), [8, N], 'int32'), K);
    const step = () => opt.minimize(() => tf.neg(tf.mean(transformer.prior.logProb(c))) as tf.Scalar, false, transformer.variables);
    step();
    expectNoLeaks(step, 'prior step');
    c.dispose();
    opt.dispose();
  });

  it('unigramBitsPerCode and bitsPerCode: hand-checkable cases', () => {
    // one position, K = 2, training codes all 0: add-one smoothing gives p(0) = 3/4 from 2 training rows
    expect(unigramBitsPerCode(Int32Array.from([0, 0]), 2, Int32Array.from([0, 1]), 2, 1, 2)).toBeCloseTo((-Math.log2(3 / 4) - Math.log2(1 / 4)) / 2, 10);
    // the untrained transformer is uniform: log2 K for any codes
    const fresh = causalTransformer({ length: N, classes: K, width: 16, heads: 2, layers: 1, seed: 9 });
    expect(bitsPerCode(fresh.prior, heldCodes, 10, N, K)).toBeCloseTo(Math.log2(K), 4);
    fresh.dispose();
  });
});
