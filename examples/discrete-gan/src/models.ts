/**
 * The two networks: an autoregressive GRU generator that emits one token per position, and an MLP
 * discriminator that reads a whole sequence of (relaxed or exact) one-hot vectors.
 *
 * The generator can run three ways, all from the same weights:
 *  - `relaxed`: each position's token is a Gumbel-softmax sample (soft, or hard with straight-through), fed
 *    back as the next input, so the sequence is a differentiable function of the weights (Kusner &
 *    Hernández-Lobato 2016);
 *  - `sample`: exact token samples by Gumbel-max, no gradient (evaluation, and REINFORCE's draws);
 *  - `logProb`: log p(x) = Σ_t log p(x_t | x_<t) by teacher forcing, for the score-function estimator.
 *
 * @see Cho et al. 2014, arXiv:1406.1078 (the GRU) · Jang, Gu & Poole 2017, arXiv:1611.01144 (Gumbel-softmax)
 * @see Kusner & Hernández-Lobato 2016, arXiv:1611.04051 (a GAN over tokens through Gumbel-softmax)
 * @see Yu et al. 2017, "SeqGAN", arXiv:1609.05473 (a token GAN trained by policy gradient)
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { mulberry32 } from '@genmod-internal/core';
import { gumbelMax, gumbelSoftmax, sampleGumbel } from '@genmod/gumbel';
import { deriveSeed, type Distribution } from '@genmod/reparam';

/** Glorot-uniform weights from a seeded host RNG (the same numbers on every backend). */
function glorot(rows: number, cols: number, u: () => number, gain = 1): Tensor {
  const a = gain * Math.sqrt(6 / (rows + cols));
  return tf.tensor2d(Float32Array.from({ length: rows * cols }, () => (2 * u() - 1) * a), [rows, cols]);
}

/** Makes variables inside a tidy so the initial values are freed (tf.variable(t) keeps t alive otherwise). */
function variables(make: () => Tensor[]): tf.Variable[] {
  return tf.tidy(() => make().map((t) => tf.variable(t)));
}

/** One-hot float32 rows of int32 indices (int32 then cast: tfjs-backend-wasm 4.22's float32 OneHot is broken). */
export function oneHot(indices: Tensor, depth: number): Tensor {
  return tf.tidy(() => tf.cast(tf.oneHot(indices, depth), 'float32'));
}

export interface GeneratorConfig {
  /** the vocabulary size K */
  vocab: number;
  /** the sequence length T */
  length: number;
  /** the GRU state size; default 64 */
  hidden?: number;
  /** the size of the latent noise z that sets the initial state; default 16 (0: h₀ = 0, no latent) */
  latent?: number;
  /** the weight-initialization seed */
  seed: number;
}

/** Options of {@link GruGenerator.relaxed}. */
export interface RelaxedOptions {
  /** the Gumbel-softmax temperature τ > 0 */
  temperature: number;
  /** straight-through: exact one-hot forward, soft gradient */
  hard: boolean;
  /** the seed of the Gumbel noise (vary it per step) */
  seed: number;
}

/**
 * An autoregressive GRU generator over K tokens and T positions, in plain tfjs over Variables:
 *
 *   z ~ N(0, I),  h₀ = tanh(z W_z + b_z),  x₀ = 0,  h_t = GRU(x_{t−1}, h_{t−1}),
 *   logits_t = h_t W_o + b_o,  x_t ~ Categorical(softmax(logits_t))
 *
 * The latent z (as in Kusner & Hernández-Lobato 2016, whose LSTM starts from noise) lets the generator be
 * nearly deterministic given z and still diverse. Methods take the latent batch z `[B, latent]` (from
 * {@link GruGenerator.latent}) and, optionally, the weights, so the score-function estimator can
 * differentiate log p(x | z) with respect to them. `variables` are [W_x (K×3H), W_h (H×3H), b (3H),
 * W_o (H×K), b_o (K)] and, with a latent, [W_z (L×H), b_z (H)].
 */
