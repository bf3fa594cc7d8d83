import * as tf from '@tensorflow/tfjs-core';

export interface GradCheckOptions {
  /** central-difference step (in the input's units) */
  eps?: number;
  /** relative tolerance, per element: scaled by that element's own magnitude (never by the largest one) */
  rtol?: number;
  /** absolute tolerance */
  atol?: number;
  label?: string;
}

/**
 * Compares the autodiff gradient of a scalar function with central finite differences
 * n_i = (f(x + h·e_i) − f(x − h·e_i)) / 2h, **element by element**:
 *
 *   |a_i − n_i| ≤ atol + rtol·max(|a_i|, |n_i|) + 4·2⁻²³·(|f(x + h·e_i)| + |f(x − h·e_i)|) / 2h,
 *
 * the last term being the float32 rounding of the two evaluations of f divided by the step (the only noise
 * a correct gradient can show). An element that is wrong by 50 % fails however small it is next to the
 * largest one (the tolerance used to scale with max|a|, which let such elements pass).
 * Returns both gradients for further checks.
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  x0: tf.Tensor,
  options: GradCheckOptions = {},
): { analytic: Float64Array; numeric: Float64Array } {
  const { eps = 1e-3, rtol = 1e-2, atol = 1e-4, label = 'gradient' } = options;
  const analyticT = tf.tidy(() => tf.grad(f)(x0));
  const analytic = Float64Array.from(analyticT.dataSync() as Float32Array);
  analyticT.dispose();
  const base = Float64Array.from(x0.dataSync() as Float32Array);
  const numeric = new Float64Array(base.length);
  const evalAt = (values: Float64Array): number =>
    tf.tidy(() => f(tf.tensor(Float32Array.from(values), x0.shape, 'float32')).dataSync()[0] as number);
  const noise = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const plus = Float64Array.from(base);
    const minus = Float64Array.from(base);
    plus[i] = base[i]! + eps;
    minus[i] = base[i]! - eps;
    // the step actually taken in float32
    const h = Math.fround(plus[i]!) - Math.fround(minus[i]!);
    const [fp, fm] = [evalAt(plus), evalAt(minus)];
    numeric[i] = (fp - fm) / h;
    noise[i] = (4 * 2 ** -23 * (Math.abs(fp) + Math.abs(fm))) / h;
  }
  for (let i = 0; i < base.length; i++) {
    const a = analytic[i]!;
    const n = numeric[i]!;
    const tol = atol + rtol * Math.max(Math.abs(a), Math.abs(n)) + noise[i]!;
    if (!Number.isFinite(a) || !(Math.abs(a - n) <= tol)) {
      throw new Error(`${label}: element ${i}: autodiff ${a} vs finite difference ${n} (tolerance ${tol.toExponential(2)} = ${atol} + ${rtol}·|g| + rounding ${noise[i]!.toExponential(2)})`);
    }
  }
  return { analytic, numeric };
}
