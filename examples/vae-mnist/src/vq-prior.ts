/**
 * The two stages of the VQ-VAE recipe on MNIST, as plain functions over tf.Variables:
 *
 * 1. a VQ-VAE: encoder 784-256-(N·D) read as N vectors of dimension D, each snapped to the nearest of K
 *    codes of an EMA codebook (`VectorQuantizer`, straight-through gradients, commitment loss), decoder
 *    (N·D)-256-784 with a Bernoulli likelihood;
 * 2. a causal transformer over the N code indices of each image (masked self-attention with `causalMask`,
 *    pre-layer-norm blocks, teacher forcing), wrapped by `autoregressivePrior` into p(c) = Π_n p(c_n | c_<n):
 *    trained by cross-entropy on the codes of the training images, sampled one code at a time (Gumbel-max
 *    with temperature and top-k) and decoded into new digits.
 *
 * @see van den Oord, Vinyals & Kavukcuoglu 2017, arXiv:1711.00937 · Ramesh et al. 2021, arXiv:2102.12092 ·
 *      Vaswani et al. 2017, arXiv:1706.03762 · Radford et al. 2019 (GPT-2: pre-layer-norm blocks).
 */
import * as tf from '@tensorflow/tfjs';
import { VectorQuantizer, autoregressivePrior, composeState, deriveSeed, bernoulliLogLikelihood, causalMask, type AutoregressivePrior, type Stateful } from '@genmod/vae';
import { dense } from './models.js';
import { layerVariables, variablesState } from './state.js';

const apply = (l: { w: tf.Tensor; b: tf.Tensor }, x: tf.Tensor) => tf.add(tf.matMul(x, l.w), l.b);

export interface VqVaeOptions {
  /** N: codes per image */
  codes: number;
  /** K: codebook size */
  codebookSize: number;
  /** D: code dimension */
  dim: number;
  hidden?: number;
  seed?: number;
}

export interface VqVae {
  readonly codes: number;
  readonly codebookSize: number;
  readonly vq: VectorQuantizer;
  /** the encoder's and decoder's variables (the codebook is updated by EMA, not by the optimizer) */
  readonly variables: tf.Variable[];
  /** the pre-quantization vectors z_e `[B, N, D]` */
  encode(x: tf.Tensor): tf.Tensor;
  /** Bernoulli logits `[B, 784]` from code vectors `[B, N, D]` */
  decode(z: tf.Tensor): tf.Tensor;
  /** one loss evaluation (inside optimizer.minimize): −log p(x|z_q) per image + the commitment loss summed over the N·D elements */
  objective(x: tf.Tensor): { loss: tf.Scalar; nll: tf.Scalar; zE: tf.Tensor; perplexity: tf.Scalar };
  /** the code indices int32 `[B, N]` */
  encodeCodes(x: tf.Tensor): tf.Tensor;
  /** pixel probabilities `[B, 784]` from one-hot codes `[B, N, K]` */
  decodeOneHot(c: tf.Tensor): tf.Tensor;
  /** −log p(x | z_q(x)) per image `[B]`, in nats */
  reconstructionNll(x: tf.Tensor): tf.Tensor;
  /**
   * everything that trains, for saveState / loadState: `encoder/i/{w,b}`, `decoder/i/{w,b}` and the quantizer's
   * `quantizer/…` (codebook, EMA sums and counts, usage, restart generator)
   */
  readonly state: Stateful;
  dispose(): void;
}

