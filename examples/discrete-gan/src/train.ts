/**
 * Training a token GAN three ways, with the same generator, discriminator, data and loss:
 *
 *  - 'soft':             the discriminator reads soft Gumbel-softmax sequences softmax((logits + g)/τ), and the
 *                        generator's loss is differentiated through them (pathwise, biased by the relaxation);
 *  - 'straight-through': the forward sequence is the exact one-hot Gumbel-max sample, the backward pass uses
 *                        the soft sample's gradient (Jang et al. 2017, §2.2);
 *  - 'reinforce':        hard samples x ~ p_θ, reward log D(x), and the score-function estimate
 *                        (1/n)·Σᵢ (log D(xᵢ) − bᵢ)·∇_θ log p_θ(xᵢ) with a leave-one-out baseline bᵢ
 *                        (Williams 1992; Kool et al. 2019), as SeqGAN does with a policy gradient.
 *
 * In all three the discriminator sees data as exact one-hots and minimizes the same GAN loss.
 *
 * @see Kusner & Hernández-Lobato 2016, arXiv:1611.04051 · Jang, Gu & Poole 2017, arXiv:1611.01144
 * @see Yu et al. 2017, arXiv:1609.05473 (SeqGAN) · Williams 1992, Machine Learning 8
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { nonSaturatingLoss, type GanLoss } from '@genmod/adversarial';
import { exponentialDecay } from '@genmod/gumbel';
import { deriveSeed, leaveOneOutBaseline, scoreFunctionGradient, type Baseline } from '@genmod/reparam';
import { VOCAB, bracketData, sampleStats, type BracketData, type SampleStats } from './brackets.js';
import { GruGenerator, MlpDiscriminator, oneHot } from './models.js';

/** How the generator gets its gradient. */
export type Method = 'soft' | 'straight-through' | 'reinforce';
export const METHODS: readonly Method[] = ['soft', 'straight-through', 'reinforce'];

export interface TrainOptions {
  method: Method;
  /** the seed of the weights, the data stream and the noise */
  seed: number;
  /** sequences per batch (fake and real); default 64 */
  batch?: number;
  /** the GAN loss on discriminator logits; default non-saturating */
  loss?: GanLoss;
  /** Adam learning rates; default 2e-3 for both */
  lrGenerator?: number;
  lrDiscriminator?: number;
  /** Gumbel-softmax temperature per step; default max(0.3, exp(−step/500)) (unused by 'reinforce') */
  temperature?: (step: number) => number;
  /** the REINFORCE baseline; default leave-one-out */
  baseline?: () => Baseline;
  /** GRU state size, latent size (0: none), discriminator width; defaults 64, 16, 128 */
  generatorHidden?: number;
  latent?: number;
  discriminatorHidden?: number;
  /** the data law; default {@link bracketData}() */
  data?: BracketData;
}

/** A training run in progress: one adversarial step at a time, evaluation on demand. */
export interface Trainer {
  readonly method: Method;
  readonly data: BracketData;
  readonly generator: GruGenerator;
  readonly discriminator: MlpDiscriminator;
  /** one discriminator update then one generator update; returns the two losses (numbers) */
  step(): { step: number; discriminatorLoss: number; generatorLoss: number; temperature: number };
  /** `n` hard samples from the generator with a given seed: token arrays */
  sample(n: number, seed: number): number[][];
  /** {@link sampleStats} of `n` hard samples */
  evaluate(n: number, seed: number): SampleStats;
  dispose(): void;
}

/** The default temperature schedule: τ = max(0.3, exp(−step/500)). */
export const defaultTemperature = exponentialDecay({ initial: 1, rate: 1 / 500, min: 0.3 });

