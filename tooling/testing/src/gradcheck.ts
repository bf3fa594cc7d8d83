import * as tf from '@tensorflow/tfjs-core';

export interface GradCheckOptions {
  /** central-difference step (in the input's units) */
  eps?: number;
  /** relative tolerance, scaled by max(1, max|analytic gradient|) */
  rtol?: number;
  /** absolute tolerance */
  atol?: number;
  label?: string;
}

/**
 * Compares the autodiff gradient of a scalar function with central finite differences
 * (f(x + h·e_i) − f(x − h·e_i)) / 2h for every input element. The function runs in float32, so the
 * comparison tolerates the float32 rounding of f divided by 2h.
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
  for (let i = 0; i < base.length; i++) {
    const plus = Float64Array.from(base);
    const minus = Float64Array.from(base);
    plus[i] = base[i]! + eps;
    minus[i] = base[i]! - eps;
    // the step actually taken in float32
    const h = Math.fround(plus[i]!) - Math.fround(minus[i]!);
    numeric[i] = (evalAt(plus) - evalAt(minus)) / h;
  }
  let scale = 1;
  for (const g of analytic) scale = Math.max(scale, Math.abs(g));
  for (let i = 0; i < base.length; i++) {
    const a = analytic[i]!;
    const n = numeric[i]!;
    if (!Number.isFinite(a) || Math.abs(a - n) > atol + rtol * scale) {
      throw new Error(`${label}: element ${i}: autodiff ${a} vs finite difference ${n} (tolerance ${atol} + ${rtol}·${scale})`);
    }
  }
  return { analytic, numeric };
}
