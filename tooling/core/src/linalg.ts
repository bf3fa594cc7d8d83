/**
 * The linear algebra tfjs-core lacks, written with differentiable tensor ops (autodiff gives the
 * gradients), batched over leading dimensions. Both run d small steps: meant for the event sizes of
 * distributions (d up to a few hundred), not for large dense systems.
 *
 * @see Golub & Van Loan, *Matrix Computations* (4th ed.), §3.1 (triangular systems) and §4.2 (Cholesky).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkFloatDtype, fail, inferShape } from './validate.js';
import { reduceTo } from './math.js';

/** x[..., r0:r0+nr, c0:c0+nc] */
function block(x: Tensor, r0: number, nr: number, c0: number, nc: number): Tensor {
  const batch = x.rank - 2;
  return tf.slice(x, [...new Array<number>(batch).fill(0), r0, c0], [...new Array<number>(batch).fill(-1), nr, nc]);
}

/**
 * Batched matrix product with NumPy broadcasting of the batch dimensions, done explicitly: tfjs 4.22's
 * `tf.matMul` silently mis-broadcasts some batch shapes (e.g. [2, 1] against [2, 3]) on cpu and wasm.
 *
 * @param a `[..., n, k]` (`[..., k, n]` with transposeA)
 * @param b `[..., k, m]` (`[..., m, k]` with transposeB)
 * @returns `[...broadcast batch, n, m]`
 */
export function batchMatMul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  const fn = 'batchMatMul';
  checkFloatDtype(fn, 'a', a);
  checkFloatDtype(fn, 'b', b);
  if (a.rank < 2) fail(fn, 'a', 'a tensor of rank ≥ 2', a);
  if (b.rank < 2) fail(fn, 'b', 'a tensor of rank ≥ 2', b);
  return tf.tidy(fn, () => {
    const ab = a.shape.slice(0, -2);
    const bb = b.shape.slice(0, -2);
    if (ab.length === bb.length && ab.every((d, i) => d === bb[i])) return tf.matMul(a, b, transposeA, transposeB);
    const batch = tf.broadcast_util.assertAndGetBroadcastShape(ab, bb);
    return tf.matMul(tf.broadcastTo(a, [...batch, ...a.shape.slice(-2)]), tf.broadcastTo(b, [...batch, ...b.shape.slice(-2)]), transposeA, transposeB);
  });
}

/** Swaps the last two axes. */
export function matrixTranspose(x: Tensor): Tensor {
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[x.rank - 2] = x.rank - 1;
  perm[x.rank - 1] = x.rank - 2;
  return tf.transpose(x, perm);
}

function checkSquare(fn: string, arg: string, x: Tensor): number {
  const s = x.shape;
  if (s.length < 2 || s[s.length - 1] !== s[s.length - 2]) fail(fn, arg, 'a float32 tensor of shape [..., d, d] (square matrices)', x);
  return s[s.length - 1]!;
}

export interface TriangularSolveOptions {
  /** whether `matrix` is lower triangular (default) or upper triangular; the other triangle is ignored */
  lower?: boolean;
  /** solve with the transpose of `matrix` instead (Lᵀ·X = B) */
  adjoint?: boolean;
}

/**
 * a / b with the gradient written without squaring b: ∂/∂a = dy / b, ∂/∂b = −(dy / b)·(a / b), each summed
 * over the axes it was broadcast along. tfjs's own division gradient forms −dy·a / b², which underflows to 0
 * (then gives ±Infinity) once |b| < ~1e-19 and overflows once |b| > ~1e19, although the true gradient is
 * finite (a triangular solve with a diagonal of 1e±30).
 */
function divide(a: Tensor, b: Tensor): Tensor {
  const f = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [x, y, save] = args as [Tensor, Tensor, tf.GradSaveFunc];
    const q = tf.div(x, y);
    save([x, y]);
    return {
      value: q,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ys] = saved as [Tensor, Tensor];
        const dyOverY = tf.div(dy, ys);
        return [reduceTo(dyOverY, xs.shape), reduceTo(tf.neg(tf.mul(dyOverY, tf.div(xs, ys))), ys.shape)];
      },
    };
  });
  return (f as (x: Tensor, y: Tensor) => Tensor)(a, b);
}

/**
 * Solves the triangular system M·X = B (or Mᵀ·X = B with `adjoint`) by forward or back substitution:
 *
 *   x_i = (b_i − Σ_{j<i} M_ij·x_j) / M_ii      (lower; upper runs i = d−1 … 0 over j > i)
 *
 * @param matrix `[..., d, d]` triangular with a non-zero diagonal
 * @param rhs `[..., d, m]`; batch dimensions broadcast against the matrix's
 * @returns X `[...broadcast batch, d, m]`, differentiable with respect to both inputs
 * @see Golub & Van Loan 2013, Algorithms 3.1.1–3.1.2
 */
