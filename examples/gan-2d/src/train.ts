/**
 * The two GANs of the example, on the ring of 8 Gaussians: a non-saturating GAN (Goodfellow et al. 2014) and a
 * WGAN-GP (Gulrajani et al. 2017), both trained by `trainAdversarial` with the same architectures (MLPs over
 * tf.Variables: a ReLU generator from N(0, I₂), a leakyRelu(0.2) discriminator), with mode coverage measured at
 * checkpoints.
 *
 * Shared by main.ts (the full run) and train.test.ts (a bounded run that must cover ≥ 7 of 8 modes).
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, gradientPenalty, nonSaturatingLoss, trainAdversarial, wassersteinLoss, type GanLoss, type Penalty } from '@genmod/adversarial';
import { modeCoverage, ringOfGaussians, type ModeCoverage } from '@genmod/adversarial/testing';

export type GanKind = 'non-saturating' | 'wgan-gp';

/** The example's defaults (the full run and the test). */
export const CONFIG = {
  /** generator steps of the full run */
  steps: 600,
  /** generator steps of the test */
  testSteps: 250,
  batch: 128,
  /** hidden width of both 2-layer MLPs */
  width: 64,
  /** samples drawn at each checkpoint */
  evalSamples: 2000,
  /**
   * the ring's component standard deviation (radius 2, modes 1.53 apart): 0.1, wider than the 0.02 of Metz et
   * al. and VEEGAN, so that a one-minute run can place a fifth of each mode's share within 3σ = 0.3
   */
  std: 0.1,
  /** Adam's learning rate for both networks (Gulrajani et al. use 1e-4 and 100k steps) */
  learningRate: 2e-3,
  /** the WGAN-GP penalty weight λ (the paper's 10 hopped between modes at this learning rate; its toy code used 0.1, slower here) */
  lambda: 1,
  /**
   * discriminator (critic) steps per generator step, for both models: WGAN-GP's 5; the non-saturating GAN gets
   * the same discriminator budget (with `trainAdversarial`'s default of 1 it is still a blur of rays after 600
   * steps: a 2-64-64-1 discriminator learns the 8 bumps slowly), so the comparison isolates loss and penalty
   */
  criticSteps: 5,
};

export interface RunOptions {
  kind: GanKind;
  /** generator steps */
  steps: number;
  /** checkpoints at these generator steps (a final one at `steps` is always added) */
  checkpoints?: number[];
  seed?: number;
  batch?: number;
  /** hidden width of both networks */
  width?: number;
  /** samples drawn at each checkpoint for the metric and the figure */
  evalSamples?: number;
  /** the ring's component standard deviation */
  std?: number;
  /** Adam's learning rate for both networks */
  learningRate?: number;
  /** the gradient penalty's weight λ (WGAN-GP) */
  lambda?: number;
  /** critic updates per generator update (default CONFIG.criticSteps for both) */
  criticSteps?: number;
  onCheckpoint?: (c: Checkpoint) => void;
}

export interface Checkpoint {
  kind: GanKind;
  step: number;
  seconds: number;
  coverage: ModeCoverage;
  /** samples [evalSamples][2] */
  samples: number[][];
  discriminatorLoss: number;
  generatorLoss: number;
}

export interface RunResult {
  kind: GanKind;
  checkpoints: Checkpoint[];
  seconds: number;
}

/** An MLP over tf.Variables (He-normal weights, zero biases), with its variables attached as `trainableVariables`. */
function mlp(sizes: number[], activation: (h: tf.Tensor) => tf.Tensor, seed: number) {
  const vars = tf.tidy(() =>
    sizes.slice(1).flatMap((out, l) => [
      tf.variable(tf.randomNormal([sizes[l]!, out], 0, Math.sqrt(2 / sizes[l]!), 'float32', deriveSeed(seed, 'layer', l)), true, `w${seed}_${l}`),
      tf.variable(tf.zeros([out]), true, `b${seed}_${l}`),
    ]),
  );
  const f = (x: tf.Tensor) => {
    let h = x;
    for (let l = 0; l < sizes.length - 1; l++) {
      h = tf.add(tf.matMul(h, vars[2 * l]!), vars[2 * l + 1]!);
      if (l < sizes.length - 2) h = activation(h);
    }
    return h;
  };
  return Object.assign(f, { trainableVariables: vars });
}

