// Pieces of the workloads counted on their own (kernels, dispatches, reads; never timed): one DDPM sampler step
// and the denoiser it calls, and the gumbelSoftmax forward pass of the gumbel workloads.
import * as tf from '@tensorflow/tfjs';
import { ddpmSample, linearSchedule } from '@genmod/diffusion';
import { gumbelSoftmax } from '@genmod/gumbel';
import { ddpmDenoiser } from './workloads/diffusion.js';

/** Something to count: `setup` builds it and runs it once (the warm-up); each `run` is one more call. */
export interface Probe {
  name: string;
  description: string;
  setup(): Promise<{ run(): Promise<void> | void; dispose(): Promise<void> | void }>;
}

const ddpmSamplerStep: Probe = {
  name: 'ddpm_sampler_step',
  description: "one ddpmSample step (posterior variance) on [512, 2] with the ddpm workload's denoiser, T = 1000 linear",
  async setup() {
    const model = ddpmDenoiser();
    const schedule = linearSchedule(1000, { betaStart: 1e-4, betaEnd: 0.02 });
    const it = ddpmSample(model.denoiser, [512, 2], schedule, { seed: 1 });
    await it.next(); // x_T and the first step
    return {
      async run() {
        await it.next();
      },
      async dispose() {
        await it.return(undefined as unknown as tf.Tensor); // frees the sampler's state
        model.dispose();
        schedule.dispose();
      },
    };
  },
};

const ddpmDenoiserCall: Probe = {
  name: 'ddpm_denoiser',
  description: "the ddpm workload's denoiser alone on x [512, 2], t [512] int32 (what a sampler step calls)",
  async setup() {
    const model = ddpmDenoiser();
    const x = tf.randomNormal([512, 2], 0, 1, 'float32', 1);
    const t = tf.fill([512], 998, 'int32');
    const run = () => tf.dispose(tf.tidy(() => model.denoiser(x, t)));
    run();
    return { run, dispose: () => (tf.dispose([x, t]), model.dispose()) };
  },
};

const gumbelSoftmaxForward: Probe = {
  name: 'gumbel_softmax_forward',
  description: 'gumbelSoftmax(logits [1024, 512], τ = 1, soft), forward only, fresh noise',
  async setup() {
    const logits = tf.randomNormal([1024, 512], 0, 1, 'float32', 1);
    const run = () => tf.dispose(gumbelSoftmax(logits, { temperature: 1 }));
    run();
    return { run, dispose: () => logits.dispose() };
  },
};

export const probes: Probe[] = [ddpmSamplerStep, ddpmDenoiserCall, gumbelSoftmaxForward];
