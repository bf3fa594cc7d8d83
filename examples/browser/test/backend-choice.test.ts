// The Node start-up pattern of examples/backend (used by the showcase, the examples and the benchmarks):
// --backend=cuda|wasm|cpu (or GENMOD_BACKEND), --fallback, and what happens when CUDA is asked for and absent.
// It lives here, in the backends example, because examples/backend has no test runner of its own.
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { backendFromArgs, backendListFromArgs, chooseBackend, chooseBackendFromArgs } from '../../backend/src/index.js';

const initial = tf.getBackend();
afterAll(() => tf.setBackend(initial));

describe('backendFromArgs', () => {
  it('reads --backend=NAME, --backend NAME and GENMOD_BACKEND, wasm by default', () => {
    expect(backendFromArgs(['node', 'main.ts', '--backend=cpu'], {})).toEqual({ name: 'cpu', fallback: false });
    expect(backendFromArgs(['node', 'main.ts', '--backend', 'cuda'], {})).toEqual({ name: 'cuda', fallback: false });
    expect(backendFromArgs(['node', 'main.ts'], { GENMOD_BACKEND: 'cpu' })).toEqual({ name: 'cpu', fallback: false });
    expect(backendFromArgs(['node', 'main.ts', '--backend=wasm'], { GENMOD_BACKEND: 'cpu' }).name).toBe('wasm'); // the flag wins
    expect(backendFromArgs(['node', 'main.ts'], {})).toEqual({ name: 'wasm', fallback: false });
  });

  it('reads --fallback and GENMOD_BACKEND_FALLBACK=1', () => {
    expect(backendFromArgs(['node', 'main.ts', '--backend=cuda', '--fallback'], {}).fallback).toBe(true);
    expect(backendFromArgs(['node', 'main.ts'], { GENMOD_BACKEND_FALLBACK: '1' }).fallback).toBe(true);
  });

  it('names an unknown backend and where it came from', () => {
    expect(() => backendFromArgs(['node', 'main.ts', '--backend=webgpu'], {})).toThrow('backend must be one of cuda, native, wasm, cpu, got "webgpu" (from --backend or GENMOD_BACKEND)');
  });
});

describe('backendListFromArgs (tools that run several backends in turn)', () => {
  it('takes --backends=a,b, or the single --backend / GENMOD_BACKEND of every app, or the default list', () => {
    expect(backendListFromArgs(['node', 'bench', '--backends=cpu,wasm'], {})).toEqual(['cpu', 'wasm']);
    expect(backendListFromArgs(['node', 'bench', '--backend=cpu'], {})).toEqual(['cpu']);
    expect(backendListFromArgs(['node', 'bench'], { GENMOD_BACKEND: 'wasm' })).toEqual(['wasm']);
    expect(backendListFromArgs(['node', 'bench'], {})).toEqual(['wasm', 'cpu']);
    expect(() => backendListFromArgs(['node', 'bench', '--backends=wasm,tpu'], {})).toThrow('--backends must list some of cuda, native, wasm, cpu, got "wasm,tpu"');
  });
});

describe('chooseBackend', () => {
  afterEach(() => {
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
  });

  it('starts wasm and cpu as asked, with no reason', async () => {
    expect(await chooseBackend('cpu')).toEqual({ requested: 'cpu', active: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(await chooseBackend('wasm')).toEqual({ requested: 'wasm', active: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('cuda without @tensorflow/tfjs-node-gpu: an error that says what is missing and how to fix it', async () => {
    await tf.setBackend('cpu');
    await expect(chooseBackend('cuda')).rejects.toThrow(
      'backend "cuda" is not available: the package @tensorflow/tfjs-node-gpu is not installed (npm install @tensorflow/tfjs-node-gpu; its install step downloads libtensorflow with CUDA). Pass --fallback to fall back to wasm or cpu.',
    );
    expect(tf.getBackend()).toBe('cpu'); // nothing changed
  });

  it('cuda with --fallback: falls back to wasm and says why', async () => {
    const choice = await chooseBackend('cuda', { fallback: true });
    expect(choice).toEqual({ requested: 'cuda', active: 'wasm', reason: expect.stringMatching(/^cuda: the package @tensorflow\/tfjs-node-gpu is not installed/) });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('cuda with the package but no libtensorflow: says so', async () => {
    const loadNodeGpu = () => Promise.reject(new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory'));
    await expect(chooseBackend('cuda', { loadNodeGpu })).rejects.toThrow(/backend "cuda" is not available: libtensorflow could not be loaded \(libtensorflow\.so\.2: cannot open shared object file.*\): reinstall @tensorflow\/tfjs-node-gpu with network access/);
  });

  it('cuda with libtensorflow but no GPU: says so, and falls back when told to', async () => {
    // a stand-in for tfjs-node-gpu's `tensorflow` backend that found no CUDA device
    const loadNodeGpu = async () => {
      if (!tf.findBackendFactory('tensorflow')) tf.registerBackend('tensorflow', () => Object.assign(Object.create(tf.findBackend('cpu')!), { isUsingGpuDevice: false }));
    };
    await expect(chooseBackend('cuda', { loadNodeGpu })).rejects.toThrow('libtensorflow loaded but found no CUDA GPU (check the NVIDIA driver and CUDA/cuDNN versions)');
    const choice = await chooseBackend('cuda', { loadNodeGpu, fallback: true });
    expect(choice.active).toBe('wasm');
    expect(choice.reason).toMatch(/^cuda: libtensorflow loaded but found no CUDA GPU/);
  });

  it('chooseBackendFromArgs prints the choice and the reason', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await chooseBackendFromArgs(['node', 'main.ts', '--backend=cuda', '--fallback'], {});
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^backend: wasm \(asked for cuda; cuda: the package @tensorflow\/tfjs-node-gpu is not installed/));
      await chooseBackendFromArgs(['node', 'main.ts'], { GENMOD_BACKEND: 'cpu' });
      expect(log).toHaveBeenLastCalledWith('backend: cpu');
    } finally {
      log.mockRestore();
    }
  });
});
