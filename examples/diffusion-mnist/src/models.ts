/**
 * The example's three networks, plain functions over tf.Variables named by structure (so `saveState` /
 * `loadState` carry them through any tf.io handler, and the browser page rebuilds the denoiser from the
 * architecture in the saved metadata):
 *
 * - {@link classConditionalNet}: the class-conditional MLP shared by the diffusion denoiser (ε-prediction,
 *   `(x_t, t, class) ↦ ε̂`, t an integer timestep in [0, 1000)) and the flow-matching velocity net
 *   (`(x, t, class) ↦ v̂`, t ∈ [0, 1], embedded as 1000·t). x is a flattened 28 × 28 image in [−1, 1];
 *   the class is 0 … 9, or {@link NULL_CLASS} = 10, the "no condition" of classifier-free guidance:
 *
 *     e  = W_t·silu(W_e·emb(t) + b_e) + b_t + E[class]          (emb: sinusoidal, 128-d; W_e 128 × 128; E: 11 × H)
 *     h₀ = silu(W_in·x + b_in + e)
 *     hᵢ = hᵢ₋₁ + silu(LN(Wᵢ·hᵢ₋₁ + bᵢ + e))                    (i = 1 … blocks, residual)
 *     out = W_out·h + b_out + (w_s·silu(e) + b_s)·x               (W_out, b_out, w_s, b_s zero-initialized)
 *
 * The last term is a learned skip from the input, one scalar per example from (t, class): the target ε (or v)
 * has a full-rank component proportional to x_t (ε̂ = x_t/√(1 − ᾱ) − √(ᾱ/(1 − ᾱ))·x̂₀), which a 784 → H → 784
 * MLP with H < 784 cannot pass through its hidden layers (without it the loss stalls near 0.6).
 *
 * - {@link mnistClassifier}: an MLP 784-256-128-10 (ReLU) whose 128-d penultimate layer gives the features
 *   of the Fréchet distance and KID.
 *
 * - {@link sampleDigits}: class-conditional digits from the denoiser with DPM-Solver++(2M) and classifier-free
 *   guidance, as the browser page samples them.
 *
 * No Node imports here: examples/browser imports this file.
 */
import * as tf from '@tensorflow/tfjs';
import { classifierFreeGuidance, dpmSolverSample, linearSchedule, respace, trailingTimesteps, type SamplerStep } from '@genmod/diffusion';

/** The class index meaning "no condition" (classifier-free guidance's ∅). */
export const NULL_CLASS = 10;

/** What rebuilds a {@link classConditionalNet}: stored in the saved files' metadata. */
export interface NetArchitecture {
  /** width of the hidden layers */
  hidden: number;
  /** residual blocks after the input layer */
  blocks: number;
  /** dimension of the sinusoidal time embedding */
  timeEmbedding: number;
  /** multiplies t before the embedding: 1 for integer diffusion timesteps, 1000 for flow time in [0, 1] */
  timeScale: number;
}

/** The denoiser the example trains and the browser ships (0.87 M parameters: 1.7 MB in float16). */
export const DENOISER_ARCHITECTURE: NetArchitecture = { hidden: 352, blocks: 2, timeEmbedding: 128, timeScale: 1 };
/** The flow-matching velocity net: the same network, its time t ∈ [0, 1] scaled to [0, 1000]. */
export const VELOCITY_ARCHITECTURE: NetArchitecture = { ...DENOISER_ARCHITECTURE, timeScale: 1000 };

export interface ClassConditionalNet {
  architecture: NetArchitecture;
  /** `(x [B, 784], t [B], class [B] (int, 10 = null)) ↦ [B, 784]` */
  apply(x: tf.Tensor, t: tf.Tensor, label: tf.Tensor): tf.Tensor;
  /** every variable by structural name (`in/w`, `block/0/w`, …) */
  variables: Record<string, tf.Variable>;
  dispose(): void;
}

const silu = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x));

/** A seeded dense layer (PyTorch's default init: U(±1/√fan_in)), or zeros. */
function dense(fanIn: number, fanOut: number, seed: number, zero = false): { w: tf.Variable; b: tf.Variable } {
  return tf.tidy(() => {
    const bound = 1 / Math.sqrt(fanIn);
    const w = zero ? tf.zeros([fanIn, fanOut]) : tf.randomUniform([fanIn, fanOut], -bound, bound, 'float32', seed);
    const b = zero ? tf.zeros([fanOut]) : tf.randomUniform([fanOut], -bound, bound, 'float32', seed + 1);
    return { w: tf.variable(w), b: tf.variable(b) };
  });
}

const affine = (l: { w: tf.Tensor; b: tf.Tensor }, x: tf.Tensor) => tf.add(tf.matMul(x, l.w), l.b);

