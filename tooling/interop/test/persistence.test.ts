// Save and restore everything that trains, across processes (issue 15). The parent trains, saves to file://
// (model.json + weights.bin, through @genmod/backend's router: no tfjs-node), and a FRESH Node process
// (test/persistence/child.ts under `node --import tsx`, on the parent's backend: GENMOD_TEST_BACKEND) builds the
// same architecture from another seed, loads, and prints its numbers as float32 bit patterns; they must be the
// parent's, bit for bit. Mismatched checkpoints are refused without changing anything or leaking tensors.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFileRouter } from '@genmod/backend/node';
import { loadState, saveState, type StateDict } from '@genmod/flows';
import { loadState as loadVaeState, saveState as saveVaeState } from '@genmod/vae';
import { buildFlow, buildVqvae, flowData, probeFlow, probeVqvae, stateHex, trainFlow, trainVqvae } from './persistence/models.js';

const CHILD = fileURLToPath(new URL('./persistence/child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url)); // tooling/interop: where tsx resolves
const CHILD_TIMEOUT_MS = 50_000; // below vitest's 60 s, so a hung child is killed and reported, never left behind

/** Runs the child on `task`; resolves with its JSON line. Always waited for; killed (SIGKILL) after the timeout. */
function child(task: string, dir: string): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, task, dir], {
      cwd: ROOT,
      env: { ...process.env, GENMOD_TEST_BACKEND: tf.getBackend() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`child '${task}' ${signal !== null ? `killed by ${signal} (timeout ${CHILD_TIMEOUT_MS} ms)` : `exited with ${code}`}:\n${stderr}\n${stdout}`));
        return;
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`child '${task}' printed no JSON line:\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** the names whose values are the same in two stateHex records */
const sameEntries = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).filter((k) => a[k] === b[k]);

const values = (s: StateDict) => Object.fromEntries(Object.entries(s).map(([k, t]) => [k, Array.from(t.dataSync())]));

let dir: string;
const url = (name: string) => `file://${dir}/${name}`;

beforeAll(async () => {
  registerFileRouter(); // what chooseBackend does in a Node app without tfjs-node
  dir = await mkdtemp(join(tmpdir(), 'genmod-persistence-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a fresh Node process restores a trained model from file:// bit for bit', () => {
  it('a flow (ActNorm, affine couplings, BatchNorm, a rational-quadratic spline) trained with Adam: the same logProb and seeded sample; ActNorm not re-initialised; BatchNorm statistics restored', async () => {
    const start = tf.memory().numTensors;
    const m = buildFlow(10);
    const opt = tf.train.adam(1e-2);
    const data = flowData();
    trainFlow(m, opt, data, 0, 6);
    const count = tf.memory().numTensors;
    await saveState(m.flow, url('flow'), { optimizer: opt, metadata: { hidden: 8, couplings: 2 } });
    expect(tf.memory().numTensors).toBe(count);
    // the layout tfjs-node writes, and what the browser loads with tf.io.http('…/model.json')
    const json = JSON.parse(await readFile(join(dir, 'flow', 'model.json'), 'utf8'));
    expect(json.format).toBe('genmod-state');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const saved = stateHex(m.flow.getState());
    const expected = probeFlow(m);

    const got = await child('flow', dir);
    expect(got.backend).toBe(tf.getBackend());
    expect(got.pid).not.toBe(process.pid);
    expect(sameEntries(got.stateBeforeLoad, saved)).toEqual([]); // the child's own (another seed) differed everywhere
    expect(got.initializedBeforeLoad).toBe(false); // a fresh ActNorm would initialise on its first batch …
    expect(got.probe.initializedBeforeFirstCall).toBe(true); // … the loaded one does not
    expect(got.metadata).toEqual({ hidden: 8, couplings: 2 });
    expect(got.tensorsAdded).toBe(0); // loading assigns the fresh flow's variables; nothing is left behind
    expect(Object.keys(got.state)).toEqual(Object.keys(saved));
    expect(got.state).toEqual(saved);
    expect(got.probe.runningMean).toBe(expected.runningMean);
    expect(got.probe.runningVariance).toBe(expected.runningVariance);
    expect(expected.runningMean).not.toBe(hexOfZeros(3)); // trained statistics, not the initial ones
    expect(got.probe.logProb).toBe(expected.logProb);
    expect(got.probe.sample).toBe(expected.sample);
    expect(got.probe).toEqual(expected);
    opt.dispose();
    data.dispose();
    m.flow.dispose();
    expect(tf.memory().numTensors).toBe(start); // training, saving and probing left nothing behind
  });

  it('a VQ-VAE (mlp encoder/decoder, EMA VectorQuantizer), its autoregressive prior and a spectrally normalized critic in one composeState checkpoint: the same codes, next EMA update, prior logProb and sample, next normalised weight and critic output', async () => {
    const start = tf.memory().numTensors;
    const m = buildVqvae(1);
    const opt = tf.train.adam(1e-2);
    trainVqvae(m, opt, 5);
    opt.dispose();
    const count = tf.memory().numTensors;
    await saveVaeState(m.checkpoint, url('vqvae'));
    expect(tf.memory().numTensors).toBe(count);
    const saved = stateHex(m.checkpoint.getState());
    expect(Object.keys(saved)).toEqual([
      'encoder/0/kernel', 'encoder/0/bias', 'encoder/1/kernel', 'encoder/1/bias',
      'decoder/0/kernel', 'decoder/0/bias', 'decoder/1/kernel', 'decoder/1/bias',
      'quantizer/codebook', 'quantizer/clusterSize', 'quantizer/embedSum', 'quantizer/usageAverage', 'quantizer/updates', 'quantizer/randomState',
      'prior/network/table', 'prior/network/start',
      'critic/0/kernel', 'critic/1/kernel',
      'spectral/u',
    ]);
    const expected = probeVqvae(m);

    // the probe is not vacuous: the next EMA update moves the quantizer, the power step moves u, codes vary
    expect(expected.quantizerAfterUpdate['embedSum']).not.toBe(saved['quantizer/embedSum']);
    expect(expected.quantizerAfterUpdate['codebook']).not.toBe(saved['quantizer/codebook']);
    expect(`float32[8]:${expected.u}`).not.toBe(saved['spectral/u']);
    expect(new Set(expected.indices.match(/.{8}/g)).size).toBeGreaterThan(1); // several codes in use

    const got = await child('vqvae', dir);
    expect(got.backend).toBe(tf.getBackend());
    // the child's model (another seed) differed in every entry before loading
    expect(sameEntries(got.stateBeforeLoad, saved)).toEqual([]);
    expect(got.tensorsAdded).toBe(0);
    expect(got.state).toEqual(saved);
    for (const key of ['indices', 'zQ', 'reconstruction', 'priorLogProb', 'priorSample', 'normalizedWeight', 'u', 'criticOutput'] as const) {
      expect(got.probe[key], key).toBe(expected[key]);
    }
    expect(got.probe.emaRestarted).toBe(expected.emaRestarted);
    expect(got.probe.quantizerAfterUpdate).toEqual(expected.quantizerAfterUpdate);
    expect(got.probe).toEqual(expected);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('resuming training: model + Adam state saved after 5 steps; the child trains the next 10 steps on the same data with the same losses, bit for bit', async () => {
    const start = tf.memory().numTensors;
    const m = buildFlow(20);
    const opt = tf.train.adam(1e-2);
    const data = flowData();
    trainFlow(m, opt, data, 0, 5);
    await saveState(m.flow, url('resume'), { optimizer: opt });
    const onward = trainFlow(m, opt, data, 5, 10);
    const after = stateHex(m.flow.getState());

    const got = await child('resume', dir);
    expect(got.backend).toBe(tf.getBackend());
    expect(sameEntries(got.stateBeforeLoad, after)).toEqual([]);
    expect(new Set(onward).size).toBe(10); // the losses move: ten different numbers
    expect(got.tensorsAdded).toBe(2 * m.flow.trainableVariables.length); // Adam's two moments per variable, nothing else
    expect(got.losses).toHaveLength(10);
    expect(got.losses).toEqual(onward);
    expect(got.state).toEqual(after); // and the same weights after the 10 steps
    opt.dispose();
    data.dispose();
    m.flow.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

function hexOfZeros(n: number): string {
  return Buffer.from(new Float32Array(n).buffer).toString('hex');
}

describe('mismatched checkpoints from file:// are refused with the listing Error and leave the object unchanged', () => {
  /** loads `name` into `target`: must reject with `message`; values, ActNorm's flag and the tensor count unchanged */
  async function refused(target: ReturnType<typeof buildFlow>, name: string, message: RegExp) {
    const before = values(target.flow.getState());
    const flag = target.norm.initialized;
    const count = tf.memory().numTensors;
    await expect(loadState(target.flow, url(name))).rejects.toThrow(message);
    await expect(loadState(target.flow, url(name))).rejects.toThrow(/loadState: the state does not fit this object \(nothing was loaded\)/);
    expect(tf.memory().numTensors).toBe(count);
    expect(values(target.flow.getState())).toEqual(before);
    expect(target.norm.initialized).toBe(flag);
  }

  it('a missing tensor, a wrong shape, a flow with one coupling fewer (both ways), a VQ-VAE with another codebook size; then the right checkpoint loads; no leaks on any path', async () => {
    const start = tf.memory().numTensors;
    const source = buildFlow(30);
    const data = flowData();
    tf.dispose(source.flow.logProb(data)); // ActNorm initialised, BatchNorm statistics moved
    const full = source.flow.getState();
    const { ['bijector/2/runningMean']: _dropped, ...missing } = full;
    await saveState({ getState: () => missing, loadState: () => {} }, url('missing'));
    const narrow = buildFlow(31, { hidden: 4 });
    await saveState(narrow.flow, url('narrow'));
    const shorter = buildFlow(32, { couplings: 1 });
    await saveState(shorter.flow, url('shorter'));
    await saveState(source.flow, url('source'));

    const target = buildFlow(33);
    await refused(target, 'missing', /missing 'bijector\/2\/runningMean'$/);
    await refused(target, 'narrow', /mismatched 'bijector\/1\/net\/0\/kernel': expected float32\[3, 8\], got float32\[3, 4\]; 'bijector\/1\/net\/0\/bias': expected float32\[8\], got float32\[4\]/);
    await refused(target, 'shorter', /missing 'bijector\/4\/net\/0\/kernel', 'bijector\/4\/net\/0\/bias', 'bijector\/4\/net\/1\/kernel', 'bijector\/4\/net\/1\/bias'$/);
    await refused(shorter, 'source', /unexpected 'bijector\/4\/net\/0\/kernel', 'bijector\/4\/net\/0\/bias', 'bijector\/4\/net\/1\/kernel', 'bijector\/4\/net\/1\/bias'$/);
    // an optimizer state asked for but not saved: refused before anything changes
    const opt = tf.train.adam(1e-2);
    const count = tf.memory().numTensors;
    const before = values(target.flow.getState());
    await expect(loadState(target.flow, url('source'), { optimizer: opt })).rejects.toThrow(/the source holds no optimizer state/);
    expect(values(target.flow.getState())).toEqual(before);
    expect(tf.memory().numTensors).toBe(count);
    opt.dispose();

    // the right checkpoint still loads, and the fresh target is the source, flag and statistics included
    expect(target.norm.initialized).toBe(false);
    const loading = tf.memory().numTensors;
    await loadState(target.flow, url('source'));
    expect(tf.memory().numTensors).toBe(loading);
    expect(target.norm.initialized).toBe(true);
    expect(values(target.flow.getState())).toEqual(values(full));

    // a VQ-VAE checkpoint into a model with another codebook size (and the flow's into the VQ-VAE's)
    const vq = buildVqvae(40);
    const vqBefore = values(vq.checkpoint.getState());
    const vqCount = tf.memory().numTensors;
    await expect(loadVaeState(vq.checkpoint, url('source'))).rejects.toThrow(/missing 'encoder\/0\/kernel'.*unexpected 'bijector\/0\/logScale'/);
    // a codebook of 7 rows, saved under the names of this checkpoint
    const wider = tf.zeros([7, 2]);
    const widerState = { ...vq.checkpoint.getState(), 'quantizer/codebook': wider };
    await saveVaeState({ getState: () => widerState, loadState: () => {} }, url('wider'));
    await expect(loadVaeState(vq.checkpoint, url('wider'))).rejects.toThrow(/mismatched 'quantizer\/codebook': expected float32\[6, 2\], got float32\[7, 2\]$/);
    wider.dispose();
    expect(tf.memory().numTensors).toBe(vqCount);
    expect(values(vq.checkpoint.getState())).toEqual(vqBefore);

    vq.dispose();
    [source, narrow, shorter, target].forEach((m) => m.flow.dispose());
    data.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
