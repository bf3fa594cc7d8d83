/**
 * Gradient checks by central finite differences, in the manner of `torch.autograd.gradcheck` and
 * `gradgradcheck`, for tfjs functions that run in float32.
 *
 * @see PyTorch, torch.autograd.gradcheck / gradgradcheck (the "fast mode" random projection of outputs).
 * @see Baydin et al. 2018, "Automatic Differentiation in Machine Learning: a Survey", arXiv:1502.05767.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { type Seed, checkBoolean, checkNumber, checkOptions, checkSeed, deriveSeed, fail, mulberry32 } from '@genmod-internal/core';

/** Options of {@link gradcheck} and {@link gradgradcheck}. @since 0.1.0 */
export interface GradcheckOptions {
  /**
   * The central-difference step h, in the inputs' units. Default `5e-3`: in float32 the truncation error
   * (∝ h²) and the rounding error of f (∝ 2⁻²⁴·|f|/h) balance near h ≈ (2⁻²⁴)^⅓ ≈ 4e-3. Keep every input
   * farther than h from a kink (relu at 0, |x| at 0) or the two sides disagree.
   */
  eps?: number;
  /** absolute tolerance on each gradient element. Default `1e-3`. */
  atol?: number;
  /** relative tolerance, applied to |numeric|. Default `1e-2`. */
  rtol?: number;
  /** throw on a mismatch (default `true`); `false` only returns the report */
  raiseException?: boolean;
  /** seed of the random projection of a non-scalar output (and, in gradgradcheck, of the cotangents): a number or a string. Default 1. */
  seed?: Seed;
  /** a name for the error message */
  label?: string;
}

/** The comparison of one input's gradient. @since 0.1.0 */
export interface GradcheckInputReport {
  /** the autodiff gradient, flattened */
  analytic: Float64Array;
  /** the central finite-difference gradient, flattened */
  numeric: Float64Array;
  /** max |analytic − numeric| */
  maxAbsError: number;
  /** max |analytic − numeric| / max(|numeric|, atol) */
  maxRelError: number;
  /** the flat index of the element furthest beyond its tolerance (or of the largest error when all pass) */
  worstIndex: number;
  /** elements beyond atol + rtol·|numeric| (or not finite) */
  failures: number;
}

/** What {@link gradcheck} and {@link gradgradcheck} return. @since 0.1.0 */
export interface GradcheckReport {
  /** every element of every input within tolerance */
  ok: boolean;
  /** the largest error over all inputs */
  maxAbsError: number;
  maxRelError: number;
  /** the input holding the worst element */
  worstInput: number;
  inputs: GradcheckInputReport[];
}

interface Resolved {
  eps: number;
  atol: number;
  rtol: number;
  raise: boolean;
  seed: Seed;
  label: string;
}

const KEYS = ['eps', 'atol', 'rtol', 'raiseException', 'seed', 'label'] as const;

function resolve(fn: string, options: GradcheckOptions | undefined): Resolved {
  const o = checkOptions(fn, options, KEYS);
  if (o.label !== undefined && typeof o.label !== 'string') fail(fn, 'options.label', 'a string', o.label);
  return {
    eps: o.eps === undefined ? 5e-3 : checkNumber(fn, 'options.eps', o.eps, { above: 0 }),
    atol: o.atol === undefined ? 1e-3 : checkNumber(fn, 'options.atol', o.atol, { min: 0 }),
    rtol: o.rtol === undefined ? 1e-2 : checkNumber(fn, 'options.rtol', o.rtol, { min: 0 }),
    raise: o.raiseException === undefined ? true : checkBoolean(fn, 'options.raiseException', o.raiseException),
    seed: checkSeed(fn, o.seed) ?? 1,
    label: o.label ?? fn,
  };
}

function checkInputs(fn: string, f: unknown, inputs: unknown): Tensor[] {
  if (typeof f !== 'function') fail(fn, 'f', 'a function (...inputs: Tensor[]) => Tensor', f);
  if (!Array.isArray(inputs) || inputs.length === 0) fail(fn, 'inputs', 'a non-empty array of float32 tensors', inputs);
  inputs.forEach((x, i) => {
    if (!(x instanceof tf.Tensor)) fail(fn, `inputs[${i}]`, 'a float32 tensor', x);
    if (x.dtype !== 'float32') fail(fn, `inputs[${i}]`, 'a float32 tensor (finite differences need a float input)', x);
    if (x.size === 0) fail(fn, `inputs[${i}]`, 'a non-empty tensor', x);
  });
  return inputs as Tensor[];
}