export function triangularSolve(matrix: Tensor, rhs: Tensor, options: TriangularSolveOptions = {}): Tensor {
  const fn = 'triangularSolve';
  checkFloatDtype(fn, 'matrix', matrix);
  checkFloatDtype(fn, 'rhs', rhs);
  const d = checkSquare(fn, 'matrix', matrix);
  const rs = inferShape(rhs);
  if (rs.length < 2 || rs[rs.length - 2] !== d) fail(fn, 'rhs', `a float32 tensor of shape [..., ${d}, m] (rows = the matrix's size)`, rhs);
  try {
    tf.broadcast_util.assertAndGetBroadcastShape(matrix.shape.slice(0, -2), rs.slice(0, -2));
  } catch {
    fail(fn, 'matrix and rhs', 'batch shapes that broadcast', `[${matrix.shape.slice(0, -2)}] and [${rs.slice(0, -2)}]`);
  }
  return tf.tidy(fn, () => {
    let lower = options.lower ?? true;
    let m = matrix;
    if (options.adjoint) {
      m = matrixTranspose(matrix);
      lower = !lower;
    }
    const cols = rs[rs.length - 1]!;
    // broadcast the batch dimensions up front (tfjs 4.22's matMul mis-broadcasts batches like [2, 1] × [3])
    const batch = tf.broadcast_util.assertAndGetBroadcastShape(m.shape.slice(0, -2), rs.slice(0, -2));
    m = tf.broadcastTo(m, [...batch, d, d]);
    const b = tf.broadcastTo(rhs, [...batch, d, cols]);
    const rows: Tensor[] = new Array<Tensor>(d);
    const order = lower ? Array.from({ length: d }, (_, i) => i) : Array.from({ length: d }, (_, i) => d - 1 - i);
    for (const [step, i] of order.entries()) {
      let r = block(b, i, 1, 0, cols);
      if (step > 0) {
        // the rows already solved: j < i (lower) or j > i (upper), kept in increasing j
        const j0 = lower ? 0 : i + 1;
        const solved = tf.concat(rows.slice(j0, j0 + step), -2);
        r = tf.sub(r, tf.matMul(block(m, i, 1, j0, step), solved));
      }
      rows[i] = divide(r, block(m, i, 1, i, 1));
    }
    return tf.concat(rows, -2);
  });
}

/**
 * The Cholesky factor of a symmetric positive-definite matrix: the lower-triangular L with A = L·Lᵀ,
 * column by column (Cholesky–Banachiewicz):
 *
 *   L_jj = √(A_jj − Σ_{k<j} L_jk²),   L_ij = (A_ij − Σ_{k<j} L_ik·L_jk) / L_jj   (i > j)
 *
 * Only the lower triangle of A is read. A matrix that is not positive definite gives NaN.
 *
 * @param a `[..., d, d]` symmetric positive definite
 * @returns L `[..., d, d]`, differentiable
 * @see Golub & Van Loan 2013, Algorithm 4.2.2
 */
export function cholesky(a: Tensor): Tensor {
  const fn = 'cholesky';
  checkFloatDtype(fn, 'matrix', a);
  const d = checkSquare(fn, 'matrix', a);
  return tf.tidy(fn, () => {
    const cols: Tensor[] = [];
    for (let j = 0; j < d; j++) {
      let v = block(a, 0, d, j, 1); // [..., d, 1]
      if (j > 0) {
        const prev = tf.concat(cols, -1); // [..., d, j]
        v = tf.sub(v, tf.matMul(prev, block(prev, j, 1, 0, j), false, true));
      }
      const below = tf.tensor2d(Array.from({ length: d }, (_, i) => [i >= j ? 1 : 0]), [d, 1]);
      cols.push(tf.mul(tf.div(v, tf.sqrt(block(v, j, 1, 0, 1))), below));
    }
    return tf.concat(cols, -1);
  });
}

/** log|det L| = Σ log|L_ii| of a triangular matrix, `[..., d, d]` → `[...]`. */
export function logAbsDetTriangular(l: Tensor): Tensor {
  const fn = 'logAbsDetTriangular';
  checkFloatDtype(fn, 'matrix', l);
  const d = checkSquare(fn, 'matrix', l);
  return tf.tidy(fn, () => tf.sum(tf.log(tf.abs(tf.sum(tf.mul(l, tf.eye(d)), -1))), -1));
}