/** Layer norm over the last axis, without learned scale (the next layer has its own). */
function layerNorm(x: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
}

/** The sinusoidal embedding of t (float32 [B]): [cos(t·f_j) | sin(t·f_j)], f_j = 10000^(−j/half). */
function timeEmbedding(t: tf.Tensor, dim: number): tf.Tensor {
  const half = dim / 2;
  const freqs = tf.tensor2d(Float32Array.from({ length: half }, (_, j) => Math.exp((-Math.log(10000) * j) / half)), [1, half]);
  const args = tf.mul(tf.reshape(t, [-1, 1]), freqs);
  return tf.concat([tf.cos(args), tf.sin(args)], 1);
}

/** The class-conditional MLP (see the file's header), seeded. */
export function classConditionalNet(architecture: NetArchitecture, seed = 1): ClassConditionalNet {
  const { hidden: H, blocks, timeEmbedding: E } = architecture;
  const layers = {
    'time/0': dense(E, E, seed * 1000 + 10),
    'time/1': dense(E, H, seed * 1000 + 20),
    in: dense(784, H, seed * 1000 + 30),
    ...Object.fromEntries(Array.from({ length: blocks }, (_, i) => [`block/${i}`, dense(H, H, seed * 1000 + 40 + 10 * i)])),
    out: dense(H, 784, 0, true),
    skip: dense(H, 1, 0, true),
  } as Record<string, { w: tf.Variable; b: tf.Variable }>;
  const classEmbedding = tf.tidy(() => tf.variable(tf.randomNormal([NULL_CLASS + 1, H], 0, 1 / Math.sqrt(H), 'float32', seed * 1000 + 5)));
  const variables: Record<string, tf.Variable> = { 'class/embedding': classEmbedding };
  for (const [name, l] of Object.entries(layers)) {
    variables[`${name}/w`] = l.w;
    variables[`${name}/b`] = l.b;
  }
  const apply = (x: tf.Tensor, t: tf.Tensor, label: tf.Tensor) =>
    tf.tidy(() => {
      const tt = tf.mul(tf.cast(t, 'float32'), architecture.timeScale);
      const c = tf.cast(label, 'int32');
      const e = tf.add(affine(layers['time/1']!, silu(affine(layers['time/0']!, timeEmbedding(tt, E)))), tf.matMul(tf.oneHot(c, NULL_CLASS + 1), classEmbedding)); // one-hot · E: gather's gradient (UnsortedSegmentSum) is not in the wasm backend
      let h = silu(tf.add(affine(layers.in!, x), e));
      for (let i = 0; i < blocks; i++) h = tf.add(h, silu(layerNorm(tf.add(affine(layers[`block/${i}`]!, h), e))));
      // the input skip: ε (or v) has a full-rank component along x itself, which a 784 → H < 784 → 784 MLP cannot pass
      return tf.add(affine(layers.out!, h), tf.mul(affine(layers.skip!, silu(e)), x));
    });
  return { architecture, apply, variables, dispose: () => Object.values(variables).forEach((v) => v.dispose()) };
}

/** The classifier: logits and the 128-d penultimate features. */
export interface MnistClassifier {
  /** x [B, 784] in [−1, 1] ↦ logits [B, 10] */
  logits(x: tf.Tensor): tf.Tensor;
  /** x [B, 784] in [−1, 1] ↦ the penultimate ReLU activations [B, 128] (FID/KID features) */
  features(x: tf.Tensor): tf.Tensor;
  variables: Record<string, tf.Variable>;
  dispose(): void;
}

/** An MLP 784-256-128-10 with ReLU, seeded. */
export function mnistClassifier(seed = 7): MnistClassifier {
  const l = [dense(784, 256, seed * 100 + 1), dense(256, 128, seed * 100 + 3), dense(128, 10, seed * 100 + 5)];
  const variables = Object.fromEntries(l.flatMap((d, i) => [[`${i}/w`, d.w], [`${i}/b`, d.b]])) as Record<string, tf.Variable>;
  const features = (x: tf.Tensor) => tf.tidy(() => tf.relu(affine(l[1]!, tf.relu(affine(l[0]!, x)))));
  return {
    features,
    logits: (x) => tf.tidy(() => affine(l[2]!, features(x))),
    variables,
    dispose: () => Object.values(variables).forEach((v) => v.dispose()),
  };
}

/**
 * Exponential moving average of variables (the weights diffusion models are sampled with): after each step,
 * shadow ← d·shadow + (1 − d)·w with d = min(decay, (1 + n)/(10 + n)) at update n (counted from `start`), the warm-up
 * that keeps the initial weights from lingering in the average.
 */
