import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { VectorQuantizer, vectorQuantize } from './index.js';

const codebook = [[0, 0], [10, 10], [-5, 5]];
const z = [[1, 0], [0, 1], [9, 9], [-4, 6]]; // nearest codes 0, 0, 1, 2

describe('vectorQuantize', () => {
  it('picks the nearest code and gives the losses and the perplexity', () => {
    tf.tidy(() => {
      const r = vectorQuantize(z, codebook);
      expect(Array.from(r.indices.dataSync())).toEqual([0, 0, 1, 2]);
      expectClose(r.zQ, [[0, 0], [0, 0], [10, 10], [-5, 5]]);
      const mse = (1 + 1 + 2 + 2) / 8; // mean of (z − e)² over the 8 elements
      expectClose(r.codebookLoss, mse, { rtol: 1e-6 });
      expectClose(r.commitmentLoss, 0.25 * mse, { rtol: 1e-6 });
      expectClose(r.loss, 1.25 * mse, { rtol: 1e-6 });
      const p = [0.5, 0.25, 0.25];
      expectClose(r.perplexity, Math.exp(-p.reduce((a, v) => a + v * Math.log(v), 0)), { rtol: 1e-5 });
    });
  });

  it('straight-through: ∂/∂z_e of a loss on z_q is the loss gradient at z_q; the codebook gets only the codebook loss', () => {
    tf.tidy(() => {
      const w = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
      const [gz, gc] = tf.grads((zt: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(vectorQuantize(zt, c).zQ, w)))([tf.tensor2d(z), tf.tensor2d(codebook)]);
      expectClose(gz!, w);
      expectClose(gc!, [[0, 0], [0, 0], [0, 0]]);
      // codebook loss: ∂/∂e_k = (2/(M·D))·Σ_{i→k}(e_k − z_i); commitment: ∂/∂z_i = β·(2/(M·D))·(z_i − e_k(i))
      const [gz2, gc2] = tf.grads((zt: tf.Tensor, c: tf.Tensor) => vectorQuantize(zt, c, { beta: 0.5 }).loss)([tf.tensor2d(z), tf.tensor2d(codebook)]);
      const f = 2 / 8;
      expectClose(gc2!, [[f * (0 - 1 + 0 - 0), f * (0 - 0 + 0 - 1)], [f * 1, f * 1], [f * -1, f * -1]], { atol: 1e-6 });
      expectClose(gz2!, [[0.5 * f * 1, 0], [0, 0.5 * f * 1], [-0.5 * f, -0.5 * f], [0.5 * f, 0.5 * f]], { atol: 1e-6 });
    });
  });

  it('keeps the leading shape and fails clearly on mismatched D', () => {
    tf.tidy(() => {
      const r = vectorQuantize(tf.zeros([2, 3, 2]), codebook);
      expect(r.zQ.shape).toEqual([2, 3, 2]);
      expect(r.indices.shape).toEqual([2, 3]);
    });
    expectThrowsClean(() => vectorQuantize([[1, 2, 3]], codebook), /^vectorQuantize: zE must be a tensor whose last axis is the code dimension D = 2, got shape \[1, 3\]$/);
    expectThrowsClean(() => vectorQuantize(z, codebook, { beta: -1 }), /^vectorQuantize: options\.beta must be a finite number ≥ 0, got -1$/);
  });
});

