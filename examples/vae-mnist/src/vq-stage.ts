/**
 * The VQ-VAE + autoregressive prior stage of the showcase: trains the VQ-VAE, encodes every image into its
 * N codes, trains the causal transformer on the training codes, reports its test negative log-likelihood in
 * bits per code (against the uniform prior's log₂ K and a per-position frequency baseline), samples new
 * code sequences one code at a time and decodes them into digits.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Figure, type RGB } from '@genmod-examples/plot';
import { composeState, saveState } from '@genmod/vae';
import { drawDigits, timedLoop, type Curve } from './loop.js';
import { bitsPerCode, causalTransformer, oneHotCodes, unigramBitsPerCode, vqVae } from './vq-prior.js';

const D = 784;

export interface VqStageOptions {
  /** training seconds of the VQ-VAE and of the prior */
  vqSeconds: number;
  priorSeconds: number;
  outDir: string;
  /** N codes per image, K codes in the codebook, D code dimension */
  codes?: number;
  codebookSize?: number;
  dim?: number;
  /** the VQ-VAE's batch; default 64 */
  batch?: number;
  /** the prior's batch of code sequences; default 64 */
  priorBatch?: number;
  /** Adam's step for the VQ-VAE; default 4e-3 */
  learningRate?: number;
  /** Adam's step for the prior; default 3e-3 */
  priorLearningRate?: number;
}

/** Encodes rows of `x` into int32 codes `[rows, N]` on the host, in chunks. */
function encodeAll(model: ReturnType<typeof vqVae>, x: Float32Array, rows: number, chunk = 2000): Int32Array {
  const out = new Int32Array(rows * model.codes);
  for (let s = 0; s < rows; s += chunk) {
    const m = Math.min(chunk, rows - s);
    out.set(tf.tidy(() => model.encodeCodes(tf.tensor2d(x.subarray(s * D, (s + m) * D), [m, D])).dataSync() as Int32Array), s * model.codes);
  }
  return out;
}