/** Fixed pseudo-random values in [−1, 1] (uniform), from the stream `streams` of a seed. */
function projection(seed: Seed, n: number, ...streams: Seed[]): Float32Array {
  const rand = mulberry32(deriveSeed(seed, ...streams));
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = 2 * rand() - 1;
  return v;
}

/** f, reduced to a scalar: a scalar output as is, any other by the fixed projection Σ v ⊙ f. */
function scalarize(fn: string, f: (...xs: Tensor[]) => Tensor, seed: Seed): (...xs: Tensor[]) => Tensor {
  let v: Float32Array | undefined;
  return (...xs) => {
    const y = f(...xs);
    if (!(y instanceof tf.Tensor)) fail(fn, 'f', 'a function returning a tensor', y);
    if (y.dtype !== 'float32') fail(fn, 'f', 'a function returning a float32 tensor', y);
    if (y.size === 1) return tf.reshape(y, []);
    v ??= projection(seed, y.size, 'projection');
    if (v.length !== y.size) fail(fn, 'f', 'a function whose output shape does not depend on its input values', y);
    return tf.sum(tf.mul(y, tf.tensor(v, y.shape, 'float32')));
  };
}

function compare(fn: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], o: Resolved): GradcheckReport {
  const scalar = scalarize(fn, f, o.seed);
  // + 0·Σx_k keeps every input on the tape: an input f ignores gets a zero gradient instead of a tfjs error
  const g = (...xs: Tensor[]): Tensor => tf.addN([scalar(...xs), ...xs.map((x) => tf.mul(tf.sum(x), 0))]);
  const grads = tf.tidy(() => tf.grads((...xs: Tensor[]) => g(...xs))(inputs));
  const analytic = grads.map((t) => Float64Array.from(t.dataSync() as Float32Array));
  tf.dispose(grads);
  const bases = inputs.map((x) => Float32Array.from(x.dataSync() as Float32Array));
  const evalWith = (k: number, values: Float32Array): number =>
    tf.tidy(() => {
      const xs = inputs.map((x, j) => (j === k ? tf.tensor(values, x.shape, 'float32') : x));
      return g(...xs).dataSync()[0] as number;
    });
  const reports: GradcheckInputReport[] = [];
  let worstInput = 0;
  let worstExcess = -Infinity;
  let maxAbs = 0;
  let maxRel = 0;
  let ok = true;
  inputs.forEach((x, k) => {
    const base = bases[k]!;
    const numeric = new Float64Array(x.size);
    const work = Float32Array.from(base);
    for (let i = 0; i < base.length; i++) {
      const plus = Math.fround(base[i]! + o.eps);
      const minus = Math.fround(base[i]! - o.eps);
      work[i] = plus;
      const fp = evalWith(k, work);
      work[i] = minus;
      const fm = evalWith(k, work);
      work[i] = base[i]!;
      numeric[i] = (fp - fm) / (plus - minus); // the step actually taken in float32
    }
    const a = analytic[k]!;
    let worst = 0;
    let excessWorst = -Infinity;
    let absMax = 0;
    let relMax = 0;
    let failures = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i]! - numeric[i]!);
      const excess = Number.isFinite(a[i]!) && Number.isFinite(numeric[i]!) ? d - (o.atol + o.rtol * Math.abs(numeric[i]!)) : Infinity;
      const err = Number.isFinite(d) ? d : Infinity;
      absMax = Math.max(absMax, err);
      relMax = Math.max(relMax, err / Math.max(Math.abs(numeric[i]!), o.atol, Number.MIN_VALUE));
      if (excess > 0) failures++;
      if (excess > excessWorst) {
        excessWorst = excess;
        worst = i;
      }
    }
    reports.push({ analytic: a, numeric, maxAbsError: absMax, maxRelError: relMax, worstIndex: worst, failures });
    if (failures > 0) ok = false;
    if (excessWorst > worstExcess) {
      worstExcess = excessWorst;
      worstInput = k;
    }
    maxAbs = Math.max(maxAbs, absMax);
    maxRel = Math.max(maxRel, relMax);
  });
  const report: GradcheckReport = { ok, maxAbsError: maxAbs, maxRelError: maxRel, worstInput, inputs: reports };
  if (!ok && o.raise) {
    const r = reports[worstInput]!;
    const i = r.worstIndex;
    const total = reports.reduce((s, q) => s + q.failures, 0);
    throw new Error(
      `${o.label}: the autodiff gradient disagrees with central finite differences (eps ${o.eps}) in ${total} element(s); ` +
        `worst: input ${worstInput}, flat element ${i} of ${r.analytic.length}: analytic ${r.analytic[i]} vs numeric ${r.numeric[i]} ` +
        `(|diff| ${Math.abs(r.analytic[i]! - r.numeric[i]!)} > atol ${o.atol} + rtol ${o.rtol}·|numeric|)`,
    );
  }
  return report;
}

