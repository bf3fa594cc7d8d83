/**
 * Spectral normalization of a weight by power iteration.
 *
 * @see Miyato, Kataoka, Koyama & Yoshida 2018, "Spectral Normalization for Generative Adversarial
 *   Networks", arXiv:1802.05957, Algorithm 1.
 * @see torch.nn.utils.parametrizations.spectral_norm (the same algorithm; tfjs kernels are [in, out], so
 *   the matrix here is the transpose of PyTorch's and u lives on the output axis as in PyTorch).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { type Seed, checkInteger, checkNumber, checkOptions, checkSeed, fail, mulExpNeg, nonDifferentiable, normalNoise } from '@genmod-internal/core';
import { type StateDict, type Stateful, assignState } from '@genmod-internal/core';

/** Options of {@link spectralNorm}. @since 0.1.0 */
export interface SpectralNormOptions {
  /** power-iteration steps per call. Default 1 (the paper's: u is carried over between training steps). */
  iterations?: number;
  /**
   * added to norms before dividing, in the power iteration on W / max|W| (so relative to the largest |element|
   * of W). Default 1e-12.
   */
  epsilon?: number;
}

/** What {@link spectralNorm} returns; the caller owns the three tensors. @since 0.1.0 */
export interface SpectralNormResult {
  /** W / σ(W), the weight's shape */
  weight: Tensor;
  /** the estimate σ = vᵀ W u of the largest singular value */
  sigma: Scalar;
  /** the updated left vector u, `[out]`: pass it to the next call */
  u: Tensor;
}

function l2normalize(x: Tensor, epsilon: number): Tensor {
  return tf.div(x, tf.add(tf.norm(x), epsilon));
}

function checkWeight(fn: string, weight: unknown): number[] {
  if (!(weight instanceof tf.Tensor) || weight.dtype !== 'float32') fail(fn, 'weight', 'a float32 tensor', weight);
  if (weight.rank < 2) fail(fn, 'weight', 'a kernel of rank ≥ 2 ([in, out], or [kh, kw, in, out]: the last axis is the output)', weight);
  return weight.shape;
}

function powerOptions(fn: string, o: SpectralNormOptions): { iterations: number; epsilon: number } {
  return {
    iterations: o.iterations === undefined ? 1 : checkInteger(fn, 'options.iterations', o.iterations, { min: 1 }),
    epsilon: o.epsilon === undefined ? 1e-12 : checkNumber(fn, 'options.epsilon', o.epsilon, { above: 0 }),
  };
}

/**
 * Spectral normalization: W divided by an estimate of its largest singular value σ(W), so that the layer
 * is (about) 1-Lipschitz. With W as a matrix `[m, n]` (every axis but the last flattened: tfjs kernels are
 * `[in, out]` or `[kh, kw, in, out]`) and u ∈ ℝⁿ from the previous call, one power-iteration step is
 *
 *   v ← W u / ‖W u‖,   u ← Wᵀ v / ‖Wᵀ v‖,   σ = vᵀ W u,   W_SN = W / σ.
 *
 * As in the paper, u and v are constants for differentiation (no gradient flows through the power
 * iteration): ∂σ/∂W = v uᵀ. One step per training step suffices because u is carried over; more
 * `iterations` give an accurate σ from any u. The iteration runs on W / max|W|, so any float32 scale of W
 * (1e−30 to 1e30) gives σ and W/σ to float32 accuracy; W = 0 gives σ = 0 and a zero weight.
 *
 * @param weight the kernel W, rank ≥ 2, float32
 * @param u the current estimate of the top left singular vector, `[n]` (n = the last axis of W), any
 *   non-zero start (e.g. normal noise)
 * @returns `{ weight, sigma, u }`; pass `u` to the next call (see {@link spectralNormalizer} for a helper
 *   that keeps it)
 * @see Miyato et al. 2018, arXiv:1802.05957, Algorithm 1
 * @example
 * ```ts
 * const W = tf.tensor2d([[3, 0], [0, 1]]);
 * const { weight, sigma, u } = spectralNorm(W, tf.tensor1d([1, 1]), { iterations: 20 });
 * sigma.print(); // 3
 * ```
 * @since 0.1.0
 */
export function spectralNorm(weight: Tensor, u: Tensor, options: SpectralNormOptions = {}): SpectralNormResult {
  const fn = 'spectralNorm';
  const shape = checkWeight(fn, weight);
  const n = shape[shape.length - 1]!;
  if (!(u instanceof tf.Tensor) || u.dtype !== 'float32' || u.size !== n) fail(fn, 'u', `a float32 tensor of ${n} elements (the weight's last axis)`, u);
  const o = checkOptions(fn, options, ['iterations', 'epsilon']);
  const { iterations, epsilon } = powerOptions(fn, o);
  return tf.tidy(fn, () => {
    const W = tf.reshape(weight, [-1, n]);
    const m = W.shape[0]!;
    // the power iteration as one node with a zero gradient: u and v are constants for differentiation. It runs
    // on W / max|W| from u0 / max|u0| (u and v do not depend on either scale): in float32, ‖W u‖ of a W at 1e±20
    // squares out of range (σ came out 0, W/σ Infinity or NaN), and the ε of the norms was absolute
    const uv = nonDifferentiable(
      (w0, u0) => {
        const unit = (x: Tensor) => {
          const m = tf.max(tf.abs(x));
          return tf.div(x, tf.where(tf.greater(m, 0), m, tf.onesLike(m)));
        };
        const w = unit(w0);
        let uu = tf.reshape(unit(u0), [n, 1]);
        let vv = tf.zeros([m, 1]);
        for (let i = 0; i < iterations; i++) {
          vv = l2normalize(tf.matMul(w, uu), epsilon);
          uu = l2normalize(tf.matMul(w, vv, true, false), epsilon);
        }
        return tf.concat([tf.reshape(vv, [m]), tf.reshape(uu, [n])]);
      },
      W,
      u,
    );
    const v = tf.reshape(tf.slice(uv, [0], [m]), [m, 1]);
    const uNew = tf.slice(uv, [m], [n]);
    const sigma = tf.reshape(tf.matMul(tf.matMul(v, W, true, false), tf.reshape(uNew, [n, 1])), []) as Scalar;
    // W·e^(−log σ), not W / σ: the gradient of a division squares σ (1e±30 → 0 or Infinity in float32)
    return { weight: mulExpNeg(weight, tf.log(sigma)), sigma, u: tf.reshape(uNew, u.shape) };
  });
}

