/**
 * Saving and restoring a trained flow, without the page (issue 15): the shipped flow trained in Node by
 * examples/flows-2d, loaded from its model.json + weights.bin; and a save → load round trip through any tf.io
 * destination (`indexeddb://…` in the page, an in-memory handler in the Node test) of a flow that holds every
 * kind of state: ActNorm (with its initialised flag), an affine coupling, BatchNorm (with running statistics),
 * a spline coupling, and Adam's moments beside them.
 */
import * as tf from '@tensorflow/tfjs';
import {
  StandardNormal, TransformedDistribution, actNorm, affineCoupling, batchNorm, chain, deriveSeed, loadState, mlp, rationalQuadraticSpline,
  reverse, saveState,
} from '@genmod/flows';
import { architectureFromMetadata, buildFlow, type FlowArchitecture } from '@genmod-examples/flows-2d/models';
import { twoMoons } from './flow-model.js';

/** Where the page finds the flow that `npm run export-model` (examples/flows-2d) trained and saved. */
export const PRETRAINED_URL = 'models/two-moons-spline/model.json';

export interface Pretrained {
  flow: TransformedDistribution;
  architecture: FlowArchitecture;
  /** what flows-2d stored beside the weights: architecture, density, steps, held-out NLL, backend */
  metadata: Record<string, unknown>;
  /** bytes of weights */
  bytes: number;
}

/**
 * Loads a flow saved by flows-2d: reads the artifacts once (model.json, then weights.bin), rebuilds the flow
 * from the architecture in their metadata with the same builder flows-2d trained (`buildFlow`), then
 * `loadState` checks and assigns every tensor. `source`: a URL for `tf.io.http`, or any tf.io handler.
 */
export async function loadPretrained(source: string | tf.io.IOHandler = PRETRAINED_URL): Promise<Pretrained> {
  const artifacts = await (typeof source === 'string' ? tf.io.http(source) : source).load!();
  const metadata = (artifacts.userDefinedMetadata ?? {}) as Record<string, unknown>;
  const architecture = architectureFromMetadata(metadata);
  const flow = buildFlow(architecture, 0); // any seed: every weight is replaced
  try {
    await loadState(flow, tf.io.fromMemory(artifacts));
  } catch (e) {
    flow.dispose();
    throw e;
  }
  const bytes = (artifacts.weightSpecs ?? []).reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  return { flow, architecture, metadata, bytes };
}

/** A 2-D flow with every kind of state the flows package has: ActNorm, an affine coupling, BatchNorm, a spline. */
export function buildStatefulFlow(seed: number, hidden = 16, withBatchNorm = true) {
  const bn = batchNorm({ features: 2 });
  const bijector = chain(
    actNorm({ features: 2 }),
    affineCoupling({ mask: [1, 0], conditioner: mlp({ inputs: 2, hidden: [hidden], outputs: 4, seed: deriveSeed(seed, 'coupling') }) }),
    ...(withBatchNorm ? [bn] : []),
    rationalQuadraticSpline({ mask: [0, 1], bins: 4, bound: 4, conditioner: mlp({ inputs: 2, hidden: [hidden], outputs: 2 * 11, seed: deriveSeed(seed, 'spline'), zeroLast: false }) }),
    reverse(),
  );
  if (!withBatchNorm) bn.dispose();
  return { flow: new TransformedDistribution(new StandardNormal([2]), bijector), bn: withBatchNorm ? bn : undefined };
}

export interface RoundTripReport {
  backend: string;
  /** the tfjs flags turned off for the round trip (small ops on CPU-resident tensors forwarded to the CPU) */
  cpuForwardOff: string[];
  /** the state's structural names */
  names: string[];
  weightBytes: number;
  /** logProb at probe points of the saved flow and of a fresh flow (another seed) after loadState: bit for bit? */
  logProbIdentical: boolean;
  /** seeded samples of both: bit for bit? */
  sampleIdentical: boolean;
  /** the largest |difference| of the two logProb vectors (0 when identical) */
  logProbMaxAbsDiff: number;
  /** the saved flow's logProb computed twice: bit for bit? (the backend's own determinism) */
  repeatIdentical: boolean;
  /** names of the state whose values differ between the saved flow (when saved) and the restored one */
  stateDiffers: string[];
  /** ActNorm's `initialized` in the restored flow, read before its first call (1: not re-initialised) */
  actNormInitialized: number;
  /** BatchNorm's running mean and variance restored bit for bit */
  runningStatsIdentical: boolean;
  /** the next losses of the saved flow trained on, and of the restored flow with the restored Adam */
  continuedLosses: number[];
  resumedLosses: number[];
  /** loadState of the checkpoint into other architectures: the Errors, and whether each target kept its state */
  refusals: Array<{ case: string; message: string; unchanged: boolean }>;
  tensorsBefore: number;
  tensorsAfter: number;
}

const bits = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
const stateValues = (f: TransformedDistribution) => Object.values(f.getState()).flatMap((t) => Array.from(t.dataSync()));

/**
 * Trains a stateful flow for `steps` Adam steps, saves it with its optimizer to `destination` (a URL such as
 * 'indexeddb://genmod-round-trip', or a handler with save and load), builds a fresh flow and a fresh Adam, loads
 * both, and compares: logProb and seeded samples bit for bit, ActNorm not re-initialised, BatchNorm's statistics,
 * and the next `resume` losses of the two. Then tries the checkpoint on two other architectures (a wider network:
 * wrong shapes; no BatchNorm: unexpected tensors), which must refuse it and keep their state. Frees everything.
 */
