/**
 * Correct second-order gradients in TensorFlow.js 4.22, opt-in: the fix lives in `@genmod/backend` (the
 * package of start-up fixes an app opts into); the penalties here need it, so it is re-exported unchanged.
 *
 * @see tensorflow/tfjs#3252 · Gulrajani et al. 2017, arXiv:1704.00028 (WGAN-GP, which needs it)
 */
export { enableHigherOrderGradients, disableHigherOrderGradients, higherOrderGradientsEnabled, higherOrderGradientKernels } from '@genmod/backend';
