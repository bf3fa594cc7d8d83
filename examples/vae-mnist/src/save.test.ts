// Saving the example's trained models (issue 15): the Gaussian VAE and the VQ-VAE + transformer prior, trained
// for a few steps, saved with saveState to files (model.json + weights.bin, the file router of
// @genmod/backend), loaded into freshly built models give bit-identical outputs — for the VQ-VAE also
// the same next EMA codebook update — and a checkpoint of another architecture is refused, changing nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSystem } from '@genmod/backend/node';
import { composeState, loadState, saveState } from '@genmod/vae';
import { gaussianVae } from './models.js';
import { causalTransformer, oneHotCodes, vqVae } from './vq-prior.js';

const dir = mkdtempSync(join(tmpdir(), 'vae-mnist-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** the values of f()'s tensor, computed in a tidy scope */
const bits = (f: () => tf.Tensor) => tf.tidy(() => Array.from(f().dataSync()));
const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([32, 784], 0, 1, 'float32', 3), 0.7), 'float32'));

describe('the trained models are saved and restored', () => {
  it('Gaussian VAE: structural names, bit-identical reconstructions and ELBO after loading; another architecture refused', async () => {
    const before = tf.memory().numTensors;
    const trained = gaussianVae(4, 16);
    const opt = tf.train.adam(1e-2);
    for (let step = 0; step < 3; step++) opt.minimize(() => trained.objective(x, step).loss, false, trained.variables);
    expect(Object.keys(trained.state.getState())).toEqual(['encoder/0/w', 'encoder/0/b', 'loc/0/w', 'loc/0/b', 'logVar/0/w', 'logVar/0/b', 'decoder/0/w', 'decoder/0/b', 'decoder/1/w', 'decoder/1/b']);
    await saveState(trained.state, fileSystem(join(dir, 'gauss')), { metadata: { architecture: trained.architecture } });

    const restored = gaussianVae(4, 16); // the initial weights: loading must replace them
    expect(bits(() => restored.reconstruct(x, 1))).not.toEqual(bits(() => trained.reconstruct(x, 1)));
    const metadata = await loadState(restored.state, fileSystem(join(dir, 'gauss')));
    expect(metadata).toEqual({ architecture: { latent: 4, hidden: 16 } });
    expect(bits(() => restored.reconstruct(x, 1))).toEqual(bits(() => trained.reconstruct(x, 1)));
    expect(bits(() => restored.testElbo(x, 7))).toEqual(bits(() => trained.testElbo(x, 7)));

    const other = gaussianVae(4, 32);
    const otherBefore = Object.values(other.state.getState()).map((v) => Array.from(v.dataSync()));
    await expect(loadState(other.state, fileSystem(join(dir, 'gauss')))).rejects.toThrow(/nothing was loaded.*mismatched 'encoder\/0\/w': expected float32\[784, 32\], got float32\[784, 16\]/);
    expect(Object.values(other.state.getState()).map((v) => Array.from(v.dataSync()))).toEqual(otherBefore);
    for (const m of [trained, restored, other]) m.dispose();
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('VQ-VAE + prior in one checkpoint: codebook and EMA state restored (the same next update), prior logProb bit for bit', async () => {
    const before = tf.memory().numTensors;
    const build = (seed: number) => ({ vq: vqVae({ codes: 4, codebookSize: 8, dim: 4, hidden: 16, seed }), tr: causalTransformer({ length: 4, classes: 8, width: 8, heads: 2, layers: 1, seed: seed + 1 }) });
    const a = build(1);
    tf.tidy(() => a.vq.vq.update(a.vq.encode(x))); // k-means initialization
    const opt = tf.train.adam(1e-2);
    for (let step = 0; step < 3; step++) {
      let zE: tf.Tensor | undefined;
      opt.minimize(() => {
        const r = a.vq.objective(x);
        zE = tf.keep(r.zE);
        return r.loss;
      }, false, a.vq.variables);
      a.vq.vq.update(zE!);
      zE!.dispose();
    }
    const codes = tf.tidy(() => oneHotCodes(a.vq.encodeCodes(x), 8));
    const priorOpt = tf.train.adam(1e-2); // tfjs optimizers keep their slots by position: one per variable list
    priorOpt.minimize(() => tf.neg(tf.mean(a.tr.prior.logProb(codes))) as tf.Scalar, false, a.tr.variables);
    priorOpt.dispose();
    const checkpoint = (m: ReturnType<typeof build>) => composeState({ vqvae: m.vq.state, prior: m.tr.prior });
    const names = Object.keys(checkpoint(a).getState());
    expect(names).toEqual(expect.arrayContaining(['vqvae/encoder/0/w', 'vqvae/decoder/1/b', 'vqvae/quantizer/codebook', 'prior/network/embed', 'prior/network/block0.qkv.w', 'prior/network/out.b']));
    await saveState(checkpoint(a), fileSystem(join(dir, 'vq')));

    const b = build(50); // another seed
    await loadState(checkpoint(b), fileSystem(join(dir, 'vq')));
    expect(bits(() => b.vq.reconstructionNll(x))).toEqual(bits(() => a.vq.reconstructionNll(x)));
    expect(bits(() => b.tr.prior.logProb(codes))).toEqual(bits(() => a.tr.prior.logProb(codes)));
    // the EMA state travelled: one more update from the same batch moves both codebooks identically
    for (const m of [a, b]) tf.tidy(() => m.vq.vq.update(a.vq.encode(x)));
    expect(Array.from(b.vq.vq.codebook.dataSync())).toEqual(Array.from(a.vq.vq.codebook.dataSync()));

    const c = build(3);
    c.tr.dispose();
    const wider = { vq: c.vq, tr: causalTransformer({ length: 4, classes: 8, width: 16, heads: 2, layers: 1, seed: 4 }) };
    await expect(loadState(checkpoint(wider), fileSystem(join(dir, 'vq')))).rejects.toThrow(/nothing was loaded.*mismatched 'prior\/network\/embed': expected float32\[8, 16\], got float32\[8, 8\]/);
    codes.dispose();
    opt.dispose();
    for (const m of [a, b, wider]) {
      m.vq.dispose();
      m.tr.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
