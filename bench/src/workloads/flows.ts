// @genmod/flows's real workload, matching the peer's `realnvp_2d_train_step` (bench_torch.py, wl_realnvp):
// RealNVP on 2-D standardized two moons, 8 affine couplings with alternating masks [1, 0] / [0, 1];
// s-net 2-64-64-2 LeakyReLU with tanh out, t-net 2-64-64-2 LeakyReLU (PyTorch nn.Linear init);
// N(0, I) base; loss −mean log p(x) over a batch of 512; Adam(1e−3). One step = forward + backward + update.
import { deriveSeed } from '@genmod-internal/core';
import * as tf from '@tensorflow/tfjs';
import { adam } from '../optimizer.js';
import { StandardNormal, TransformedDistribution, affineCoupling, chain, invert, tanhBound, type Network } from '@genmod/flows';
import type { Workload } from '../workload.js';
import { twoMoons } from '../data.js';


/** A 2-64-64-2 MLP with LeakyReLU (slope 0.01, PyTorch's default), nn.Linear's U(±1/√fan_in) init. */
function net(seed: number): Network & { trainableVariables: tf.Variable[]; dispose(): void } {
  const sizes = [2, 64, 64, 2];
  const vars = tf.tidy(() =>
    sizes.slice(1).flatMap((out, l) => {
      const b = 1 / Math.sqrt(sizes[l]!);
      return [tf.variable(tf.randomUniform([sizes[l]!, out], -b, b, 'float32', deriveSeed(seed, 'layer', l, 'w'))), tf.variable(tf.randomUniform([out], -b, b, 'float32', deriveSeed(seed, 'layer', l, 'b')))];
    }),
  );
  const f = (x: tf.Tensor) =>
    tf.tidy(() => {
      let h = x;
      for (let l = 0; l < 3; l++) {
        h = tf.add(tf.matMul(h, vars[2 * l]!), vars[2 * l + 1]!);
        if (l < 2) h = tf.leakyRelu(h, 0.01);
      }
      return h;
    });
  return Object.assign(f, { trainableVariables: vars, dispose: () => tf.dispose(vars) });
}

const realnvp2dTrainStep: Workload = {
  name: 'realnvp_2d_train_step',
  description: 'RealNVP 8 affine couplings (s, t: 2-64-64-2 LeakyReLU), batch 512 two moons, −mean log p, Adam 1e−3',
  setup() {
    const batch = 512;
    const nBatches = 16;
    const data = tf.tensor2d(twoMoons(batch * nBatches, 2), [batch * nBatches, 2]);
    // the peer's Coupling maps data → latent with y = xm + (1 − m)(x·e^s + t), s = tanh(s_net(xm)), and
    // applies layer 0 first: as a flow (forward = sampling) that is chain(invert(c₀), …, invert(c₇))
    const couplings = Array.from({ length: 8 }, (_, i) => {
      const s = net(100 + 10 * i);
      const t = net(105 + 10 * i);
      const conditioner = Object.assign((xm: tf.Tensor) => tf.tidy(() => tf.concat([t(xm), s(xm)], -1)), {
        trainableVariables: [...s.trainableVariables, ...t.trainableVariables],
        dispose: () => {
          s.dispose();
          t.dispose();
        },
      });
      return affineCoupling({ mask: i % 2 === 0 ? [1, 0] : [0, 1], conditioner, logScaleBound: tanhBound(1) });
    });
    const bijector = chain(...couplings.map((c) => invert(c)));
    const flow = new TransformedDistribution(new StandardNormal([2]), bijector);
    const optimizer = adam(1e-3);
    const varList = flow.trainableVariables;
    return {
      step(iteration: number) {
        const loss = tf.tidy(() => {
          const x = tf.slice(data, [(iteration % nBatches) * batch, 0], [batch, 2]);
          return optimizer.minimize(() => tf.neg(tf.mean(flow.logProb(x))) as tf.Scalar, true, varList)!;
        });
        const value = loss.dataSync()[0]!;
        loss.dispose();
        return value;
      },
      dispose() {
        bijector.dispose();
        optimizer.dispose();
        data.dispose();
      },
    };
  },
};

export const flowsWorkloads: Workload[] = [realnvp2dTrainStep];
