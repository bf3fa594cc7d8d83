/**
 * Same seed, same noise, on every backend: tfjs draws its random numbers on the host (seedrandom), so the
 * raw uniforms and normals of a seed are bit-identical on cpu, wasm, webgl and webgpu; what our samplers
 * compute from them on the device (−log(−log u), softmax) agrees to float32 rounding; the discrete draws
 * (argmax, top-k) are identical.
 */
import * as tf from '@tensorflow/tfjs';
import { gumbelMax, gumbelSoftmax, gumbelTopK, sampleGumbel } from '@genmod/gumbel';

export interface NoiseFingerprint {
  backend: string;
  /** tf.randomUniform([64], 0, 1, 'float32', 42) */
  uniform: number[];
  /** tf.randomNormal([64], 0, 1, 'float32', 7) */
  normal: number[];
  /** sampleGumbel([64], { seed: 3 }) */
  gumbel: number[];
  /** gumbelMax of 32 rows of 5 logits, seed 5 */
  argmax: number[];
  /** gumbelTopK(k = 3) of the same logits, seed 6 */
  topk: number[];
  /** gumbelSoftmax at τ = 0.5 of the same logits, seed 9 */
  relaxed: number[];
}

/** What {@link compareFingerprints} checks: exact for host draws and indices, float32 rounding for the rest. */
export const FINGERPRINT_RULES: Record<Exclude<keyof NoiseFingerprint, 'backend'>, { atol: number; rtol: number }> = {
  uniform: { atol: 0, rtol: 0 },
  normal: { atol: 0, rtol: 0 },
  argmax: { atol: 0, rtol: 0 },
  topk: { atol: 0, rtol: 0 },
  gumbel: { atol: 1e-5, rtol: 1e-5 },
  relaxed: { atol: 1e-5, rtol: 0 },
};

/** Draws the fingerprint on the active backend. */
export async function noiseFingerprint(): Promise<NoiseFingerprint> {
  const out = tf.tidy(() => {
    const logits = tf.tensor2d(Array.from({ length: 32 }, (_, i) => [0.5, -1, 2, 0, 1].map((v, j) => v + 0.1 * ((i * 7 + j * 3) % 11))));
    return {
      uniform: tf.randomUniform([64], 0, 1, 'float32', 42),
      normal: tf.randomNormal([64], 0, 1, 'float32', 7),
      gumbel: sampleGumbel([64], { seed: 3 }),
      argmax: gumbelMax(logits, { seed: 5 }),
      topk: gumbelTopK(logits, 3, { seed: 6 }),
      relaxed: gumbelSoftmax(logits, { temperature: 0.5, seed: 9 }),
    };
  });
  const read = async (t: tf.Tensor) => Array.from(await t.data(), Number);
  const result: NoiseFingerprint = {
    backend: tf.getBackend(),
    uniform: await read(out.uniform),
    normal: await read(out.normal),
    gumbel: await read(out.gumbel),
    argmax: await read(out.argmax),
    topk: await read(out.topk),
    relaxed: await read(out.relaxed),
  };
  tf.dispose(Object.values(out));
  return result;
}

/** The fields where two fingerprints disagree beyond the rules (empty when they agree). */
export function compareFingerprints(a: NoiseFingerprint, b: NoiseFingerprint): string[] {
  const problems: string[] = [];
  for (const [key, tol] of Object.entries(FINGERPRINT_RULES) as [keyof typeof FINGERPRINT_RULES, { atol: number; rtol: number }][]) {
    const x = a[key];
    const y = b[key];
    if (x.length !== y.length) {
      problems.push(`${key}: ${x.length} values on ${a.backend}, ${y.length} on ${b.backend}`);
      continue;
    }
    let worst = -1;
    let worstDiff = 0;
    x.forEach((v, i) => {
      const d = Math.abs(v - y[i]!);
      if (!(d <= tol.atol + tol.rtol * Math.abs(y[i]!)) && (worst < 0 || d > worstDiff)) {
        worst = i;
        worstDiff = d;
      }
    });
    if (worst >= 0) problems.push(`${key}[${worst}]: ${x[worst]} on ${a.backend}, ${y[worst]} on ${b.backend}`);
  }
  return problems;
}
