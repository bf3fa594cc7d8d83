/**
 * @genmod/backend: what a TensorFlow.js app does once at start-up. Choose the backend (with a fallback chain
 * that says why), and opt into the tfjs fixes: the fast matMul gradient (wasm) and correct second-order
 * gradients. Browser-safe; the Node-only parts (file:// router, command-line flags) are in `@genmod/backend/node`.
 *
 * @module index
 */
export {
  chooseBackend,
  backendOrder,
  currentPlatform,
  NODE_BACKENDS,
  BROWSER_BACKENDS,
  BACKEND_PACKAGES,
  type BackendName,
  type BackendChoice,
  type BackendLoader,
  type ChooseBackendOptions,
  type Platform,
} from './choose-backend.js';
export { enableFastMatMulGradient, type FastMatMulGradientOptions } from './matmul-gradient.js';
export { enableHigherOrderGradients, disableHigherOrderGradients, higherOrderGradientsEnabled, higherOrderGradientKernels } from './higher-order-gradients.js';
export { enableFusedReluGradients, type FusedReluGradientOptions } from './relu-gradient.js';
export { enableFastColumnSum, type FastColumnSumOptions } from './overrides-sum.js';
export { enableZeroCopyIdentity } from './overrides-identity.js';
export { enableBroadcastSumGradient } from './sum-gradient.js';
export { fusedAdam, FusedAdamOptimizer } from './fused-adam.js';
export { fusedAdamW, FusedAdamWOptimizer, type FusedAdamWOptions } from './fused-adamw.js';