export function createTrainer(options: TrainOptions): Trainer {
  const { method, seed } = options;
  if (!METHODS.includes(method)) throw new Error(`createTrainer: options.method must be one of ${METHODS.join(', ')}, got "${String(method)}"`);
  const batch = options.batch ?? 64;
  const loss = options.loss ?? nonSaturatingLoss;
  const tau = options.temperature ?? defaultTemperature;
  const data = options.data ?? bracketData();
  const T = data.maxLength;
  const generator = new GruGenerator({ vocab: VOCAB, length: T, hidden: options.generatorHidden ?? 64, latent: options.latent ?? 16, seed: deriveSeed(seed, 'generator') });
  const discriminator = new MlpDiscriminator({ vocab: VOCAB, length: T, hidden: options.discriminatorHidden ?? 128, seed: deriveSeed(seed, 'discriminator') });
  const gOpt = tf.train.adam(options.lrGenerator ?? 2e-3, 0.5, 0.999);
  const dOpt = tf.train.adam(options.lrDiscriminator ?? 2e-3, 0.5, 0.999);
  const baseline = method === 'reinforce' ? (options.baseline ?? leaveOneOutBaseline)() : undefined;
  let t = 0;
  // distinct seeds for every random draw: (seed, step, purpose), by the one seed scheme
  const seedOf = (purpose: number) => deriveSeed(seed, 'step', t, purpose);

  /** A fake batch [B, T, K]: hard one-hots for REINFORCE, (straight-through) Gumbel-softmax otherwise. */
  const fakes = (temperature: number, z: Tensor, s: number): Tensor =>
    method === 'reinforce' ? oneHot(generator.sample(z, s), VOCAB) : generator.relaxed(z, { temperature, hard: method === 'straight-through', seed: s });

  return {
    method,
    data,
    generator,
    discriminator,
    step() {
      const temperature = tau(t);
      const dLoss = tf.tidy(() => {
        const real = oneHot(tf.tensor2d(data.sample(batch, seedOf(0)), [batch, T], 'int32'), VOCAB);
        const fake = fakes(temperature, generator.latent(batch, seedOf(1)), seedOf(2)); // made outside the tape: only D's weights get gradients
        return dOpt.minimize(() => loss.discriminator(discriminator.logits(real), discriminator.logits(fake)), true, discriminator.variables)!.dataSync()[0]!;
      });
      const gLoss = tf.tidy(() => {
        const z = generator.latent(batch, seedOf(3));
        if (method !== 'reinforce') {
          const value = gOpt.minimize(() => loss.generator(discriminator.logits(fakes(temperature, z, seedOf(4)))), true, generator.variables);
          return value!.dataSync()[0]!;
        }
        // reward r(x) = log D(x) = −softplus(−logit); ascend E[r] with the score-function estimate
        const reward = (x: Tensor) => tf.neg(tf.softplus(tf.neg(discriminator.logits(oneHot(x, VOCAB)))));
        const est = scoreFunctionGradient(reward, (ps) => generator.distribution(z, ps), generator.variables, { samples: batch, baseline: baseline!, seed: seedOf(4) });
        gOpt.applyGradients(generator.variables.map((v, i) => ({ name: v.name, tensor: tf.neg(est.grads[i]!) })));
        const value = -est.value.dataSync()[0]!;
        tf.dispose([est.grads, est.value, est.values]);
        return value;
      });
      return { step: t++, discriminatorLoss: dLoss, generatorLoss: gLoss, temperature };
    },
    sample(n: number, s: number): number[][] {
      return tf.tidy(() => generator.sample(generator.latent(n, s), s + 1).arraySync() as number[][]);
    },
    evaluate(n: number, s: number): SampleStats {
      return sampleStats(this.sample(n, s), data);
    },
    dispose() {
      generator.dispose();
      discriminator.dispose();
      gOpt.dispose();
      dOpt.dispose();
      baseline?.dispose?.();
    },
  };
}

/** One evaluation point of a run. */
export interface EvalPoint extends SampleStats {
  step: number;
  temperature: number;
  discriminatorLoss: number;
  generatorLoss: number;
}

export interface RunOptions extends TrainOptions {
  steps: number;
  /** evaluate every this many steps (and at 0 and at the end); default steps/20 */
  evalEvery?: number;
  /** samples per evaluation; default 512 */
  evalSamples?: number;
  /** called after each evaluation */
  onEval?: (point: EvalPoint) => void;
}

export interface RunResult {
  method: Method;
  history: EvalPoint[];
  final: EvalPoint;
  /** a few final samples as text */
  examples: string[];
  seconds: number;
}

/** Trains for `steps` steps, evaluating on a fixed evaluation seed (common random numbers across checkpoints). */
export function run(options: RunOptions): RunResult {
  const trainer = createTrainer(options);
  const every = options.evalEvery ?? Math.max(1, Math.round(options.steps / 20));
  const n = options.evalSamples ?? 512;
  const evalSeed = 99_991 + options.seed;
  const history: EvalPoint[] = [];
  let last = { discriminatorLoss: NaN, generatorLoss: NaN, temperature: options.method === 'reinforce' ? NaN : (options.temperature ?? defaultTemperature)(0) };
  const record = (step: number) => {
    const { discriminatorLoss, generatorLoss, temperature } = last;
    const point = { step, temperature, discriminatorLoss, generatorLoss, ...trainer.evaluate(n, evalSeed) };
    history.push(point);
    options.onEval?.(point);
  };
  const t0 = performance.now();
  record(0);
  for (let s = 1; s <= options.steps; s++) {
    last = trainer.step();
    if (s % every === 0 || s === options.steps) record(s);
  }
  const seconds = (performance.now() - t0) / 1000;
  const examples = trainer.sample(16, evalSeed + 1).map((x) => x.map((k) => '().'[k]).join(''));
  trainer.dispose();
  return { method: options.method, history, final: history[history.length - 1]!, examples, seconds };
}
