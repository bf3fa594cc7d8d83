// The models of the cross-process persistence tests (issue 15), shared by the parent (persistence.test.ts, under
// vitest) and the child process (child.ts, under `node --import tsx`): the same architecture, the same data, the
// same probes in the same order, so the two processes can be compared bit for bit. Every number leaves a process
// as the hex of its Float32Array / Int32Array buffer.
import * as tf from '@tensorflow/tfjs-core';
import {
  StandardNormal, TransformedDistribution, actNorm, affineCoupling, batchNorm, chain, mlp, rationalQuadraticSpline,
  type StateDict,
} from '@genmod/flows';
import { VectorQuantizer, autoregressivePrior, composeState } from '@genmod/vae';
import { networkState, spectralNormalizer } from '@genmod/adversarial';

/** The bit patterns of a tensor's values: float32 / int32 buffer as hex (the tensor is not disposed). */
export function hex(t: tf.Tensor): string {
  const v = t.dataSync();
  const typed = t.dtype === 'int32' || t.dtype === 'bool' ? Int32Array.from(v) : Float32Array.from(v);
  return Buffer.from(typed.buffer).toString('hex');
}

/** hex of `f()`, its result disposed */
export function hexOf(f: () => tf.Tensor): string {
  const t = f();
  const h = hex(t);
  t.dispose();
  return h;
}

/** Every entry of a state as `dtype[shape]:hex`. */
export function stateHex(s: StateDict): Record<string, string> {
  return Object.fromEntries(Object.entries(s).map(([k, t]) => [k, `${t.dtype}[${t.shape.join(',')}]:${hex(t)}`]));
}

// ---------------------------------------------------------------------------------------------------------------
// A flow: ActNorm, an affine coupling, BatchNorm, a rational-quadratic spline coupling, another affine coupling.

/** 256 correlated 3-d points from a closed formula (no RNG: the same in every process). */
export function flowData(n = 256): tf.Tensor2D {
  const v = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = 2 * Math.sin(0.7 * i + 0.1);
    const b = Math.cos(1.3 * i) + 0.5 * a;
    const c = 0.5 * Math.sin(0.37 * i + 1) - 0.3 * b + 1;
    v.set([a + 2, b - 1, c], i * 3);
  }
  return tf.tensor2d(v, [n, 3]);
}

/** Fixed evaluation points, off the training data. */
export function flowPoints(): tf.Tensor2D {
  return tf.tensor2d([[0, 0, 0], [2, -1, 1], [3.5, 0.2, -0.7], [-1, 2, 0.3], [1.25, -2.5, 2], [4, 1, 1]]);
}

/**
 * The flow of the tests, its layers seeded from `seed`. `couplings: 1` drops the last affine coupling (another
 * architecture); `hidden` sets the width of every conditioner (another shape).
 */
export function buildFlow(seed: number, { hidden = 8, couplings = 2 }: { hidden?: number; couplings?: 1 | 2 } = {}) {
  const norm = actNorm({ features: 3 });
  const bn = batchNorm({ features: 3 });
  const layers = [
    norm,
    affineCoupling({ mask: [1, 0, 1], conditioner: mlp({ inputs: 3, hidden: [hidden], outputs: 6, seed: seed + 1, zeroLast: false }) }),
    bn,
    rationalQuadraticSpline({ mask: [0, 1, 0], bins: 4, conditioner: mlp({ inputs: 3, hidden: [hidden], outputs: 3 * 11, seed: seed + 2, zeroLast: false }) }),
  ];
  if (couplings === 2) {
    layers.push(affineCoupling({ mask: [0, 1, 1], conditioner: mlp({ inputs: 3, hidden: [hidden], outputs: 6, seed: seed + 3, zeroLast: false }) }));
  }
  return { flow: new TransformedDistribution(new StandardNormal([3]), chain(...layers)), norm, bn };
}
export type FlowModel = ReturnType<typeof buildFlow>;