/**
 * Checks the autodiff gradient of `f` against central finite differences,
 *
 *   ∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h,
 *
 * for every element of every input. A non-scalar output is first reduced to Σ v ⊙ f(x) with a fixed
 * random v (the "fast mode" projection of `torch.autograd.gradcheck`: the check then covers vᵀJ). The
 * element i passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
 *
 * Runs 2·(number of input elements) evaluations of f: meant for tests on small inputs. Everything it
 * allocates is freed; the inputs are left as they are.
 *
 * @param f a function of float32 tensors, returning a float32 tensor
 * @param inputs the point at which to check, one tensor per argument of f
 * @returns a report with both gradients per input; throws (unless `raiseException: false`) with the worst
 *   input and element named
 * @see torch.autograd.gradcheck
 * @example
 * ```ts
 * const report = gradcheck((x) => tf.sum(tf.tanh(x)), [tf.tensor1d([0.3, -1.2])]);
 * console.log(report.ok, report.maxAbsError < 1e-3); // true true
 * ```
 * @since 0.1.0
 */
export function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const o = resolve('gradcheck', options);
  const xs = checkInputs('gradcheck', f, inputs);
  return compare('gradcheck', f, xs, o);
}

/**
 * Checks second derivatives: the gradient of the vector–Jacobian product
 *
 *   h(x) = Σ w ⊙ ∂(Σ v ⊙ f(x))/∂x   (fixed random v, w; for a scalar f, h = wᵀ∇f(x), a Hessian–vector probe)
 *
 * against central finite differences of h, as `torch.autograd.gradgradcheck` does. This is the check that a
 * gradient penalty needs: a backward pass differentiated again. In tfjs 4.22 it fails for tanh, sigmoid,
 * exp and softmax (wrong values) and throws for leakyRelu, elu, logSumExp unless
 * `enableHigherOrderGradients()` is on.
 *
 * The same tolerances as {@link gradcheck}; the inner gradient is taken with respect to every input.
 *
 * @param f a function of float32 tensors, returning a float32 tensor
 * @param inputs the point at which to check
 * @see torch.autograd.gradgradcheck
 * @example
 * ```ts
 * const report = gradgradcheck((x) => tf.sum(tf.square(tf.sin(x))), [tf.tensor1d([0.3, -1.2])]);
 * console.log(report.ok); // true
 * ```
 * @since 0.1.0
 */
export function gradgradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const o = resolve('gradgradcheck', options);
  const xs = checkInputs('gradgradcheck', f, inputs);
  const inner = scalarize('gradgradcheck', f, o.seed);
  const ws = xs.map((x, k) => projection(o.seed, x.size, 'cotangent', k));
  const h = (...args: Tensor[]): Tensor => {
    const grads = tf.grads((...ys: Tensor[]) => tf.addN([inner(...ys), ...ys.map((y) => tf.mul(tf.sum(y), 0))]))(args);
    return tf.addN(grads.map((gk, k) => tf.sum(tf.mul(gk, tf.tensor(ws[k]!, gk.shape, 'float32')))));
  };
  return compare('gradgradcheck', h, xs, { ...o, label: o.label });
}