export function vqVae({ codes: n, codebookSize: k, dim, hidden = 256, seed = 100 }: VqVaeOptions): VqVae {
  const enc1 = dense(784, hidden, deriveSeed(seed, 'enc1'));
  const enc2 = dense(hidden, n * dim, deriveSeed(seed, 'enc2'));
  const dec1 = dense(n * dim, hidden, deriveSeed(seed, 'dec1'));
  const dec2 = dense(hidden, 784, deriveSeed(seed, 'dec2'));
  const layers = [enc1, enc2, dec1, dec2];
  const vq = new VectorQuantizer({ codebookSize: k, dim, ema: { decay: 0.95 }, kmeansIterations: 10, deadCodeThreshold: 0.02, seed: deriveSeed(seed, 'codebook') });
  const encode = (x: tf.Tensor) => tf.reshape(apply(enc2, tf.relu(apply(enc1, x))), [-1, n, dim]);
  const decode = (z: tf.Tensor) => apply(dec2, tf.relu(apply(dec1, tf.reshape(z, [-1, n * dim]))));
  const decodeOneHot = (c: tf.Tensor) => tf.sigmoid(decode(tf.reshape(tf.matMul(tf.reshape(c, [-1, k]), vq.codebook), [-1, n, dim])));
  return {
    codes: n,
    codebookSize: k,
    vq,
    variables: layers.flatMap((l) => [l.w, l.b]),
    encode,
    decode,
    objective(x) {
      const zE = encode(x);
      const q = vq.quantize(zE);
      const nll = tf.neg(tf.mean(bernoulliLogLikelihood(x, decode(q.zQ)))) as tf.Scalar;
      return { loss: tf.add(nll, tf.mul(q.loss, n * dim)) as tf.Scalar, nll, zE, perplexity: q.perplexity };
    },
    encodeCodes: (x) => vq.quantize(encode(x)).indices,
    decodeOneHot,
    reconstructionNll: (x) => tf.neg(bernoulliLogLikelihood(x, decode(vq.quantize(encode(x)).zQ))),
    state: composeState({ encoder: variablesState(layerVariables('', [enc1, enc2])), decoder: variablesState(layerVariables('', [dec1, dec2])), quantizer: vq }),
    dispose() {
      tf.dispose(layers.flatMap((l) => [l.w, l.b]));
      vq.dispose();
    },
  };
}

export interface TransformerOptions {
  /** N: sequence length */
  length: number;
  /** K: classes */
  classes: number;
  /** model width; default 48 */
  width?: number;
  /** attention heads; default 4 */
  heads?: number;
  /** blocks; default 2 */
  layers?: number;
  /** the MLP's hidden width as a multiple of the model width; default 2 */
  mlpRatio?: number;
  seed?: number;
}

export interface CausalTransformer {
  /** one-hots `[M, N, K]` ↦ logits `[M, N, K]`; row n depends on c_0..c_{n−1} only */
  network(c: tf.Tensor): tf.Tensor;
  readonly variables: tf.Variable[];
  /** p(c) = Π_n p(c_n | c_<n) over this network; Stateful: its variables as `network/embed`, `network/block0.qkv.w`, … */
  readonly prior: AutoregressivePrior;
  dispose(): void;
}

/**
 * A small decoder-only transformer: h⁰_n = E·c_{n−1} + P_n (c_{−1} a learned start vector), then per block
 * h ← h + MHA(LN(h)) with the causal mask, h ← h + MLP(LN(h)); logits = LN(h)·W. The output layer starts at
 * zero, so the untrained prior is uniform (log₂ K bits per code).
 */
