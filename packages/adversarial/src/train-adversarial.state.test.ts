// A GAN checkpoint (issue 15): a LayersModel generator, a critic over variables with spectral normalizers, and both
// Adam optimizers, saved through tf.io and loaded into freshly built networks; training resumes with the same next
// losses, bit for bit, as training on without stopping.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { memoryHandler } from '@genmod-internal/testing';
import {
  composeState, hingeLoss, loadState, networkState, saveState, spectralNormalizer, trainAdversarial, type AdversarialStepRecord,
} from './index.js';

/** A GAN built from `seed`: G a dense LayersModel, D = W₂ᵀ relu(W₁ᵀ x) with both kernels spectrally normalized. */
function buildGan(seed: number) {
  const generator = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 8, activation: 'relu', kernelInitializer: tfl.initializers.glorotNormal({ seed }) }),
      tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotNormal({ seed: seed + 1 }) }),
    ],
  });
  const W1 = tf.variable(tf.randomNormal([2, 8], 0, 0.5, 'float32', seed + 2));
  const W2 = tf.variable(tf.randomNormal([8, 1], 0, 0.5, 'float32', seed + 3));
  const sn1 = spectralNormalizer([2, 8], { seed: seed + 4 });
  const sn2 = spectralNormalizer([8, 1], { seed: seed + 5 });
  const critic = Object.assign(
    (x: tf.Tensor) => tf.matMul(tf.relu(tf.matMul(x, sn1.apply(W1))), sn2.apply(W2)),
    { trainableVariables: [W1, W2] },
  );
  const checkpoint = composeState({
    generator,
    critic: networkState(critic, { '0/kernel': W1, '1/kernel': W2 }),
    spectral: composeState({ '0': sn1, '1': sn2 }),
  });
  const generatorOptimizer = tf.train.adam(0.01, 0.5, 0.9);
  const discriminatorOptimizer = tf.train.adam(0.01, 0.5, 0.9);
  const dispose = () => {
    generator.dispose();
    tf.dispose([W1, W2]);
    sn1.dispose();
    sn2.dispose();
    generatorOptimizer.dispose();
    discriminatorOptimizer.dispose();
  };
  return { generator, critic, spectral: [sn1, sn2], checkpoint, generatorOptimizer, discriminatorOptimizer, dispose };
}

async function train(gan: ReturnType<typeof buildGan>, initialStep: number, steps: number): Promise<AdversarialStepRecord[]> {
  const { history } = await trainAdversarial({
    generator: gan.generator, discriminator: gan.critic,
    generatorOptimizer: gan.generatorOptimizer, discriminatorOptimizer: gan.discriminatorOptimizer,
    loss: hingeLoss, steps, initialStep, seed: 7, criticSteps: 2,
    sampleReal: ({ seed }) => tf.randomNormal([32, 2], 2, 0.5, 'float32', seed),
    sampleNoise: ({ seed }) => tf.randomNormal([32, 2], 0, 1, 'float32', seed),
  });
  return history;
}

describe('a GAN checkpoint: generator, spectrally normalized critic, both optimizers', () => {
  it('names the parts structurally: generator/0…, critic/0/kernel, spectral/0/u, optimizer slots by those names', async () => {
    const gan = buildGan(1);
    await train(gan, 0, 1); // the optimizers make their slots
    expect(Object.keys(gan.checkpoint.getState())).toEqual([
      'generator/0', 'generator/1', 'generator/2', 'generator/3', 'critic/0/kernel', 'critic/1/kernel', 'spectral/0/u', 'spectral/1/u',
    ]);
    const io = memoryHandler();
    await saveState(gan.checkpoint, io, { optimizer: gan.discriminatorOptimizer });
    expect(io.artifacts!.weightSpecs!.map((s) => s.name).filter((n) => n.startsWith('optimizer/'))).toEqual([
      'optimizer/iter', 'optimizer/critic/0/kernel/m', 'optimizer/critic/1/kernel/m', 'optimizer/critic/0/kernel/v', 'optimizer/critic/1/kernel/v',
      'optimizer/.accBeta1', 'optimizer/.accBeta2',
    ]);
    gan.dispose();
  });

  it('resumes from the checkpoint and both Adam states with the same next 10 losses as training on', async () => {
    const gan = buildGan(1);
    await train(gan, 0, 5);
    const withG = memoryHandler();
    const withD = memoryHandler();
    // two saves of the same checkpoint, one per optimizer: saveState carries one optimizer's slots
    await saveState(gan.checkpoint, withG, { optimizer: gan.generatorOptimizer, metadata: { step: 5 } });
    await saveState(gan.checkpoint, withD, { optimizer: gan.discriminatorOptimizer });
    const onwards = await train(gan, 5, 10);

    const fresh = buildGan(100); // other initial weights and u: everything comes from the checkpoint
    const before = tf.memory().numTensors;
    const metadata = await loadState(fresh.checkpoint, withG, { optimizer: fresh.generatorOptimizer });
    await loadState(fresh.checkpoint, withD, { optimizer: fresh.discriminatorOptimizer });
    expect(tf.memory().numTensors).toBe(before + 2 * 4 + 2 * 2); // the optimizers' moments (m, v per variable), nothing else
    const resumed = await train(fresh, metadata!.step as number, 10);
    expect(resumed).toEqual(onwards);

    // without the optimizer state, or without u, the next losses differ
    const noOptimizer = buildGan(100);
    await loadState(noOptimizer.checkpoint, withG);
    expect(await train(noOptimizer, 5, 10)).not.toEqual(onwards);
    const noU = buildGan(100);
    const initialU = noU.spectral.map((sn) => tf.clone(sn.u));
    await loadState(noU.checkpoint, withG, { optimizer: noU.generatorOptimizer });
    await loadState(noU.checkpoint, withD, { optimizer: noU.discriminatorOptimizer });
    noU.spectral.forEach((sn, i) => sn.loadState({ u: initialU[i]! })); // the weights and moments, but a fresh u
    expect(await train(noU, 5, 10)).not.toEqual(onwards);
    tf.dispose(initialU);
    [gan, fresh, noOptimizer, noU].forEach((g) => g.dispose());
  });

  it('refuses a checkpoint of another architecture and changes nothing', async () => {
    const gan = buildGan(1);
    const io = memoryHandler();
    const wider = buildGan(2);
    await saveState(composeState({ generator: wider.generator, critic: wider.checkpoint }), io);
    const before = Object.fromEntries(Object.entries(gan.checkpoint.getState()).map(([k, t]) => [k, Array.from(t.dataSync())]));
    await expect(loadState(gan.checkpoint, io)).rejects.toThrow(/missing 'critic\/0\/kernel'.*unexpected 'critic\/generator\/0'/);
    const after = Object.fromEntries(Object.entries(gan.checkpoint.getState()).map(([k, t]) => [k, Array.from(t.dataSync())]));
    expect(after).toEqual(before);
    [gan, wider].forEach((g) => g.dispose());
  });
});
