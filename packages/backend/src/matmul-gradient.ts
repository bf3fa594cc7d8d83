/**
 * A faster gradient for matrix products on the wasm backend.
 *
 * tfjs 4.22 differentiates C = op(A)·op(B) (kernel `BatchMatMul`, behind tf.matMul and tf.dot) with products
 * that have one side transposed through the kernel's `transposeA`/`transposeB` flags, e.g. ∂A = dC·Bᵀ as
 * `matMul(dC, B, false, true)`. On the wasm backend a flagged product is 10–20× slower than transposing
 * explicitly and multiplying plainly (measured on [256,128]·[128,128]: 5 ms against 0.5 ms), which makes the
 * backward pass of every dense layer the bulk of a training step. The cpu backend shows no such gap (the
 * explicit transpose costs it 5–20 %), so the replacement only changes the path where it helps.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link enableFastMatMulGradient}: the backends on which the gradient transposes explicitly. @since 0.1.0 */
export interface FastMatMulGradientOptions {
  /**
   * The backends (as `tf.getBackend()` names them when the gradient runs) on which explicit transposes are
   * used; elsewhere the gradient multiplies with transpose flags like tfjs's own. Default `['wasm']`;
   * `'all'` uses explicit transposes everywhere (tests use it to check the formulas on any backend).
   */
  backends?: readonly string[] | 'all';
}

/** The last two axes swapped (matrix transpose over any batch dims). */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const r = x.rank;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return tf.transpose(x, perm);
}

/**
 * Sums `g` (whose batch dims are the broadcast of both inputs') back to an input's `shape`: over the leading
 * batch axes the input lacks and the batch axes where it has size 1.
 */
function sumToShape(g: tf.Tensor, shape: number[]): tf.Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const offset = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank - 2; i++) {
    const inDim = i < offset ? undefined : shape[i - offset];
    if (inDim === undefined || (inDim === 1 && g.shape[i]! > 1)) axes.push(i);
  }
  return tf.reshape(axes.length ? tf.sum(g, axes) : g, shape);
}

let installed: tf.GradConfig | undefined;

/**
 * Replaces the registered gradient of `BatchMatMul` (tf.matMul, tf.dot) by one that computes the same
 * products with explicit transposes on the listed backends (default: wasm only), and returns a function that
 * puts the previous gradient back.
 *
 * For C = op(A)·op(B) with upstream gradient dC (op = identity or transpose per the `transposeA`/`transposeB`
 * attributes), the four cases are the standard ones tfjs uses:
 *
 *   A·B:    ∂A = dC·Bᵀ,        ∂B = Aᵀ·dC
 *   A·Bᵀ:   ∂A = dC·B,         ∂B = dCᵀ·A
 *   Aᵀ·B:   ∂A = B·dCᵀ,        ∂B = A·dC
 *   Aᵀ·Bᵀ:  ∂A = (dC·B)ᵀ,      ∂B = (A·dC)ᵀ
 *
 * Batched (rank ≥ 3) inputs transpose their last two axes. Where the batch dims broadcast (one side rank 2, or
 * size 1 against n), each input's gradient is summed over the batch axes it was broadcast along; tfjs 4.22's
 * own gradient throws a shape error there instead, so this also makes broadcast products differentiable.
 * The gradient is built from differentiable ops (transpose, matMul, sum, reshape), so second-order gradients
 * (gradient penalties, Hessian-vector products) work and use it again.
 *
 * Idempotent: while it is installed a second call changes nothing and returns a no-op. The restore function
 * puts the previous gradient back if this one is still the registered one, and does nothing on a second call.
 * The registry is global to the tfjs engine and is read when an op is recorded: call it once at start-up,
 * before training, and do not toggle it between a forward pass and its backward pass.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * // the app has started its backend (chooseBackend('wasm') also installs the gradient for you)
 * const restore = enableFastMatMulGradient();
 * const w = tf.variable(tf.randomNormal([128, 128]));
 * const x = tf.randomNormal([256, 128]);
 * const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(x, w))) as tf.Scalar);
 * restore(); // tfjs's own gradient again
 * ```
 */
export function enableFastMatMulGradient(options: FastMatMulGradientOptions = {}): () => void {
  const backends = options.backends ?? ['wasm'];
  if (backends !== 'all' && (!Array.isArray(backends) || backends.some((b) => typeof b !== 'string'))) {
    throw new Error(`enableFastMatMulGradient: backends must be an array of backend names or 'all', got ${JSON.stringify(backends)}`);
  }
  if (installed !== undefined && tf.getGradient(tf.BatchMatMul) === installed) return () => {};
  const previous = tf.getGradient(tf.BatchMatMul);
  const config: tf.GradConfig = {
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const g = dy as tf.Tensor;
      const explicit = backends === 'all' || backends.includes(tf.getBackend());
      // x' · y' where ' is an optional transpose: explicit transposes, or the kernel's flags
      const mm = (x: tf.Tensor, tx: boolean, y: tf.Tensor, ty: boolean) =>
        explicit ? tf.matMul(tx ? swapLast(x) : x, ty ? swapLast(y) : y) : tf.matMul(x, y, tx, ty);
      let da: () => tf.Tensor;
      let db: () => tf.Tensor;
      if (!transposeA && !transposeB) {
        da = () => mm(g, false, b, true);
        db = () => mm(a, true, g, false);
      } else if (!transposeA && transposeB) {
        da = () => mm(g, false, b, false);
        db = () => mm(g, true, a, false);
      } else if (transposeA && !transposeB) {
        da = () => mm(b, false, g, true);
        db = () => mm(a, false, g, false);
      } else {
        // (dC·B)ᵀ = Bᵀ·dCᵀ and (A·dC)ᵀ = dCᵀ·Aᵀ: one transpose of the result instead of two of the inputs
        da = () => (explicit ? swapLast(tf.matMul(g, b)) : tf.matMul(b, g, true, true));
        db = () => (explicit ? swapLast(tf.matMul(a, g)) : tf.matMul(g, a, true, true));
      }
      return { a: () => sumToShape(da(), a.shape), b: () => sumToShape(db(), b.shape) };
    },
  };
  tf.registerGradient(config);
  installed = config;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (tf.getGradient(tf.BatchMatMul) === config) {
      if (previous !== undefined) tf.registerGradient(previous);
      else tf.unregisterGradient(tf.BatchMatMul);
      installed = undefined;
    }
  };
}