describe('VectorQuantizer', () => {
  it('EMA updates match a hand computation (decay, Laplace smoothing)', () => {
    const q = new VectorQuantizer({ codebookSize: 3, dim: 2, ema: { decay: 0.9, epsilon: 1e-3 }, seed: 2 });
    const e0 = q.codebook.arraySync() as number[][];
    // points near each initial code: assignment by nearest code
    const pts = [[e0[0]![0]! + 0.1, e0[0]![1]!], [e0[0]![0]!, e0[0]![1]! - 0.2], [e0[1]![0]! + 0.3, e0[1]![1]! + 0.1]];
    const assign = pts.map((p) => [0, 1, 2].reduce((best, k) => ((p[0]! - e0[k]![0]!) ** 2 + (p[1]! - e0[k]![1]!) ** 2 < (p[0]! - e0[best]![0]!) ** 2 + (p[1]! - e0[best]![1]!) ** 2 ? k : best), 0));
    expect(assign).toEqual([0, 0, 1]);
    expectNoLeaks(() => q.update(pts));
    const g = 0.9, eps = 1e-3;
    const counts = [2, 1, 0];
    const N = counts.map((c) => g * 1 + (1 - g) * c);
    const m = [0, 1, 2].map((k) => [0, 1].map((d) => g * e0[k]![d]! + (1 - g) * pts.reduce((a, p, i) => a + (assign[i] === k ? p[d]! : 0), 0)));
    const total = N.reduce((a, b) => a + b);
    const smoothed = N.map((n) => ((n + eps) / (total + 3 * eps)) * total);
    expectClose(q.codebook, m.map((row, k) => row.map((v) => v / smoothed[k]!)), { rtol: 1e-5, atol: 1e-6 });
    const u = q.usage();
    expectClose(u, counts);
    u.dispose();
    expect(q.trainableVariables).toEqual([]);
    q.dispose();
  });

  it('restarts dead codes from the batch: unused codes come back into use', () => {
    tf.tidy(() => {
      const vq = new VectorQuantizer({ codebookSize: 4, dim: 2, deadCodeThreshold: 0.5, seed: 3 });
      vq.codebook.assign(tf.tensor2d([[0, 0], [100, 100], [-100, 100], [100, -100]])); // codes 1..3 are far from the data
      const data = tf.tensor2d([[0.1, 0], [1, 1], [2, 0], [0, 2], [-1, 1], [0.5, -1]]);
      expect(new Set(vq.quantize(data).indices.dataSync()).size).toBe(1);
      const { restarted } = vq.update(data);
      expect(restarted).toBe(3);
      // every restarted code is now one of the batch vectors
      const cb = vq.codebook.arraySync() as number[][];
      const rows = data.arraySync() as number[][];
      for (const code of cb.slice(1)) expect(rows.some((r) => r[0] === code[0] && r[1] === code[1])).toBe(true);
      expect(new Set(vq.quantize(data).indices.dataSync()).size).toBe(4);
      expect(vq.trainableVariables).toEqual([vq.codebook]);
      vq.dispose();
    });
  });

  it('k-means initialization from the first batch finds the clusters', () => {
    tf.tidy(() => {
      const centres = [[5, 5], [-5, 5], [0, -6]];
      const data = tf.add(tf.tile(tf.tensor2d(centres), [40, 1]), tf.randomNormal([120, 2], 0, 0.3, 'float32', 4));
      const vq = new VectorQuantizer({ codebookSize: 3, dim: 2, kmeansIterations: 10, seed: 5 });
      const before = vq.quantize(data).commitmentLoss.dataSync()[0]!;
      vq.update(data);
      const after = vq.quantize(data);
      expect(after.commitmentLoss.dataSync()[0]!).toBeLessThan(0.25 * 0.2);
      expect(after.commitmentLoss.dataSync()[0]!).toBeLessThan(before);
      expectClose(after.perplexity, 3, { rtol: 1e-3 });
      vq.dispose();
    });
  });

  it('frees its variables in dispose() and rejects invalid options', () => {
    const before = tf.memory().numTensors;
    const vq = new VectorQuantizer({ codebookSize: 8, dim: 3, ema: true, seed: 1 });
    vq.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expectThrowsClean(() => new VectorQuantizer({ codebookSize: 1, dim: 3 }), /^VectorQuantizer: options\.codebookSize must be an integer ≥ 2, got 1$/);
    expectThrowsClean(() => new VectorQuantizer({ codebookSize: 4, dim: 3, ema: { decay: 1 } }), /options\.ema\.decay must be a finite number > 0 and < 1, got 1/);
    expectThrowsClean(() => new VectorQuantizer({ codebookSize: 4, dim: 0 }), /options\.dim must be an integer ≥ 1, got 0/);
  });
});
