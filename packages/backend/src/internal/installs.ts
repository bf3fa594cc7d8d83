/**
 * What chooseBackend installs on the chosen backend and takes back on the next choice: the fast matMul gradient
 * and the kernel overrides that win there.
 */
import { enableFastMatMulGradient } from '../matmul-gradient.js';
import { enableFusedReluGradients } from '../relu-gradient.js';
import { enableFastColumnSum } from '../overrides-sum.js';
import { enableZeroCopyIdentity } from '../overrides-identity.js';
import { enableBroadcastSumGradient } from '../sum-gradient.js';

let restoreMatMulGradient: (() => void) | undefined;

export function setFastMatMulGradient(on: boolean): void {
  if (on && restoreMatMulGradient === undefined) restoreMatMulGradient = enableFastMatMulGradient();
  else if (!on && restoreMatMulGradient !== undefined) {
    restoreMatMulGradient();
    restoreMatMulGradient = undefined;
  }
}

/**
 * The overrides chooseBackend installs, per backend: those that won on it in interleaved A/B timings
 * (medians, tfjs 4.22, 2-core machine; see the package README for the numbers).
 */
const OVERRIDES: Readonly<Record<string, readonly ((backend: 'cpu' | 'wasm') => () => void)[]>> = {
  wasm: [(b) => enableFusedReluGradients({ backends: [b] }), (b) => enableFastColumnSum({ backends: [b] }), () => enableZeroCopyIdentity(), () => enableBroadcastSumGradient()],
  cpu: [(b) => enableFusedReluGradients({ backends: [b] }), (b) => enableFastColumnSum({ backends: [b] }), () => enableBroadcastSumGradient()],
};

let restoreOverrides: (() => void)[] = [];

export function setKernelOverrides(on: boolean, active: string): void {
  // undo an earlier choice first: the new one may be another backend
  for (const restore of restoreOverrides.reverse()) restore();
  restoreOverrides = [];
  if (on) restoreOverrides = (OVERRIDES[active] ?? []).map((install) => install(active as 'cpu' | 'wasm'));
}

