// The fresh process of the persistence tests (issue 15): `node --import tsx child.ts <task> <checkpoint dir>`.
// It starts the parent's backend (GENMOD_TEST_BACKEND) the way a Node app does, with @genmod/backend's
// chooseBackend (which registers file://; tfjs's own matMul gradient, as the test setup of the parent), builds the architecture with ANOTHER seed, loads the checkpoint the
// parent saved and prints one JSON line: the probes of models.ts as float32/int32 bit patterns (hex).
import * as tf from '@tensorflow/tfjs-core';
// an app brings the gradients: `@tensorflow/tfjs` registers them on import (@genmod/backend registers none)
import '@tensorflow/tfjs';
import { chooseNodeBackend } from '@genmod/backend/node';
import { loadState as loadFlowState } from '@genmod/flows';
import { loadState as loadVaeState } from '@genmod/vae';
import { buildFlow, buildVqvae, flowData, probeFlow, probeVqvae, stateHex, trainFlow } from './models.js';

// a watchdog of its own: even if the parent dies without killing it, the child does not outlive it by long
setTimeout(() => {
  process.stderr.write('child: watchdog (55 s), exiting\n');
  process.exit(2);
}, 55_000).unref();

const [task, dir] = process.argv.slice(2);
if (task === undefined || dir === undefined) throw new Error('usage: child.ts <flow|vqvae|resume> <dir>');
const wanted = process.env.GENMOD_TEST_BACKEND ?? 'cpu';
if (wanted !== 'cpu' && wanted !== 'wasm') throw new Error(`GENMOD_TEST_BACKEND must be cpu or wasm, got '${wanted}'`);
const choice = await chooseNodeBackend(wanted, { fastMatMulGradient: false });
if (choice.active !== wanted) throw new Error(`backend ${wanted} did not start: ${choice.reason ?? choice.active}`);
const url = (name: string) => `file://${dir}/${name}`;

async function run(): Promise<Record<string, unknown>> {
  const common = { backend: tf.getBackend(), pid: process.pid };
  if (task === 'flow') {
    const m = buildFlow(99); // another seed: every value differs until the state is loaded
    const initializedBeforeLoad = m.norm.initialized;
    const stateBeforeLoad = stateHex(m.flow.getState());
    const before = tf.memory().numTensors;
    const metadata = await loadFlowState(m.flow, url('flow'));
    const tensorsAdded = tf.memory().numTensors - before;
    const state = stateHex(m.flow.getState());
    return { ...common, initializedBeforeLoad, stateBeforeLoad, metadata, tensorsAdded, state, probe: probeFlow(m) };
  }
  if (task === 'vqvae') {
    const m = buildVqvae(1234);
    const stateBeforeLoad = stateHex(m.checkpoint.getState());
    const before = tf.memory().numTensors;
    await loadVaeState(m.checkpoint, url('vqvae'));
    const tensorsAdded = tf.memory().numTensors - before;
    const state = stateHex(m.checkpoint.getState());
    return { ...common, stateBeforeLoad, tensorsAdded, state, probe: probeVqvae(m) };
  }
  if (task === 'resume') {
    const m = buildFlow(77);
    const opt = tf.train.adam(1e-2); // a fresh optimizer: no slots until the checkpoint fills them
    const stateBeforeLoad = stateHex(m.flow.getState());
    const before = tf.memory().numTensors;
    await loadFlowState(m.flow, url('resume'), { optimizer: opt });
    const tensorsAdded = tf.memory().numTensors - before;
    const data = flowData();
    const losses = trainFlow(m, opt, data, 5, 10);
    const state = stateHex(m.flow.getState());
    return { ...common, stateBeforeLoad, tensorsAdded, losses, state };
  }
  throw new Error(`unknown task '${task}'`);
}

run().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