export class GruGenerator {
  readonly vocab: number;
  readonly length: number;
  readonly hidden: number;
  readonly latentSize: number;
  readonly variables: tf.Variable[];

  constructor(config: GeneratorConfig) {
    this.vocab = config.vocab;
    this.length = config.length;
    this.hidden = config.hidden ?? 64;
    this.latentSize = config.latent ?? 16;
    const { vocab: k, hidden: h, latentSize: l } = this;
    const u = mulberry32(config.seed);
    this.variables = variables(() => [
      glorot(k, 3 * h, u),
      glorot(h, 3 * h, u),
      tf.zeros([3 * h]),
      glorot(h, k, u),
      tf.zeros([k]),
      ...(l > 0 ? [glorot(l, h, u), tf.zeros([h])] : []),
    ]);
  }

  /** A batch of latent noise z ~ N(0, I), `[batch, latent]` (`[batch, 0]` without a latent). */
  latent(batch: number, seed: number): Tensor {
    return this.latentSize > 0 ? tf.randomNormal([batch, this.latentSize], 0, 1, 'float32', seed) : tf.zeros([batch, 0]);
  }

  /** One GRU update (Cho et al. 2014): z, r gates, candidate n, h' = n + z ⊙ (h − n). */
  private step(w: Tensor[], x: Tensor, h: Tensor): Tensor {
    const [wx, wh, b] = w as [Tensor, Tensor, Tensor];
    const H = this.hidden;
    const gx = tf.add(tf.matMul(x, wx), b);
    const gh = tf.matMul(h, wh);
    const zr = tf.sigmoid(tf.add(tf.slice(gx, [0, 0], [-1, 2 * H]), tf.slice(gh, [0, 0], [-1, 2 * H])));
    const z = tf.slice(zr, [0, 0], [-1, H]);
    const r = tf.slice(zr, [0, H], [-1, H]);
    const n = tf.tanh(tf.add(tf.slice(gx, [0, 2 * H], [-1, H]), tf.mul(r, tf.slice(gh, [0, 2 * H], [-1, H]))));
    return tf.add(n, tf.mul(z, tf.sub(h, n)));
  }

  private logits(w: Tensor[], h: Tensor): Tensor {
    return tf.add(tf.matMul(h, w[3]!), w[4]!);
  }

  /**
   * Runs the generator from latents z `[B, latent]`, choosing each token with `choose(logits_t, t)` (a
   * [B, K] one-hot or relaxed one-hot that is fed back as the next input). Returns the chosen vectors
   * [B, T, K].
   */
  private unroll(w: Tensor[], z: Tensor, choose: (logits: Tensor, t: number) => Tensor): Tensor {
    const batch = z.shape[0]!;
    let x = tf.zeros([batch, this.vocab]);
    let h = this.latentSize > 0 ? tf.tanh(tf.add(tf.matMul(z, w[5]!), w[6]!)) : tf.zeros([batch, this.hidden]);
    const ys: Tensor[] = [];
    for (let t = 0; t < this.length; t++) {
      h = this.step(w, x, h);
      x = choose(this.logits(w, h), t);
      ys.push(x);
    }
    return tf.stack(ys, 1);
  }

  /**
   * Relaxed sequences [B, T, K] from latents z: each position a Gumbel-softmax sample at temperature τ (rows
   * on the simplex, or exact one-hots with `hard`), differentiable with respect to the weights.
   */
  relaxed(z: Tensor, options: RelaxedOptions, weights: Tensor[] = this.variables): Tensor {
    return tf.tidy(() => {
      const noise = tf.unstack(sampleGumbel([this.length, z.shape[0]!, this.vocab], { seed: options.seed }));
      return this.unroll(weights, z, (logits, t) => gumbelSoftmax(logits, { temperature: options.temperature, hard: options.hard, noise: noise[t]! }));
    });
  }

  /** Exact token samples int32 [B, T] from latents z, by Gumbel-max with noise seeded by `seed` (no gradient). */
  sample(z: Tensor, seed: number, weights: Tensor[] = this.variables): Tensor {
    return tf.tidy(() => {
      const noise = tf.unstack(sampleGumbel([this.length, z.shape[0]!, this.vocab], { seed }));
      const hot = this.unroll(weights, z, (logits, t) => oneHot(gumbelMax(logits, { noise: noise[t]! }), this.vocab));
      return tf.cast(tf.argMax(hot, -1), 'int32');
    });
  }