/** Trains one GAN and returns its checkpoints. Disposes everything it made. */
export async function runGan(options: RunOptions): Promise<RunResult> {
  const { kind, steps, seed = 1, batch = CONFIG.batch, width = CONFIG.width, evalSamples = CONFIG.evalSamples, std = CONFIG.std } = options;
  const ring = ringOfGaussians({ modes: 8, radius: 2, std });
  const generator = mlp([2, width, width, 2], tf.relu, deriveSeed(seed, 'generator'));
  const discriminator = mlp([2, width, width, 1], (h) => tf.leakyRelu(h, 0.2), deriveSeed(seed, 'discriminator'));
  const wgan = kind === 'wgan-gp';
  const loss: GanLoss = wgan ? wassersteinLoss : nonSaturatingLoss;
  // WGAN-GP: Adam(β₁ = 0.5, β₂ = 0.9) and 5 critic steps per generator step, as Gulrajani et al.; the
  // learning rate is raised from their 1e-4 so that a run takes a minute (the 2-D task tolerates it).
  const { learningRate = CONFIG.learningRate, lambda = CONFIG.lambda } = options;
  const generatorOptimizer = tf.train.adam(learningRate, 0.5, wgan ? 0.9 : 0.999);
  const discriminatorOptimizer = tf.train.adam(learningRate, 0.5, wgan ? 0.9 : 0.999);
  const penalty: Penalty | undefined = wgan ? ({ discriminator: d, real, fake, seed: s }) => gradientPenalty(d, real, fake, { seed: s, weight: lambda }) : undefined;
  const marks = new Set([...(options.checkpoints ?? []), steps]);
  const checkpoints: Checkpoint[] = [];
  const start = performance.now();
  const evalNoise = tf.randomNormal([evalSamples, 2], 0, 1, 'float32', deriveSeed(seed, 'eval'));
  const checkpoint = (step: number, dLoss: number, gLoss: number) => {
    const samples = tf.tidy(() => generator(evalNoise) as tf.Tensor2D);
    const coverage = modeCoverage(samples, ring.centers, { std: ring.std });
    const c: Checkpoint = { kind, step, seconds: (performance.now() - start) / 1000, coverage, samples: samples.arraySync(), discriminatorLoss: dLoss, generatorLoss: gLoss };
    samples.dispose();
    checkpoints.push(c);
    options.onCheckpoint?.(c);
  };
  if (marks.has(0)) checkpoint(0, NaN, NaN);
  try {
    await trainAdversarial({
      generator,
      discriminator,
      generatorOptimizer,
      discriminatorOptimizer,
      loss,
      steps,
      seed,
      criticSteps: options.criticSteps ?? CONFIG.criticSteps,
      ...(penalty ? { penalty } : {}),
      sampleReal: ({ seed: s }) => ring.sample(batch, { seed: s }),
      sampleNoise: ({ seed: s }) => tf.randomNormal([batch, 2], 0, 1, 'float32', s),
      yieldEvery: 25,
      onStep: (r) => {
        if (marks.has(r.step + 1)) checkpoint(r.step + 1, r.discriminatorLoss, r.generatorLoss);
      },
    });
  } finally {
    evalNoise.dispose();
    tf.dispose([...generator.trainableVariables, ...discriminator.trainableVariables]);
    generatorOptimizer.dispose();
    discriminatorOptimizer.dispose();
  }
  return { kind, checkpoints, seconds: (performance.now() - start) / 1000 };
}