export function causalTransformer({ length: n, classes: k, width: d = 48, heads = 4, layers = 2, mlpRatio = 2, seed = 200 }: TransformerOptions): CausalTransformer {
  if (d % heads !== 0) throw new Error(`causalTransformer: width ${d} must be divisible by heads ${heads}`);
  const dh = d / heads;
  let s = seed;
  const normal = (shape: number[], std: number) => tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, std, 'float32', s++)));
  const zeros = (shape: number[]) => tf.tidy(() => tf.variable(tf.zeros(shape)));
  const ones = (shape: number[]) => tf.tidy(() => tf.variable(tf.ones(shape)));
  const embed = normal([k, d], 0.1);
  const start = normal([1, 1, d], 0.1);
  const position = normal([n, d], 0.1);
  const blocks = Array.from({ length: layers }, () => ({
    ln1: { g: ones([d]), b: zeros([d]) },
    qkv: { w: normal([d, 3 * d], 1 / Math.sqrt(d)), b: zeros([3 * d]) },
    proj: { w: normal([d, d], 0.5 / Math.sqrt(d * layers)), b: zeros([d]) },
    ln2: { g: ones([d]), b: zeros([d]) },
    fc1: { w: normal([d, mlpRatio * d], 1 / Math.sqrt(d)), b: zeros([mlpRatio * d]) },
    fc2: { w: normal([mlpRatio * d, d], 0.5 / Math.sqrt(mlpRatio * d * layers)), b: zeros([d]) },
  }));
  const lnF = { g: ones([d]), b: zeros([d]) };
  const out = { w: zeros([d, k]), b: zeros([k]) };
  const mask = causalMask(n);
  const variables = [
    embed,
    start,
    position,
    ...blocks.flatMap((b) => [b.ln1.g, b.ln1.b, b.qkv.w, b.qkv.b, b.proj.w, b.proj.b, b.ln2.g, b.ln2.b, b.fc1.w, b.fc1.b, b.fc2.w, b.fc2.b]),
    lnF.g,
    lnF.b,
    out.w,
    out.b,
  ];

  // the variables by structural name: the prior's state (`network/<name>`) for saveState / loadState
  const named: Record<string, tf.Variable> = { embed, start, position };
  blocks.forEach((b, i) => {
    for (const [part, p] of Object.entries(b)) for (const [key, v] of Object.entries(p)) named[`block${i}.${part}.${key}`] = v;
  });
  Object.assign(named, { 'final.ln.g': lnF.g, 'final.ln.b': lnF.b, 'out.w': out.w, 'out.b': out.b });

  const layerNorm = (x: tf.Tensor, p: { g: tf.Tensor; b: tf.Tensor }) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), p.g), p.b);
  };
  /** rows [M·N, d] ↦ through a dense layer */
  const linear = (x: tf.Tensor, p: { w: tf.Tensor; b: tf.Tensor }) => tf.add(tf.matMul(x, p.w), p.b);
  /** [M·N, d] ↦ [M·H, N, dh] */
  const splitHeads = (x: tf.Tensor, m: number) => tf.reshape(tf.transpose(tf.reshape(x, [m, n, heads, dh]), [0, 2, 1, 3]), [m * heads, n, dh]);

  const network = (c: tf.Tensor): tf.Tensor => {
    const m = c.shape[0]!;
    const e = tf.reshape(tf.matMul(tf.reshape(c, [m * n, k]), embed), [m, n, d]);
    // shift right behind the start vector: position n sees c_0..c_{n−1}
    const shifted = n === 1 ? tf.tile(start, [m, 1, 1]) : tf.concat([tf.tile(start, [m, 1, 1]), tf.slice(e, [0, 0, 0], [-1, n - 1, -1])], 1);
    let h = tf.reshape(tf.add(shifted, position), [m * n, d]);
    for (const b of blocks) {
      const qkv = linear(layerNorm(h, b.ln1), b.qkv); // [M·N, 3d]
      const [q, kk, v] = tf.split(qkv, 3, 1).map((t) => splitHeads(t, m)) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const scores = tf.add(tf.mul(tf.matMul(q, kk, false, true), 1 / Math.sqrt(dh)), mask); // [M·H, N, N]
      const attended = tf.matMul(tf.softmax(scores), v); // [M·H, N, dh]
      const merged = tf.reshape(tf.transpose(tf.reshape(attended, [m, heads, n, dh]), [0, 2, 1, 3]), [m * n, d]);
      h = tf.add(h, linear(merged, b.proj));
      h = tf.add(h, linear(tf.relu(linear(layerNorm(h, b.ln2), b.fc1)), b.fc2));
    }
    return tf.reshape(linear(layerNorm(h, lnF), out), [m, n, k]);
  };

  return {
    network,
    variables,
    prior: autoregressivePrior(network, { length: n, classes: k, parameters: named }),
    dispose: () => tf.dispose([...variables, mask]),
  };
}

/** One-hots float32 `[B, N, K]` from int32 codes `[B, N]` (int32 oneHot, then cast: wasm's float oneHot is broken). */
export const oneHotCodes = (codes: tf.Tensor, k: number): tf.Tensor => tf.cast(tf.oneHot(codes, k), 'float32');

/** −log₂ p(c) / N averaged over rows of int32 codes `[R, N]`, in chunks: the prior's bits per code. */
export function bitsPerCode(prior: AutoregressivePrior, codes: Int32Array, rows: number, n: number, k: number, chunk = 1000): number {
  let total = 0;
  for (let s = 0; s < rows; s += chunk) {
    const m = Math.min(chunk, rows - s);
    total += tf.tidy(() => tf.sum(prior.logProb(oneHotCodes(tf.tensor2d(codes.subarray(s * n, (s + m) * n), [m, n], 'int32'), k))).dataSync()[0]!);
  }
  return -total / (rows * n * Math.LN2);
}

/**
 * The baseline that ignores the order: independent per-position code frequencies from the training codes
 * (add-one smoothing), scored on other codes, in bits per code.
 */
export function unigramBitsPerCode(train: Int32Array, trainRows: number, test: Int32Array, testRows: number, n: number, k: number): number {
  const counts = new Float64Array(n * k).fill(1);
  for (let r = 0; r < trainRows; r++) for (let i = 0; i < n; i++) counts[i * k + train[r * n + i]!]!++;
  let bits = 0;
  for (let r = 0; r < testRows; r++) for (let i = 0; i < n; i++) bits -= Math.log2(counts[i * k + test[r * n + i]!]! / (trainRows + k));
  return bits / (testRows * n);
}
