/**
 * The fused Adam update shared by every backend's kernel (Kingma & Ba 2015, arXiv:1412.6980; decoupled weight
 * decay: Loshchilov & Hutter 2019, arXiv:1711.05101). One kernel, `GenmodAdamUpdate`, takes the parameter p, its
 * moments m, v and its gradient g, and returns the new p, m, v:
 *
 *   m′ = β₁·m + (1 − β₁)·g
 *   v′ = β₂·v + (1 − β₂)·g²
 *   p′ = (m′ / c₁) / (√(v′ / c₂) + ε) · (−η) + p·d,     c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ, d = 1 − η·λ
 *
 * in float32, each operation rounded in the order tfjs's AdamOptimizer applies them (so the cpu and wasm kernels
 * agree with tf.train.adam bit for bit; GPU kernels to float32 rounding). The scalars are computed on the host.
 */
import type { NamedAttrMap } from '@tensorflow/tfjs-core';

/** The kernel's name, as tf.profile lists it. */
export const ADAM_KERNEL = 'GenmodAdamUpdate';

/** The kernel's attributes: float32-rounded host scalars. */
export interface AdamAttrs extends NamedAttrMap {
  beta1: number;
  beta2: number;
  /** fround(1 − β₁) as tfjs computes it (in float64, then rounded) */
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  /** the bias corrections c₁ = fround(1 − β₁ᵗ), c₂ = fround(1 − β₂ᵗ) */
  c1: number;
  c2: number;
  epsilon: number;
  /** fround(−η) */
  negLr: number;
  /** fround(1 − η·λ): the decoupled weight decay factor (1 for Adam) */
  decay: number;
}

type F32 = Float32Array;

/**
 * The update over flat float32 arrays, every operation rounded to float32 (Math.fround) in tfjs's order.
 * Used by the cpu kernel and by the wasm kernel (over views of the wasm heap).
 */
export function adamLoop(p: F32, m: F32, v: F32, g: F32, outP: F32, outM: F32, outV: F32, a: AdamAttrs): void {
  const f = Math.fround;
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, c1, c2, epsilon, negLr, decay } = a;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = f(f(m[i]! * beta1) + f(gi * oneMinusBeta1));
    const vi = f(f(v[i]! * beta2) + f(f(gi * gi) * oneMinusBeta2));
    const mh = f(mi / c1);
    const vh = f(vi / c2);
    // AdamW's decoupled decay p·(1 − ηλ); without decay p itself (p·1 is the same float, one multiply less)
    const pi = decay === 1 ? p[i]! : f(p[i]! * decay);
    outP[i] = f(f(f(mh / f(f(Math.sqrt(vh)) + epsilon)) * negLr) + pi);
    outM[i] = mi;
    outV[i] = vi;
  }
}

/** What a kernel function receives (structural: no backend package is imported). */
export interface AdamKernelArgs {
  inputs: { param?: TensorInfoLike; m?: TensorInfoLike; v?: TensorInfoLike; g?: TensorInfoLike };
  backend: unknown;
  attrs?: NamedAttrMap;
}

/** A tensor as a backend sees it. */
export interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** The four inputs of the kernel, in the order param, m, v, g. */
export function adamInputs(args: AdamKernelArgs): [TensorInfoLike, TensorInfoLike, TensorInfoLike, TensorInfoLike] {
  const { param, m, v, g } = args.inputs;
  return [param!, m!, v!, g!];
}