export async function runVqStage(xTrain: Float32Array, nTrain: number, xTest: Float32Array, nTest: number, o: VqStageOptions): Promise<Record<string, unknown>> {
  // a small batch and a large step learn fastest in a short budget (measured: 112 vs 127 nats of reconstruction
  // NLL for batch 64 / 300 steps vs batch 128 / 150 steps at learning rate 4e-3, in about the same time)
  const n = o.codes ?? 16, k = o.codebookSize ?? 32, dim = o.dim ?? 16, batchSize = o.batch ?? 64;
  const model = vqVae({ codes: n, codebookSize: k, dim });
  const label = `VQ-VAE ${n}xK${k}`;

  // ---- stage 1: the VQ-VAE (EMA codebook, k-means initialization on the first batch, dead-code restarts)
  const batch = new Float32Array(batchSize * D);
  const fill = () => {
    for (let i = 0; i < batchSize; i++) {
      const r = Math.floor(Math.random() * nTrain);
      batch.set(xTrain.subarray(r * D, (r + 1) * D), i * D);
    }
  };
  fill();
  tf.tidy(() => model.vq.update(model.encode(tf.tensor2d(batch, [batchSize, D])))); // k-means initialization
  const optimizer = tf.train.adam(o.learningRate ?? 4e-3);
  const vqRun = await timedLoop(label, o.vqSeconds, 'perplexity', () => {
    fill();
    let zE: tf.Tensor | undefined;
    let perplexity: tf.Scalar | undefined;
    const lossT = tf.tidy(() => {
      const x = tf.tensor2d(batch, [batchSize, D]);
      return optimizer.minimize(() => {
        const r = model.objective(x);
        zE = tf.keep(r.zE);
        perplexity = tf.keep(r.perplexity);
        return r.loss;
      }, true, model.variables)!;
    });
    model.vq.update(zE!); // EMA codebook step, usage, restarts
    const values: [number, number] = [lossT.dataSync()[0]!, perplexity!.dataSync()[0]!];
    tf.dispose([lossT, zE!, perplexity!]);
    return values;
  });
  optimizer.dispose();
  let nll = 0;
  for (let s = 0; s < nTest; s += 1000) {
    const m = Math.min(1000, nTest - s);
    nll += tf.tidy(() => tf.sum(model.reconstructionNll(tf.tensor2d(xTest.subarray(s * D, (s + m) * D), [m, D]))).dataSync()[0]!);
  }
  nll /= nTest;

  // ---- the codes of every image
  const t0 = performance.now();
  const trainCodes = encodeAll(model, xTrain, nTrain);
  const testCodes = encodeAll(model, xTest, nTest);
  const used = new Set(trainCodes).size;
  console.log(`${label}: ${vqRun.steps} steps in ${vqRun.seconds.toFixed(1)} s; test reconstruction −log p(x|z_q) ${nll.toFixed(1)} nats; ${used}/${k} codes in use; codes of ${nTrain + nTest} images in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---- stage 2: the causal transformer over the codes (teacher forcing, cross-entropy)
  const transformer = causalTransformer({ length: n, classes: k });
  const prior = transformer.prior;
  const priorOptimizer = tf.train.adam(o.priorLearningRate ?? 3e-3);
  const priorBatch = o.priorBatch ?? 64;
  const codeBatch = new Int32Array(priorBatch * n);
  const priorRun = await timedLoop('transformer prior', o.priorSeconds, 'bits/code', () => {
    for (let i = 0; i < priorBatch; i++) {
      const r = Math.floor(Math.random() * nTrain);
      codeBatch.set(trainCodes.subarray(r * n, (r + 1) * n), i * n);
    }
    const lossT = tf.tidy(() => {
      const c = oneHotCodes(tf.tensor2d(codeBatch, [priorBatch, n], 'int32'), k);
      return priorOptimizer.minimize(() => tf.div(tf.neg(tf.mean(prior.logProb(c))), n) as tf.Scalar, true, transformer.variables)!;
    });
    const nats = lossT.dataSync()[0]!; // nats per code
    lossT.dispose();
    return [nats, nats / Math.LN2];
  });
  priorOptimizer.dispose();
  const testBits = bitsPerCode(prior, testCodes, nTest, n, k);
  const trainBits = bitsPerCode(prior, trainCodes, Math.min(nTrain, 10_000), n, k);
  const unigramBits = unigramBitsPerCode(trainCodes, nTrain, testCodes, nTest, n, k);
  const uniformBits = Math.log2(k);
  console.log(
    `transformer prior: ${priorRun.steps} steps in ${priorRun.seconds.toFixed(1)} s; test NLL ${testBits.toFixed(3)} bits/code (train ${trainBits.toFixed(3)}); per-position frequencies ${unigramBits.toFixed(3)}; uniform log2 K = ${uniformBits.toFixed(3)}`,
  );

  // ---- new digits: codes drawn one at a time (Gumbel-max with temperature and top-k), decoded
  const shown = 64;
  const settings = [
    { temperature: 1, seed: 31 },
    { temperature: 0.8, topK: 8, seed: 32 },
  ];
  const seen = new Set<string>();
  for (let r = 0; r < nTrain; r++) seen.add(trainCodes.subarray(r * n, (r + 1) * n).join(','));
  const samples = settings.map((s) => {
    const codes = tf.tidy(() => {
      const oneHots = prior.sample([shown], s);
      return { images: model.decodeOneHot(oneHots).dataSync() as Float32Array, codes: tf.argMax(oneHots, -1).dataSync() as Int32Array };
    });
    let novel = 0;
    for (let r = 0; r < shown; r++) if (!seen.has(codes.codes.subarray(r * n, (r + 1) * n).join(','))) novel++;
    return { ...s, images: codes.images, novel: novel / shown };
  });
  const uniformImages = tf.tidy(() => model.decodeOneHot(oneHotCodes(tf.cast(tf.floor(tf.randomUniform([shown, n], 0, k - 1e-3, 'float32', 33)), 'int32'), k)).dataSync() as Float32Array);
  const recon = tf.tidy(() => {
    const x = tf.tensor2d(xTest.subarray(0, 16 * D), [16, D]);
    return model.decodeOneHot(oneHotCodes(model.encodeCodes(x), k)).dataSync() as Float32Array;
  });

  {
    const grid = 8 * 58;
    const fig = new Figure(40 + 3 * grid + 40, 240 + grid + 20);
    fig.text(20, 10, `VQ-VAE (${n} CODES OF ${k}) + CAUSAL TRANSFORMER PRIOR. TOP: TEST DIGITS AND THEIR VQ-VAE RECONSTRUCTIONS`, [20, 20, 20], 1);
    drawDigits(fig, 20, 30, xTest.subarray(0, 16 * D), 16, 16);
    drawDigits(fig, 20, 100, recon, 16, 16);
    const y0 = 200;
    const titles = [
      `NEW DIGITS: CODES FROM THE PRIOR, T = 1 (${testBits.toFixed(2)} BITS/CODE)`,
      'NEW DIGITS: T = 0.8, TOP-K 8',
      `CODES FROM THE UNIFORM PRIOR (${uniformBits.toFixed(0)} BITS/CODE)`,
    ];
    [samples[0]!.images, samples[1]!.images, uniformImages].forEach((images, i) => {
      fig.text(20 + i * (grid + 20), y0 + 10, titles[i]!, [20, 20, 20], 1);
      drawDigits(fig, 20 + i * (grid + 20), y0 + 30, images, shown, 8);
    });
    fig.save(join(o.outDir, 'vq-prior-samples.png'));
  }
  priorCurve(join(o.outDir, 'vq-prior-curve.png'), priorRun.curve, { uniform: uniformBits, unigram: unigramBits, test: testBits });

  const summary = {
    model: `VQ-VAE ${n}x${k} codes + causal transformer prior`,
    codes: n,
    codebookSize: k,
    codeDim: dim,
    vqSteps: vqRun.steps,
    vqTrainSeconds: Number(vqRun.seconds.toFixed(1)),
    vqBatch: batchSize,
    vqEpochs: Number(((vqRun.steps * batchSize) / nTrain).toFixed(2)),
    testReconstructionNll: Number(nll.toFixed(2)),
    codesInUse: used,
    priorSteps: priorRun.steps,
    priorTrainSeconds: Number(priorRun.seconds.toFixed(1)),
    priorBatch,
    priorEpochs: Number(((priorRun.steps * priorBatch) / nTrain).toFixed(2)),
    priorParameters: transformer.variables.reduce((s, v) => s + v.size, 0),
    testBitsPerCode: Number(testBits.toFixed(3)),
    trainBitsPerCode: Number(trainBits.toFixed(3)),
    uniformBitsPerCode: Number(uniformBits.toFixed(3)),
    perPositionFrequencyBitsPerCode: Number(unigramBits.toFixed(3)),
    testBitsPerImage: Number((testBits * n).toFixed(1)),
    samples: samples.map((s) => ({ temperature: s.temperature, topK: s.topK ?? k, seed: s.seed, novelCodeSequences: s.novel })),
    note: 'bits per code: −log2 p(c)/N of the test images\' codes under the prior; the uniform prior needs log2 K. novelCodeSequences: the fraction of sampled code sequences that no training image has.',
  };
  // the VQ-VAE (weights, EMA codebook state) and the prior in one checkpoint: model.json + weights.bin
  const modelDir = join(o.outDir, 'models', 'vq-vae-prior');
  await saveState(composeState({ vqvae: model.state, prior }), `file://${modelDir}`, {
    metadata: { architecture: { codes: n, codebookSize: k, dim, hidden: 256, transformer: { length: n, classes: k, width: 48, heads: 4, layers: 2, mlpRatio: 2 } }, testBitsPerCode: summary.testBitsPerCode, backend: tf.getBackend() },
  });
  console.log(`${label} + prior saved with saveState to ${modelDir} (vqvae/…, prior/network/…; metadata.architecture rebuilds them)`);
  transformer.dispose();
  model.dispose();
  return { ...summary, saved: modelDir };
}