/** Adam steps `from … from + steps − 1` on 64-row slices of `data`: the losses as hex. */
export function trainFlow(m: FlowModel, opt: tf.Optimizer, data: tf.Tensor2D, from: number, steps: number): string[] {
  const losses: string[] = [];
  for (let step = from; step < from + steps; step++) {
    const loss = opt.minimize(() => tf.tidy(() => tf.neg(tf.mean(m.flow.logProb(tf.slice(data, [(step * 64) % 256, 0], [64, 3]))))) as tf.Scalar, true, m.flow.trainableVariables)!;
    losses.push(hex(loss));
    loss.dispose();
  }
  return losses;
}

/**
 * What a restored flow must reproduce, in this order: BatchNorm's running statistics, ActNorm's flag before the
 * first call, then (BatchNorm in evaluation mode) logProb of the fixed points and a seeded sample.
 */
export function probeFlow(m: FlowModel) {
  const out = {
    runningMean: hex(m.bn.runningMean),
    runningVariance: hex(m.bn.runningVariance),
    initializedBeforeFirstCall: m.norm.initialized,
    logProb: '',
    sample: '',
    initializedAfter: false,
  };
  m.bn.training = false;
  const points = flowPoints();
  out.logProb = hexOf(() => m.flow.logProb(points));
  out.sample = hexOf(() => m.flow.sample([16], { seed: 5 }));
  out.initializedAfter = m.norm.initialized;
  points.dispose();
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// A VQ-VAE: flows' mlp encoder/decoder, an EMA VectorQuantizer, an autoregressive prior over the codes and a
// spectrally normalized critic, in one checkpoint through composeState.

export const N = 4; // codes per example
export const K = 6; // codebook size
const D = 2; // code dimension
const X = 4; // data dimension

/** [examples, N, X] data from a closed formula */
export function vqData(examples: number, offset = 0): tf.Tensor3D {
  const v = new Float32Array(examples * N * X);
  for (let i = 0; i < v.length; i++) v[i] = 1.5 * Math.sin(0.91 * (i + offset)) + 0.5 * Math.cos(0.23 * (i + offset) * ((i % X) + 1));
  return tf.tensor3d(v, [examples, N, X]);
}

export function buildVqvae(seed: number) {
  const encoder = mlp({ inputs: X, hidden: [8], outputs: D, seed: seed + 1, zeroLast: false });
  const decoder = mlp({ inputs: D, hidden: [8], outputs: X, seed: seed + 2, zeroLast: false });
  const quantizer = new VectorQuantizer({ codebookSize: K, dim: D, ema: { decay: 0.8 }, kmeansIterations: 2, deadCodeThreshold: 1, seed: seed + 3 });
  // the prior: a Markov chain over the codes (logits of code n from code n − 1, a learned start row)
  const table = tf.tidy(() => tf.variable(tf.randomNormal([K, K], 0, 0.5, 'float32', seed + 4)));
  const start = tf.tidy(() => tf.variable(tf.randomNormal([1, 1, K], 0, 0.5, 'float32', seed + 5)));
  const priorNetwork = (c: tf.Tensor) => tf.tidy(() => {
    const m = c.shape[0]!;
    const previous = tf.reshape(tf.matMul(tf.reshape(tf.slice(c, [0, 0, 0], [-1, N - 1, -1]), [-1, K]), table), [m, N - 1, K]);
    return tf.concat([tf.tile(start, [m, 1, 1]), previous], 1);
  });
  const prior = autoregressivePrior(priorNetwork, { length: N, classes: K, parameters: { table, start } });
  // the critic: x → leakyRelu(x·(W₁/σ(W₁)))·W₂, its u kept by the normalizer
  const w1 = tf.tidy(() => tf.variable(tf.randomNormal([X, 8], 0, 0.7, 'float32', seed + 6)));
  const w2 = tf.tidy(() => tf.variable(tf.randomNormal([8, 1], 0, 0.7, 'float32', seed + 7)));
  const spectral = spectralNormalizer([X, 8], { seed: seed + 8 });
  const critic = (x: tf.Tensor) => tf.tidy(() => tf.matMul(tf.leakyRelu(tf.matMul(x, spectral.apply(w1)), 0.2), w2));
  const checkpoint = composeState({
    encoder, decoder, quantizer, prior,
    critic: networkState(critic, { '0/kernel': w1, '1/kernel': w2 }),
    spectral,
  });
  const trainable = [...encoder.trainableVariables, ...decoder.trainableVariables, table, start, w1, w2];
  const dispose = () => {
    encoder.dispose();
    decoder.dispose();
    quantizer.dispose();
    spectral.dispose();
    tf.dispose([table, start, w1, w2]);
  };
  return { encoder, decoder, quantizer, prior, critic, spectral, w1, checkpoint, trainable, dispose };
}
export type VqvaeModel = ReturnType<typeof buildVqvae>;

/** One step: Adam on reconstruction + VQ loss + prior NLL of the codes + a WGAN critic term, then the EMA update. */
export function trainVqvae(m: VqvaeModel, opt: tf.Optimizer, steps: number): void {
  for (let s = 0; s < steps; s++) {
    const x = vqData(8, 97 * s);
    const flat = tf.reshape(x, [-1, X]);
    const loss = opt.minimize(() => tf.tidy(() => {
      const zE = m.encoder(flat);
      const q = m.quantizer.quantize(zE);
      const recon = m.decoder(q.zQ);
      const codes = tf.cast(tf.oneHot(tf.reshape(q.indices, [-1, N]), K), 'float32');
      const nll = tf.div(tf.neg(tf.mean(m.prior.logProb(codes))), N);
      const wgan = tf.sub(tf.mean(m.critic(recon)), tf.mean(m.critic(flat)));
      return tf.addN([tf.losses.meanSquaredError(flat, recon), q.loss, nll, tf.mul(0.1, wgan)]) as tf.Scalar;
    }), true, m.trainable)!;
    loss.dispose();
    const zE = tf.tidy(() => m.encoder(flat));
    m.quantizer.update(zE);
    tf.dispose([x, flat, zE]);
  }
}

/**
 * What a restored VQ-VAE must reproduce, in this order: codes of fixed data, the decoder's reconstruction, the
 * prior's logProb of fixed code sequences and a seeded sample, the critic's next normalised weight (one power
 * step) and output, then the quantizer's next EMA update and its state after it.
 */
export function probeVqvae(m: VqvaeModel) {
  const x = vqData(3, 5000);
  const flat = tf.reshape(x, [-1, X]);
  const zE = m.encoder(flat);
  const q = m.quantizer.quantize(zE);
  const fixedCodes = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor2d([[0, 1, 2, 3], [5, 5, 4, 0], [2, 0, 2, 1]], undefined, 'int32'), K), 'float32'));
  const out = {
    indices: hex(q.indices),
    zQ: hex(q.zQ),
    vqLoss: hex(q.loss),
    reconstruction: hexOf(() => m.decoder(q.zQ)),
    priorLogProb: hexOf(() => m.prior.logProb(fixedCodes)),
    priorSample: hexOf(() => m.prior.sample([5], { seed: 11, temperature: 0.8 })),
    normalizedWeight: hexOf(() => m.spectral.apply(m.w1)),
    u: hex(m.spectral.u),
    criticOutput: hexOf(() => m.critic(flat)),
    emaRestarted: -1,
    quantizerAfterUpdate: {} as Record<string, string>,
  };
  const next = tf.tidy(() => m.encoder(tf.reshape(vqData(8, 7000), [-1, X])));
  out.emaRestarted = m.quantizer.update(next).restarted;
  out.quantizerAfterUpdate = stateHex(m.quantizer.getState());
  tf.dispose([x, flat, zE, q.zQ, q.indices, q.loss, q.codebookLoss, q.commitmentLoss, q.perplexity, fixedCodes, next]);
  return out;
}
