/**
 * A few steps of each demo's computation, without the page: what the backend matrix records the kernels of
 * (beside the golden cases), run in Node on cpu and wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { RelaxedOneHotCategorical, gumbelSoftmax } from '@genmod/gumbel';
import { ddpmSample, finalSample } from '@genmod/diffusion';
import { createFlowModel } from '../src/demos/flow-model.js';
import { createRingModel } from '../src/demos/diffusion-model.js';
import { createFits } from '../src/demos/modes-model.js';
import { DENOISER_ARCHITECTURE, classConditionalNet, mnistClassifier, sampleDigits } from '@genmod-examples/diffusion-mnist/models';

export async function demoWorkloads(): Promise<void> {
  // Gumbel-softmax figure: the density on simplex points and relaxed samples
  const d = new RelaxedOneHotCategorical({ logits: [1, 0.2, -0.5], temperature: 0.5 });
  tf.dispose([d.logProb([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]), gumbelSoftmax([[1, 0.2, -0.5]], { temperature: 0.5, seed: 1 })]);
  d.dispose();
  // flow: two Adam steps, a density grid and samples
  const flow = createFlowModel({ batch: 32 });
  for (let i = 0; i < 2; i++) flow.trainStep(i).dispose();
  tf.dispose([tf.tidy(() => flow.flow.logProb(tf.zeros([4, 2]))), tf.tidy(() => flow.flow.sample([4], { seed: 1 }))]);
  flow.dispose();
  // diffusion: a 5-step DDPM run with the exact ε-model
  const ring = createRingModel(5);
  (await finalSample(ddpmSample(ring.denoiser, [16, 2], ring.schedule, { seed: 1 }))).dispose();
  ring.dispose();
  // digits: 2 guided DPM-Solver++(2M) steps of the MNIST denoiser's architecture (random weights) and the classifier
  const net = classConditionalNet(DENOISER_ARCHITECTURE, 1);
  const clf = mnistClassifier(1);
  for await (const s of sampleDigits(net, { labels: [3, 7], steps: 2, guidance: 3, seed: 1 })) if (s.final) tf.dispose([s.x, tf.tidy(() => tf.argMax(clf.logits(s.x), 1))]);
  net.dispose();
  clf.dispose();
  // the two KL fits: one step each
  const fits = createFits(64);
  for (const f of fits) {
    f.step(1).dispose();
    f.dispose();
  }
}
