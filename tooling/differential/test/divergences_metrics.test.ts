import * as tf from '@tensorflow/tfjs-core';
import { densityCoverage, frechetDistance, kernelDistance, precisionRecall } from '@genmod/divergences';
import { vi } from 'vitest';
import { type Adapter, describeDifferential, type Tolerance } from './harness.js';

vi.setConfig({ testTimeout: 600_000 });

type In = Record<string, tf.Tensor>;
const rows = (t: tf.Tensor) => t.arraySync() as number[][];

// Base tolerances, documented (values only: these are evaluation metrics):
// - FRECHET: computed in float64 on the host from the float32 features (covariances ddof 1, a symmetric matrix
//   square root by Jacobi eigendecompositions) and rounded once; the reference is scipy.linalg.sqrtm(s1 @ s2).
//   The two square roots agree to ~1e-12 relative on well-conditioned covariances, and to ~√ε64·scale on
//   (near-)singular ones, where sqrtm itself is that inaccurate. cond here is not a derivative but the scale
//   2(‖μ_r‖² + ‖μ_g‖² + tr Σ_r + tr Σ_g) of the terms that cancel in d², so k·2⁻²³·cond bounds the error of
//   identical or singular sets (d² ≈ 0): rtol 1e-6, atol 1e-6, k 1.
// - KID: float32 kernel matrices (tfjs matMul over d ≤ 64, a cube) summed over s² ≤ 9·10⁴ entries, the subset
//   estimates combined in float64; cond from torch autograd (the first-order effect of rounding the inputs)
//   also measures the size of the cancelling kernel sums: rtol 1e-4, atol 1e-5, k 16. [value, standardError].
// - COUNTS: precision/recall and density/coverage are counts over sizes, from float64 distances on the host
//   against cdist's: exact up to the float32 rounding of the result (rtol 1e-6, atol 1e-7, k 0).
const FRECHET: Tolerance = { rtol: 1e-6, atol: 1e-6, k: 1 };
const KID: Tolerance = { rtol: 1e-4, atol: 1e-5, k: 16 };
const COUNTS: Tolerance = { rtol: 1e-6, atol: 1e-7, k: 0 };

const ADAPTERS: Record<string, Adapter> = {
  frechetDistance: { tol: FRECHET, run: (i) => frechetDistance(i.real!, i.generated!) },
  kernelDistance: {
    tol: KID,
    run: (i, k) => {
      const { value, standardError } = kernelDistance(i.real!, i.generated!, { indices: { real: rows(k.realIdx!), generated: rows(k.genIdx!) } });
      return tf.stack([value, standardError]);
    },
  },
  precisionRecall: {
    tol: COUNTS,
    run: (i, k) => {
      const { precision, recall } = precisionRecall(i.real!, i.generated!, { k: k.k!.dataSync()[0]! });
      return tf.stack([precision, recall]);
    },
  },
  densityCoverage: {
    tol: COUNTS,
    run: (i, k) => {
      const { density, coverage } = densityCoverage(i.real!, i.generated!, { k: k.k!.dataSync()[0]! });
      return tf.stack([density, coverage]);
    },
  },
};

describeDifferential('divergences_metrics', ADAPTERS);