export function ema(variables: Record<string, tf.Variable>, decay: number, start = 0): { update(): void; shadow: Record<string, tf.Variable>; dispose(): void } {
  let n = start;
  const shadow = Object.fromEntries(Object.entries(variables).map(([n, v]) => [n, tf.variable(tf.clone(v), false)])) as Record<string, tf.Variable>;
  return {
    shadow,
    update: () =>
      tf.tidy(() => {
        const d = Math.min(decay, (1 + n) / (10 + n));
        n++;
        for (const [name, v] of Object.entries(variables)) shadow[name]!.assign(tf.add(tf.mul(shadow[name]!, d), tf.mul(v, 1 - d)));
      }),
    dispose: () => Object.values(shadow).forEach((v) => v.dispose()),
  };
}

/** A record of variables as a Stateful object for saveState / loadState (names, shapes and dtypes checked). */
export function variablesState(variables: Record<string, tf.Variable>): { getState(): Record<string, tf.Tensor>; loadState(state: Record<string, tf.Tensor>): void } {
  const describe = (t: tf.Tensor) => `${t.dtype}[${t.shape.join(', ')}]`;
  return {
    getState: () => ({ ...variables }),
    loadState(state) {
      const problems = [
        ...Object.keys(variables).filter((n) => !(n in state)).map((n) => `missing '${n}'`),
        ...Object.keys(state).filter((n) => !(n in variables)).map((n) => `unexpected '${n}'`),
        ...Object.entries(variables).filter(([n, v]) => n in state && (state[n]!.dtype !== v.dtype || !tf.util.arraysEqual(state[n]!.shape, v.shape)))
          .map(([n, v]) => `mismatched '${n}': expected ${describe(v)}, got ${describe(state[n]!)}`),
      ];
      if (problems.length > 0) throw new Error(`loadState: the state does not fit this model (nothing was loaded): ${problems.join('; ')}`);
      for (const [n, v] of Object.entries(variables)) if (state[n] !== v) v.assign(state[n]!);
    },
  };
}

/** Reads an architecture back from saved metadata, checking every field. */
export function architectureFromMetadata(metadata: unknown): NetArchitecture {
  const a = (metadata as { architecture?: Record<string, unknown> } | undefined)?.architecture;
  const keys = ['hidden', 'blocks', 'timeEmbedding', 'timeScale'] as const;
  if (a === undefined || a === null || typeof a !== 'object' || keys.some((k) => typeof a[k] !== 'number' || !(Number(a[k]) > 0))) {
    throw new Error(`architectureFromMetadata: metadata.architecture must be { hidden, blocks, timeEmbedding, timeScale } (positive numbers), got ${JSON.stringify(a)}`);
  }
  return { hidden: Number(a.hidden), blocks: Number(a.blocks), timeEmbedding: Number(a.timeEmbedding), timeScale: Number(a.timeScale) };
}

/** The denoiser's schedule: DDPM's linear β from 1e-4 to 0.02, T = 1000 (what `npm run train` trains on). */
export const denoiserSchedule = () => linearSchedule(1000);

/** Options of {@link sampleDigits}. */
export interface SampleDigitsOptions {
  /** the class of each sample, 0 … 9 (`[B]`) */
  labels: number[];
  /** DPM-Solver++(2M) steps over trailing timesteps = network evaluations (each one call on the guided pair) */
  steps: number;
  /** guidance scale w: ε̂ = ε̂(x, t, ∅) + w·(ε̂(x, t, c) − ε̂(x, t, ∅)); 1 is the conditional model, 0 the unconditional one */
  guidance: number;
  seed: number;
  signal?: AbortSignal;
}

/**
 * Class-conditional digits from the denoiser: DPM-Solver++(2M) (Lu et al. 2022) over `steps` trailing timesteps of
 * the linear schedule, x̂₀ clipped to [−1, 1], the denoiser guided by `classifierFreeGuidance` (Ho & Salimans 2022).
 * An async iteration of the sampler's steps (`x`, `predX0` of shape [B, 784] in [−1, 1]); the final `x` is the
 * caller's. The labels tensor it makes is freed when the iteration ends, however it ends.
 */
export async function* sampleDigits(net: ClassConditionalNet, options: SampleDigitsOptions): AsyncGenerator<SamplerStep, void, void> {
  const labels = tf.tensor1d(options.labels, 'int32');
  try {
    const denoiser = classifierFreeGuidance((x, t, c) => net.apply(x, t, c), labels, { scale: options.guidance, nullCondition: NULL_CLASS });
    const schedule = respace(denoiserSchedule(), trailingTimesteps(1000, options.steps));
    yield* dpmSolverSample(denoiser, [options.labels.length, 784], schedule, { order: 2, clipX0: true, seed: options.seed, signal: options.signal });
  } finally {
    labels.dispose();
  }
}