/** The prior's training loss in bits per code, with the uniform and per-position baselines and the test value. */
function priorCurve(path: string, curve: Curve[], lines: { uniform: number; unigram: number; test: number }) {
  const W = 800, H = 420, L = 70, T = 50, PW = 660, PH = 300;
  const fig = new Figure(W, H);
  fig.text(L, 14, 'TRANSFORMER PRIOR: TRAINING CROSS-ENTROPY, BITS PER CODE', [20, 20, 20], 2);
  const hi = Math.ceil(lines.uniform + 0.5);
  const lo = 0;
  const maxStep = Math.max(1, curve.at(-1)?.step ?? 1);
  const y = (v: number) => T + PH - (PH * (Math.min(Math.max(v, lo), hi) - lo)) / (hi - lo);
  fig.line(L, T, L, T + PH, [60, 60, 60]);
  fig.line(L, T + PH, L + PW, T + PH, [60, 60, 60]);
  for (let t = 0; t <= hi; t++) {
    fig.line(L - 4, y(t), L + PW, y(t), [225, 225, 225]);
    fig.text(40, y(t) - 3, String(t));
  }
  for (let t = 0; t <= 4; t++) fig.text(L + (PW * t) / 4 - 10, T + PH + 8, String(Math.round((maxStep * t) / 4)));
  fig.text(L + PW / 2 - 20, T + PH + 24, 'STEP');
  const guides: [string, number, RGB][] = [
    [`UNIFORM PRIOR LOG2 K = ${lines.uniform.toFixed(2)}`, lines.uniform, [150, 150, 150]],
    [`PER-POSITION FREQUENCIES ${lines.unigram.toFixed(2)}`, lines.unigram, [230, 140, 30]],
    [`TEST ${lines.test.toFixed(2)}`, lines.test, [200, 60, 40]],
  ];
  guides.forEach(([text, v, color]) => {
    for (let px = L; px < L + PW; px += 8) fig.line(px, y(v), px + 4, y(v), color);
    fig.text(L + PW - 250, y(v) - 10, text, color);
  });
  let prev: [number, number] | undefined;
  let smooth: number | undefined;
  const blue: RGB = [33, 113, 181];
  for (const c of curve) {
    smooth = smooth === undefined ? c.metric : 0.9 * smooth + 0.1 * c.metric;
    const px = L + (PW * c.step) / maxStep;
    fig.dot(px, y(c.metric), blue, 0.15, 0);
    if (prev) fig.line(prev[0], prev[1], px, y(smooth), blue);
    prev = [px, y(smooth)];
  }
  fig.save(path);
}
