// chooseBackend installs the kernel overrides that win on the chosen backend, and takes them back.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from './index.js';

const initial = tf.getBackend() as 'cpu' | 'wasm';
beforeAll(async () => {
  await chooseBackend(initial, { fastMatMulGradient: false, kernelOverrides: false });
});
afterAll(async () => {
  await chooseBackend(initial, { fastMatMulGradient: false, kernelOverrides: false });
});

describe('chooseBackend kernel overrides', () => {
  it('installs the fused ReLU gradients, the column Sum, the broadcast Sum gradient (and on wasm the zero-copy Identity); false takes them back', async () => {
    const tfjs = { relu: tf.getGradient('Relu'), sum: tf.getKernel('Sum', initial), sumGrad: tf.getGradient('Sum'), identity: tf.getKernel('Identity', 'wasm') };
    await chooseBackend(initial);
    expect(tf.getGradient('Relu')).not.toBe(tfjs.relu);
    expect(tf.getGradient('Sum')).not.toBe(tfjs.sumGrad);
    expect(tf.getKernel('Sum', initial)).not.toBe(tfjs.sum);
    expect(tf.getKernel('Identity', 'wasm') !== tfjs.identity).toBe(initial === 'wasm');
    const x = tf.tensor1d([-1, 2]);
    const p = await tf.profile(() => tf.grad((v) => tf.sum(tf.leakyRelu(v, 0.1)))(x));
    expect(p.kernelNames).toContain('GenmodStepMul');
    tf.dispose([x, p.result as tf.Tensor]);
    await chooseBackend(initial); // a second choice re-installs, it does not stack
    await chooseBackend(initial, { kernelOverrides: false });
    expect(tf.getGradient('Relu')).toBe(tfjs.relu);
    expect(tf.getKernel('Sum', initial)).toBe(tfjs.sum);
    expect(tf.getGradient('Sum')).toBe(tfjs.sumGrad);
    expect(tf.getKernel('Identity', 'wasm')).toBe(tfjs.identity);
  });
});