export async function roundTrip(destination: string | tf.io.IOHandler, options: { steps?: number; resume?: number } = {}): Promise<RoundTripReport> {
  // tfjs-webgpu and tfjs-webgl run an op on the CPU when its inputs are small and still live on the CPU. Freshly
  // loaded weights do (they were decoded from bytes); trained ones live on the device. So with CPU forwarding on
  // (the default) a restored flow computes its first ops on other kernels than the flow it was saved from, and
  // logProb differs in the last bits (measured in headless Chromium: 1e-5 nats on WebGPU and WebGL, with every
  // state tensor bit for bit the same). Off for the round trip: every op runs on the device, for both flows.
  const cpuForwardOff: string[] = [];
  for (const f of ['WEBGPU_CPU_FORWARD', 'WEBGL_CPU_FORWARD']) {
    try {
      if (tf.env().getBool(f)) { // throws for a flag whose backend is not imported (Node)
        tf.env().set(f, false);
        cpuForwardOff.push(f);
      }
    } catch {
      // not registered here
    }
  }
  try {
    return await roundTripOnDevice(destination, options, cpuForwardOff);
  } finally {
    for (const f of cpuForwardOff) tf.env().set(f, true);
  }
}

async function roundTripOnDevice(destination: string | tf.io.IOHandler, options: { steps?: number; resume?: number }, cpuForwardOff: string[]): Promise<RoundTripReport> {
  const steps = options.steps ?? 5;
  const resume = options.resume ?? 3;
  const tensorsBefore = tf.memory().numTensors;
  const data = twoMoons(256, 5);
  const probe = tf.tensor2d([[0, 0], [1, 0.5], [-1, -0.3], [0.3, -1.2], [2.5, 1], [-5, 5]]);
  const step = (flow: TransformedDistribution, opt: tf.Optimizer, i: number) => {
    const loss = tf.tidy(() => opt.minimize(() => tf.neg(tf.mean(flow.logProb(tf.slice(data, [(i * 64) % 256, 0], [64, 2])))) as tf.Scalar, true, flow.trainableVariables)!);
    const v = loss.dataSync()[0]!;
    loss.dispose();
    return v;
  };
  /** logProb at the probe points and 64 seeded samples, with BatchNorm on its running statistics */
  const evaluate = (flow: TransformedDistribution, bn?: { training: boolean }) => {
    if (bn) bn.training = false;
    const out = tf.tidy(() => [flow.logProb(probe).dataSync(), flow.sample([64], { seed: 42 }).dataSync()] as const);
    if (bn) bn.training = true;
    return out;
  };

  const saved = buildStatefulFlow(1);
  const optSaved = tf.train.adam(1e-2);
  for (let i = 0; i < steps; i++) step(saved.flow, optSaved, i);
  const result = await saveState(saved.flow, destination, { optimizer: optSaved, metadata: { note: 'examples/browser round trip', steps } });
  const [lpSaved, sampleSaved] = evaluate(saved.flow, saved.bn);
  const [lpSavedAgain] = evaluate(saved.flow, saved.bn);
  const savedValues = Object.fromEntries(Object.entries(saved.flow.getState()).map(([n, t]) => [n, t.dataSync().slice()]));
  const statsSaved = [...saved.bn!.runningMean.dataSync(), ...saved.bn!.runningVariance.dataSync()];
  const continuedLosses = Array.from({ length: resume }, (_, i) => step(saved.flow, optSaved, steps + i));

  const restored = buildStatefulFlow(2); // another seed: every weight differs until loaded
  const optRestored = tf.train.adam(1e-2);
  await loadState(restored.flow, destination, { optimizer: optRestored });
  const actNormInitialized = restored.flow.getState()['bijector/0/initialized']!.dataSync()[0]!;
  const statsRestored = [...restored.bn!.runningMean.dataSync(), ...restored.bn!.runningVariance.dataSync()];
  const stateDiffers = Object.entries(restored.flow.getState()).filter(([n, t]) => !bits(t.dataSync(), savedValues[n]!)).map(([n]) => n);
  const [lpRestored, sampleRestored] = evaluate(restored.flow, restored.bn);
  const resumedLosses = Array.from({ length: resume }, (_, i) => step(restored.flow, optRestored, steps + i));

  const refusals: RoundTripReport['refusals'] = [];
  for (const [name, other] of [['a wider network (wrong shapes)', buildStatefulFlow(3, 24)], ['no BatchNorm (unexpected tensors)', buildStatefulFlow(3, 16, false)]] as const) {
    const before = stateValues(other.flow);
    let message = '';
    try {
      await loadState(other.flow, destination);
    } catch (e) {
      message = (e as Error).message;
    }
    refusals.push({ case: name, message, unchanged: bits(before, stateValues(other.flow)) });
    other.flow.dispose();
  }

  const names = Object.keys(saved.flow.getState());
  tf.dispose([data, probe]);
  for (const f of [saved, restored]) f.flow.dispose();
  optSaved.dispose();
  optRestored.dispose();
  if (typeof destination === 'string' && /^(indexeddb|localstorage):\/\//.test(destination)) await tf.io.removeModel(destination);
  return {
    backend: tf.getBackend(),
    cpuForwardOff,
    names,
    weightBytes: result.modelArtifactsInfo.weightDataBytes ?? 0,
    logProbIdentical: bits(lpSaved, lpRestored),
    sampleIdentical: bits(sampleSaved, sampleRestored),
    logProbMaxAbsDiff: Math.max(...Array.from(lpSaved, (v, i) => Math.abs(v - lpRestored[i]!))),
    repeatIdentical: bits(lpSaved, lpSavedAgain),
    stateDiffers,
    actNormInitialized,
    runningStatsIdentical: bits(statsSaved, statsRestored),
    continuedLosses,
    resumedLosses,
    refusals,
    tensorsBefore,
    tensorsAfter: tf.memory().numTensors,
  };
}