/** Options of {@link spectralNormalizer}. @since 0.1.0 */
export interface SpectralNormalizerOptions extends SpectralNormOptions {
  /** seed of the initial u ~ N(0, I): a number or a string (unseeded when absent). */
  seed?: Seed;
}

/**
 * A stateful spectral normalization for one weight: it owns u (a non-trainable Variable), and is
 * {@link Stateful}, so a checkpoint carries u and the next power iteration after loading is the same:
 *
 * | name | dtype, shape | what it is |
 * |---|---|---|
 * | `u` | float32 `[out]` | the power-iteration estimate of the top left singular vector, carried between calls |
 *
 * Put several in one checkpoint with `composeState({ '0': sn0, '1': sn1 })` (names `0/u`, `1/u`).
 * @since 0.1.0
 */
export interface SpectralNormalizer extends Stateful {
  /**
   * W / σ(W), updating u by `iterations` power steps. Use inside the critic's forward pass (also inside
   * `optimizer.minimize` / `tf.variableGrads`); the caller owns the result.
   */
  apply(weight: Tensor): Tensor;
  /** the σ estimate of the last `apply` (NaN before the first): one synchronous read when accessed */
  readonly sigma: number;
  /** the current u, `[out]` (owned by the normalizer) */
  readonly u: Variable;
  /** `{ u }`: the live variable (do not dispose it). @since 0.1.0 */
  getState(): StateDict;
  /**
   * Loads `{ u }` (float32 `[out]`), checked before anything changes; `sigma` reads NaN until the next `apply`.
   * @since 0.1.0
   */
  loadState(state: StateDict): void;
  /** frees u */
  dispose(): void;
}

/**
 * A spectral normalizer for one weight of shape `shape`: keeps the power-iteration vector u between calls,
 * as SN-GAN does (one step per training step). It is `Stateful`: `getState()` is `{ u }`, so
 * `saveState` / `loadState` (or `composeState({ critic, spectral: sn })`) carry u with the critic's weights.
 *
 * @param shape the weight's shape (rank ≥ 2; the last axis is the output)
 * @see Miyato et al. 2018, arXiv:1802.05957
 * @example
 * ```ts
 * const W = tf.variable(tf.tensor2d([[2, 0], [0, 0.5]]));
 * const sn = spectralNormalizer(W.shape, { seed: 1 });
 * for (let i = 0; i < 10; i++) tf.dispose(sn.apply(W)); // as in 10 training steps
 * console.log(sn.sigma.toFixed(3)); // 2.000
 * sn.dispose();
 * ```
 * @since 0.1.0
 */
export function spectralNormalizer(shape: number[], options: SpectralNormalizerOptions = {}): SpectralNormalizer {
  const fn = 'spectralNormalizer';
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    fail(fn, 'shape', 'the weight shape, rank ≥ 2 with positive sizes', shape);
  }
  const o = checkOptions(fn, options, ['iterations', 'epsilon', 'seed']);
  const seed = checkSeed(fn, o.seed);
  const { iterations, epsilon } = powerOptions(fn, o);
  const n = shape[shape.length - 1]!;
  const u = tf.tidy(() => tf.variable(l2normalize(normalNoise([n], seed, 'u'), epsilon), false));
  let sigma: Scalar | undefined; // kept; read only when asked (no synchronous read per training step)
  let disposed = false;
  return {
    apply(weight: Tensor): Tensor {
      if (disposed) throw new Error(`${fn}: apply() after dispose()`);
      const got = checkWeight(`${fn}.apply`, weight);
      if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) fail(`${fn}.apply`, 'weight', `of shape [${shape.join(', ')}]`, weight);
      const r = spectralNorm(weight, u, { iterations, epsilon });
      // u is a Variable: assigning it leaves the tensor recorded on a gradient tape valid
      u.assign(r.u);
      r.u.dispose();
      sigma?.dispose();
      sigma = tf.keep(r.sigma);
      return r.weight;
    },
    get sigma() {
      return sigma && !sigma.isDisposed ? (sigma.dataSync()[0] as number) : NaN;
    },
    get u() {
      return u;
    },
    getState(): StateDict {
      if (disposed) throw new Error(`${fn}: getState() after dispose()`);
      return { u };
    },
    loadState(state: StateDict): void {
      if (disposed) throw new Error(`${fn}: loadState() after dispose()`);
      assignState(`${fn}.loadState`, { u }, state);
      // σ belonged to the previous u
      sigma?.dispose();
      sigma = undefined;
    },
    dispose() {
      if (!disposed) {
        u.dispose();
        sigma?.dispose();
      }
      disposed = true;
    },
  };
}
