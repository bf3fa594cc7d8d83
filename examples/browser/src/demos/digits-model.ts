/**
 * The digit demo's model, without the page: the class-conditional MNIST denoiser that examples/diffusion-mnist
 * trained in Node (`npm run train`) and exported (`npm run export-model`) to public/models/mnist-cfg (model.json +
 * weights.bin, float16 weights; the classifier beside it in classifier/, uint8), rebuilt from the architecture in
 * its metadata with the same builder the example trained (`classConditionalNet`) and `loadState`d; sampled with
 * DPM-Solver++(2M) and classifier-free guidance (`sampleDigits`), and each sample read by the classifier.
 */
import * as tf from '@tensorflow/tfjs';
import { loadState } from '@genmod/diffusion';
import {
  architectureFromMetadata, classConditionalNet, mnistClassifier, sampleDigits, variablesState, type ClassConditionalNet, type MnistClassifier, type NetArchitecture,
} from '@genmod-examples/diffusion-mnist/models';

export const DIGITS_URL = 'models/mnist-cfg/model.json';
export const CLASSIFIER_URL = 'models/mnist-cfg/classifier/model.json';

export interface DigitsModel {
  net: ClassConditionalNet;
  classifier: MnistClassifier;
  architecture: NetArchitecture;
  /** what diffusion-mnist stored with the weights (architecture, objective, steps, loss, backend, quantization) */
  metadata: Record<string, unknown>;
  /** bytes of weights, denoiser and classifier */
  bytes: number;
  dispose(): void;
}

const weightBytes = (a: tf.io.ModelArtifacts) => (a.weightData instanceof ArrayBuffer ? a.weightData.byteLength : 0);

/** Loads the exported denoiser and classifier (URLs for `tf.io.http`, or any tf.io handlers). */
export async function loadDigits(source: string | tf.io.IOHandler = DIGITS_URL, classifierSource: string | tf.io.IOHandler = CLASSIFIER_URL): Promise<DigitsModel> {
  const open = (s: string | tf.io.IOHandler) => (typeof s === 'string' ? tf.io.http(s) : s).load!();
  const [artifacts, clfArtifacts] = await Promise.all([open(source), open(classifierSource)]);
  const metadata = (artifacts.userDefinedMetadata ?? {}) as Record<string, unknown>;
  const architecture = architectureFromMetadata(metadata);
  const net = classConditionalNet(architecture, 0); // any seed: every weight is replaced
  const classifier = mnistClassifier(0);
  const dispose = () => {
    net.dispose();
    classifier.dispose();
  };
  try {
    await loadState(variablesState(net.variables), tf.io.fromMemory(artifacts));
    await loadState(variablesState(classifier.variables), tf.io.fromMemory(clfArtifacts));
  } catch (e) {
    dispose();
    throw e;
  }
  return { net, classifier, architecture, metadata, bytes: weightBytes(artifacts) + weightBytes(clfArtifacts), dispose };
}

export interface DigitGrid {
  /** the samples, [count·784] in [−1, 1] */
  pixels: Float32Array;
  /** the classifier's reading of each sample */
  predicted: number[];
  /** network evaluations made (one per step; each evaluates the conditional and the null pass as one batch) */
  evaluations: number;
}

/**
 * Samples `count` digits of one class (or of `labels`), seeded; `onStep` sees the sampler's x̂₀ after each step
 * (values in [−1, 1], valid during the call). Aborts with `signal` (the AbortError propagates, nothing leaks).
 */
export async function sampleDigitGrid(
  model: DigitsModel,
  options: { digit?: number; labels?: number[]; count?: number; steps: number; guidance: number; seed: number; signal?: AbortSignal; onStep?: (step: number, total: number, predX0: Float32Array) => void | Promise<void> },
): Promise<DigitGrid> {
  const labels = options.labels ?? new Array<number>(options.count ?? 16).fill(options.digit ?? 0);
  let x: tf.Tensor | undefined;
  let evaluations = 0;
  try {
    for await (const s of sampleDigits(model.net, { labels, steps: options.steps, guidance: options.guidance, seed: options.seed, signal: options.signal })) {
      evaluations = s.step;
      if (options.onStep) await options.onStep(s.step, s.total, (await s.predX0.data()) as Float32Array);
      if (s.final) x = s.x;
    }
    const pred = tf.tidy(() => tf.argMax(model.classifier.logits(x!), 1));
    const [pixels, p] = await Promise.all([x!.data() as Promise<Float32Array>, pred.data()]);
    pred.dispose();
    return { pixels, predicted: Array.from(p), evaluations };
  } finally {
    x?.dispose();
  }
}
