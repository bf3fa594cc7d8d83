/**
 * Vitest setup shared by every package: the backend and the gradient registrations that apps normally
 * bring (packages register nothing themselves).
 *
 * The backend is `cpu` unless `GENMOD_TEST_BACKEND=wasm` asks for the WebAssembly one, so the same suite
 * can run on both.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';

const wanted = process.env.GENMOD_TEST_BACKEND ?? 'cpu';
if (wanted === 'wasm') {
  await import('@tensorflow/tfjs-backend-wasm');
}
if (!(await tf.setBackend(wanted))) {
  throw new Error(`test setup: backend "${wanted}" could not be initialised`);
}
await tf.ready();
