/**
 * An invertible linear map with an LU parameterization: Glow's invertible 1×1 convolution, for vectors.
 *
 * @see Kingma & Dhariwal 2018, "Glow: Generative Flow with Invertible 1x1 Convolutions", NeurIPS, arXiv:1807.03039, §3.2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { TrainableBijector } from './bijector.js';
import { checkInteger, checkOptions, checkSeed, deriveSeed, fail, toFloat, triangularSolve, type Seed } from '@genmod-internal/core';
import { uid } from './internal/dense.js';
import { leafState } from './internal/state.js';
import { checkEventInput, permuteLast } from './internal/checks.js';

const KEYS = ['features', 'permutation', 'seed'] as const;

/** The options of {@link luLinear}. Unknown keys throw. @since 0.1.0 */
export interface LuLinearOptions {
  /** the number D of features (event rank 1, `[..., D]`) */
  features: number;
  /** a fixed permutation applied first, default the identity */
  permutation?: number[];
  /**
   * seed of a small random initialization of L and U (streams deriveSeed(seed, 'L') and deriveSeed(seed,
   * 'U')), a number (0 included) or a string; default: L = I, U = I (the map starts as the permutation)
   */
  seed?: Seed;
}

/**
 * y = x[..., π] · L · U in the row-vector convention, with π a fixed permutation, L unit lower triangular
 * and U upper triangular with diagonal exp(log u):
 *
 *   log|det ∂y/∂x| = Σ_i log u_i   (|det P| = 1, det L = 1)
 *
 * The inverse solves the two triangular systems (D substitution steps each) and un-permutes. Trainable:
 * the strictly lower part of L, the strictly upper part of U and log u. Costs O(D²) per point forward,
 * O(D²) with D sequential steps inverse. Event rank 1.
 *
 * State (`getState()` / `loadState()`, for `saveState` / `loadState`; the permutation is fixed by the
 * options, not state):
 *
 * | name | what it is |
 * |---|---|
 * | `lower` | float32 `[D, D]`, whose strictly lower part is L's |
 * | `upper` | float32 `[D, D]`, whose strictly upper part is U's |
 * | `logDiag` | log u, U's log-diagonal, float32 `[D]` |
 *
 * @param options `{ features, permutation, seed }`
 * @see Kingma & Dhariwal 2018, arXiv:1807.03039, eq. (10)
 * @example
 * ```ts
 * const lin = luLinear({ features: 3, seed: 1 });
 * const { y, logDet } = lin.forward(tf.randomNormal([4, 3]));   // logDet [4], equal entries
 * lin.dispose();
 * ```
 * @since 0.1.0
 */
export function luLinear(options: LuLinearOptions): TrainableBijector {
  const fn = 'luLinear';
  options = checkOptions(fn, options, KEYS);
  const d = checkInteger(fn, 'options.features', options.features, { min: 1 });
  const perm = options.permutation ?? Array.from({ length: d }, (_, i) => i);
  if (!Array.isArray(perm) || perm.length !== d || !perm.every((p) => Number.isInteger(p) && p >= 0 && p < d) || new Set(perm).size !== d) {
    fail(fn, 'options.permutation', `a permutation of 0, …, ${d - 1}`, perm);
  }
  const seed = checkSeed(fn, options.seed);
  const inv = new Array<number>(d);
  perm.forEach((v, i) => (inv[v] = i));
  const id = uid();
  const [lower, upper, logDiag, strictLower, strictUpper, eye] = tf.tidy(() => {
    const init = (s: 'L' | 'U') => (seed === undefined ? tf.zeros([d, d]) : tf.randomUniform([d, d], -0.1, 0.1, 'float32', deriveSeed(seed, s)));
    return [
      tf.variable(init('L'), true, `luLinear_L_${id}`),
      tf.variable(init('U'), true, `luLinear_U_${id}`),
      tf.variable(tf.zeros([d]), true, `luLinear_logDiag_${id}`),
      tf.sub(tf.linalg.bandPart(tf.ones([d, d]), -1, 0), tf.eye(d)),
      tf.sub(tf.linalg.bandPart(tf.ones([d, d]), 0, -1), tf.eye(d)),
      tf.eye(d),
    ] as const;
  });
  const owned = [strictLower, strictUpper, eye];
  const factors = () => {
    const l = tf.add(tf.mul(lower, strictLower), eye);
    const u = tf.add(tf.mul(upper, strictUpper), tf.mul(eye, tf.exp(logDiag)));
    return { l, u };
  };
  return {
    eventRank: 1,
    forward(x: Tensor) {
      const name = 'luLinear.forward';
      const shape = checkEventInput(name, 'x', x, 1, d);
      const [y, logDet] = tf.tidy(name, () => {
        const $x = toFloat(name, 'x', x);
        const { l, u } = factors();
        const flat = tf.reshape(permuteLast($x, perm), [-1, d]);
        const y = tf.reshape(tf.matMul(tf.matMul(flat, l), u), shape);
        return [y, tf.broadcastTo(tf.sum(logDiag), shape.slice(0, -1))];
      });
      return { y: y!, logDet: logDet! };
    },
    inverse(y: Tensor) {
      const name = 'luLinear.inverse';
      const shape = checkEventInput(name, 'y', y, 1, d);
      const [x, logDet] = tf.tidy(name, () => {
        const $y = toFloat(name, 'y', y);
        const { l, u } = factors();
        // x_π L U = y  ⇔  Uᵀ Lᵀ x_πᵀ = yᵀ: two triangular solves on the columns [D, N]
        const cols = tf.transpose(tf.reshape($y, [-1, d]));
        const v = triangularSolve(u, cols, { lower: false, adjoint: true }); // Uᵀ v = yᵀ (Uᵀ is lower)
        const w = triangularSolve(l, v, { lower: true, adjoint: true }); // Lᵀ w = v (Lᵀ is upper)
        const xp = tf.reshape(tf.transpose(w), shape);
        return [permuteLast(xp, inv), tf.broadcastTo(tf.neg(tf.sum(logDiag)), shape.slice(0, -1))];
      });
      return { x: x!, logDet: logDet! };
    },
    trainableVariables: [lower, upper, logDiag],
    ...leafState(`${fn}.loadState`, () => ({ lower, upper, logDiag })),
    dispose() {
      tf.dispose([lower, upper, logDiag, ...owned]);
    },
  };
}