  /** log p(x | z) [B] of token sequences int32 [B, T] given latents z [B, latent], by teacher forcing. */
  logProb(tokens: Tensor, z: Tensor, weights: Tensor[] = this.variables): Tensor {
    return tf.tidy(() => {
      const hot = oneHot(tokens, this.vocab); // [B, T, K]
      const steps = tf.unstack(hot, 1);
      const lps: Tensor[] = [];
      this.unroll(weights, z, (logits, t) => {
        lps.push(tf.sum(tf.mul(tf.logSoftmax(logits), steps[t]!), -1));
        return steps[t]!;
      });
      return tf.addN(lps);
    });
  }

  /**
   * The generator as a {@link Distribution} over sequences for the score-function estimator: the i-th of n
   * draws is x_i ~ p_θ(x | z_i) with the caller's latent row z_i, and `logProb(x)` is log p_θ(x_i | z_i)
   * `[n]`. The pairs (z_i, x_i) are i.i.d. draws of the joint p(z)·p_θ(x | z), whose log-density differs
   * from log p_θ(x | z) by log p(z), free of θ: so (1/n)·Σ (f(x_i) − b_i)·∇_θ log p_θ(x_i | z_i) is the
   * unbiased score-function estimate of ∇_θ E[f(x)]. Sample shapes other than [n] are refused.
   */
  distribution(z: Tensor, weights: Tensor[] = this.variables): Distribution {
    const n = z.shape[0]!;
    const check = (what: string, shape: readonly number[]) => {
      if (shape.length !== 1 || shape[0] !== n) throw new Error(`GruGenerator.distribution: ${what} must be [${n}] (one per latent row), got [${shape.join(', ')}]`);
    };
    return {
      family: 'GruSequence',
      batchShape: [],
      eventShape: [this.length],
      support: 'index',
      sample: (sampleShape = [n], options = {}) => {
        check('sampleShape', sampleShape);
        // the one seed scheme: any number (0 included) or string becomes the generator's integer seed
        const seed = deriveSeed(options.seed ?? Math.random(), 'tokens');
        return this.sample(z, seed, weights);
      },
      logProb: (x) => {
        check('the leading shape of x', (x as Tensor).shape.slice(0, -1));
        return this.logProb(x as Tensor, z, weights);
      },
    };
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

export interface DiscriminatorConfig {
  vocab: number;
  length: number;
  /** hidden width; default 128 */
  hidden?: number;
  seed: number;
}

/**
 * An MLP discriminator over flattened sequences: [B, T, K] ↦ logits [B]; two leaky-ReLU(0.2) hidden layers.
 * It reads exact one-hots (data, hard samples) and relaxed ones (soft Gumbel-softmax) alike.
 */
export class MlpDiscriminator {
  readonly variables: tf.Variable[];

  constructor(config: DiscriminatorConfig) {
    const d = config.vocab * config.length;
    const h = config.hidden ?? 128;
    const u = mulberry32(config.seed);
    this.variables = variables(() => [glorot(d, h, u), tf.zeros([h]), glorot(h, h, u), tf.zeros([h]), glorot(h, 1, u), tf.zeros([1])]);
  }

  /** Logits [B] of "x is real" for x [B, T, K]. */
  logits(x: Tensor): Tensor {
    return tf.tidy(() => {
      const [w1, b1, w2, b2, w3, b3] = this.variables as Tensor[] as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      const flat = tf.reshape(x, [x.shape[0]!, -1]);
      const h1 = tf.leakyRelu(tf.add(tf.matMul(flat, w1), b1), 0.2);
      const h2 = tf.leakyRelu(tf.add(tf.matMul(h1, w2), b2), 0.2);
      return tf.reshape(tf.add(tf.matMul(h2, w3), b3), [-1]);
    });
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
