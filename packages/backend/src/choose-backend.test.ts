// The start-up choice of every genmod app: the names and flags it reads, the fallback chains of Node and the
// browser, and the messages that say what is missing and how to fix it. The optional backend packages that
// cannot be installed here (tfjs-node, tfjs-node-gpu) or do not run in Node (webgpu, webgl) are exercised
// through their real absence or through stand-in loaders.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { BACKEND_PACKAGES, backendOrder, chooseBackend, currentPlatform, type BackendLoader } from './index.js';
import { backendFromArgs, backendListFromArgs, chooseBackendFromArgs, chooseNodeBackend } from './node.js';

const initial = tf.getBackend();
afterAll(async () => {
  // leave the engine as the setup made it for the other test files of this worker
  await chooseBackend(initial as 'cpu' | 'wasm', { fastMatMulGradient: false, kernelOverrides: false });
});
afterEach(() => {
  if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  vi.unstubAllGlobals();
});

const missing = (pkg: string): BackendLoader => () => Promise.reject(new Error(`Cannot find package '${pkg}' imported from /app/index.js`));
/** a stand-in for a backend package: registers `name` as a copy of the cpu backend with extra fields */
const standIn = (name: string, extra: object = {}): BackendLoader => async () => {
  if (!tf.findBackendFactory(name)) tf.registerBackend(name, () => Object.assign(Object.create(tf.findBackend('cpu')!), extra));
};

describe('backendFromArgs', () => {
  it('reads --backend=NAME, --backend NAME and GENMOD_BACKEND, wasm by default', () => {
    expect(backendFromArgs(['node', 'main.js', '--backend=cpu'], {})).toEqual({ name: 'cpu', fallback: false });
    expect(backendFromArgs(['node', 'main.js', '--backend', 'cuda'], {})).toEqual({ name: 'cuda', fallback: false });
    expect(backendFromArgs(['node', 'main.js', '--backend=native'], {})).toEqual({ name: 'native', fallback: false });
    expect(backendFromArgs(['node', 'main.js'], { GENMOD_BACKEND: 'cpu' })).toEqual({ name: 'cpu', fallback: false });
    expect(backendFromArgs(['node', 'main.js', '--backend=wasm'], { GENMOD_BACKEND: 'cpu' }).name).toBe('wasm'); // the flag wins
    expect(backendFromArgs(['node', 'main.js'], {})).toEqual({ name: 'wasm', fallback: false });
  });

  it('reads --fallback and GENMOD_BACKEND_FALLBACK=1', () => {
    expect(backendFromArgs(['node', 'main.js', '--backend=cuda', '--fallback'], {}).fallback).toBe(true);
    expect(backendFromArgs(['node', 'main.js'], { GENMOD_BACKEND_FALLBACK: '1' }).fallback).toBe(true);
  });

  it('reads --threads=N, --threads N and GENMOD_WASM_THREADS (1 to 8), the flag first', () => {
    expect(backendFromArgs(['node', 'main.js', '--threads=2'], {})).toEqual({ name: 'wasm', fallback: false, threads: 2 });
    expect(backendFromArgs(['node', 'main.js', '--threads', '4'], {}).threads).toBe(4);
    expect(backendFromArgs(['node', 'main.js'], { GENMOD_WASM_THREADS: '3' }).threads).toBe(3);
    expect(backendFromArgs(['node', 'main.js', '--threads=1'], { GENMOD_WASM_THREADS: '3' }).threads).toBe(1);
    for (const bad of ['0', '9', '2.5', 'two', '']) {
      expect(() => backendFromArgs(['node', 'main.js', `--threads=${bad}`], {})).toThrow(`threads must be an integer from 1 to 8, got "${bad}" (from --threads or GENMOD_WASM_THREADS)`);
    }
  });

  it('names an unknown backend and where it came from', () => {
    expect(() => backendFromArgs(['node', 'main.js', '--backend=webgpu'], {})).toThrow('backend must be one of cuda, native, wasm, cpu, got "webgpu" (from --backend or GENMOD_BACKEND)');
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

describe('backendOrder', () => {
  it('Node: the one asked for, then wasm → cpu; browser: the ones after it in webgpu → webgl → wasm → cpu', () => {
    expect(currentPlatform()).toBe('node');
    expect(backendOrder(undefined, 'node')).toEqual(['wasm', 'cpu']);
    expect(backendOrder('cuda', 'node')).toEqual(['cuda', 'wasm', 'cpu']);
    expect(backendOrder('native', 'node')).toEqual(['native', 'wasm', 'cpu']);
    expect(backendOrder('wasm', 'node')).toEqual(['wasm', 'cpu']);
    expect(backendOrder('cpu', 'node')).toEqual(['cpu']);
    expect(backendOrder(undefined, 'browser')).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(backendOrder('webgl', 'browser')).toEqual(['webgl', 'wasm', 'cpu']);
    // the backends an app ships (a page without the wasm files)
    expect(backendOrder(undefined, 'browser', ['webgpu', 'webgl', 'cpu'])).toEqual(['webgpu', 'webgl', 'cpu']);
    expect(backendOrder('webgl', 'browser', ['webgpu', 'webgl', 'cpu'])).toEqual(['webgl', 'cpu']);
  });
});

describe('chooseBackend in Node', () => {
  it('starts wasm and cpu as asked, with no reason', async () => {
    expect(await chooseBackend('cpu')).toEqual({ requested: 'cpu', active: 'cpu', reasons: [], details: [] });
    expect(tf.getBackend()).toBe('cpu');
    expect(await chooseBackend('wasm')).toEqual({ requested: 'wasm', active: 'wasm', reasons: [], details: [], threads: 1 });
    expect(tf.getBackend()).toBe('wasm');
    expect((await chooseBackend()).active).toBe('wasm'); // nothing asked for: wasm first
  });

  it('cuda without @tensorflow/tfjs-node-gpu: an error that says what is missing and how to fix it', async () => {
    await tf.setBackend('cpu');
    await expect(chooseBackend('cuda')).rejects.toThrow(
      'backend "cuda" is not available: the package @tensorflow/tfjs-node-gpu is not installed (npm install @tensorflow/tfjs-node-gpu; its install step downloads libtensorflow with CUDA). Pass --fallback to fall back to wasm or cpu.',
    );
    expect(tf.getBackend()).toBe('cpu'); // nothing changed
  });

  it('native without @tensorflow/tfjs-node: says so; with fallback, wasm', async () => {
    await expect(chooseBackend('native')).rejects.toThrow(
      'backend "native" is not available: the package @tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node; its install step downloads libtensorflow). Pass --fallback to fall back to wasm or cpu.',
    );
    const choice = await chooseBackend('native', { fallback: true });
    expect(choice).toMatchObject({ requested: 'native', active: 'wasm', reasons: [expect.stringMatching(/^native: the package @tensorflow\/tfjs-node is not installed/)] });
  });

  it('native with a tfjs-node stand-in: the tensorflow backend runs', async () => {
    const choice = await chooseBackend('native', { loaders: { native: standIn('tensorflow') } });
    expect(choice).toEqual({ requested: 'native', active: 'tensorflow', reasons: [], details: [] });
    await tf.setBackend('cpu');
  });

  it('cuda with --fallback: falls back to wasm and says why', async () => {
    const choice = await chooseBackend('cuda', { fallback: true });
    expect(choice).toEqual({ requested: 'cuda', active: 'wasm', reasons: [expect.any(String)], reason: expect.stringMatching(/^cuda: the package @tensorflow\/tfjs-node-gpu is not installed/), details: [], threads: 1 });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('cuda with the package but no libtensorflow: says so', async () => {
    const cuda = () => Promise.reject(new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory'));
    await expect(chooseBackend('cuda', { loaders: { cuda } })).rejects.toThrow(/backend "cuda" is not available: libtensorflow could not be loaded \(libtensorflow\.so\.2: cannot open shared object file.*\): reinstall @tensorflow\/tfjs-node-gpu with network access/);
  });

  it('cuda with libtensorflow but no GPU: says so, and falls back when told to', async () => {
    const cuda = standIn('tensorflow', { isUsingGpuDevice: false });
    await expect(chooseBackend('cuda', { loaders: { cuda } })).rejects.toThrow('libtensorflow loaded but found no CUDA GPU (check the NVIDIA driver and CUDA/cuDNN versions)');
    const choice = await chooseBackend('cuda', { loaders: { cuda }, fallback: true });
    expect(choice.active).toBe('wasm');
    expect(choice.reason).toMatch(/^cuda: libtensorflow loaded but found no CUDA GPU/);
  });

  it('cuda with a GPU (stand-in): runs on the tensorflow backend', async () => {
    const choice = await chooseBackend('cuda', { loaders: { cuda: standIn('tensorflow', { isUsingGpuDevice: true }) } });
    expect(choice).toMatchObject({ requested: 'cuda', active: 'tensorflow', reasons: [] });
    await tf.setBackend('cpu');
  });

  it('a loader that registers nothing, or throws something else, is named', async () => {
    await expect(chooseBackend('native', { loaders: { native: async () => undefined } })).rejects.toThrow(
      `backend "native" is not available: @tensorflow/tfjs-node loaded but registered no 'tensorflow' backend (is it built for the same @tensorflow/tfjs-core?)`,
    );
    await expect(chooseBackend('native', { loaders: { native: () => Promise.reject(new Error('boom\nstack')) } })).rejects.toThrow('backend "native" is not available: @tensorflow/tfjs-node failed to load: boom.');
  });

  it('rejects the browser-only names in Node, and names the packages', async () => {
    await expect(chooseBackend('webgpu')).rejects.toThrow('backend must be one of cuda, native, wasm, cpu in Node, got "webgpu"');
    expect(BACKEND_PACKAGES).toMatchObject({ cuda: '@tensorflow/tfjs-node-gpu', native: '@tensorflow/tfjs-node', wasm: '@tensorflow/tfjs-backend-wasm' });
  });

  it('chooseNodeBackend registers file://; chooseBackendFromArgs prints the choice and the reason', async () => {
    await chooseNodeBackend('cpu');
    expect(tf.io.getSaveHandlers('file://./somewhere')).toHaveLength(1);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await chooseBackendFromArgs(['node', 'main.js', '--backend=cuda', '--fallback'], {});
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^backend: wasm \(asked for cuda; cuda: the package @tensorflow\/tfjs-node-gpu is not installed/));
      await chooseBackendFromArgs(['node', 'main.js'], { GENMOD_BACKEND: 'cpu' });
      expect(log).toHaveBeenLastCalledWith('backend: cpu');
    } finally {
      log.mockRestore();
    }
  });
});

describe('chooseBackend in a browser (platform: browser, the page simulated)', () => {
  const webgl = missing('@tensorflow/tfjs-backend-webgl');

  it('nothing asked for: webgpu → webgl → wasm, saying why each was skipped', async () => {
    const choice = await chooseBackend(undefined, { platform: 'browser', loaders: { webgl } });
    expect(choice.active).toBe('wasm');
    expect(choice.reasons).toEqual([
      'webgpu: navigator.gpu missing (this browser does not expose WebGPU; Chromium needs a secure context, and headless Chromium --enable-unsafe-webgpu)',
      `webgl: the package @tensorflow/tfjs-backend-webgl is not installed or cannot be loaded here (npm install @tensorflow/tfjs-backend-webgl; in a bundled page, import '@tensorflow/tfjs-backend-webgl' yourself or pass loaders)`,
    ]);
  });

  it('an adapter-less WebGPU, and a WebGPU package that registered nothing', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    let choice = await chooseBackend('webgpu', { platform: 'browser', fallback: true, loaders: { webgl } });
    expect(choice.reasons[0]).toBe('webgpu: navigator.gpu.requestAdapter() returned null (no usable GPU adapter; blocklisted driver or WebGPU disabled)');
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ info: { vendor: 'acme', architecture: 'swift' } }) } });
    choice = await chooseBackend('webgpu', { platform: 'browser', fallback: true, loaders: { webgl, webgpu: async () => undefined } });
    expect(choice.reasons[0]).toBe('webgpu: the webgpu backend was not registered (@tensorflow/tfjs-backend-webgpu found no navigator.gpu at import)');
    expect(choice.active).toBe('wasm');
  });

  it('a working WebGPU (stand-in adapter and backend): started, its adapter in details', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ info: { vendor: 'acme', device: 'soft' }, isFallbackAdapter: true }) } });
    // the flag tfjs-backend-webgpu registers, which the readback check turns off while it reads
    try {
      tf.env().getBool('WEBGPU_CPU_FORWARD');
    } catch {
      tf.env().registerFlag('WEBGPU_CPU_FORWARD', () => true);
    }
    // the readback check computes 41 + 1 on the device: the stand-in borrows the cpu backend's Add
    if (!tf.getKernel('Add', 'webgpu')) tf.registerKernel({ ...tf.getKernel('Add', 'cpu')!, backendName: 'webgpu' });
    const choice = await chooseBackend(undefined, { platform: 'browser', loaders: { webgpu: standIn('webgpu') } });
    expect(choice).toEqual({ requested: undefined, active: 'webgpu', reasons: [], details: ['WebGPU adapter: acme / soft (fallback adapter)'] });
    await tf.setBackend('cpu');
  });

  it('a forced backend that cannot start throws without fallback, in browser words', async () => {
    await expect(chooseBackend('webgl', { platform: 'browser', loaders: { webgl } })).rejects.toThrow(/^backend "webgl" is not available: .*\. Pass \{ fallback: true \} to fall back to wasm or cpu\.$/);
    await expect(chooseBackend('cuda', { platform: 'browser' })).rejects.toThrow('backend must be one of webgpu, webgl, wasm, cpu in a browser, got "cuda"');
    await expect(chooseBackend(undefined, { platform: 'browser', backends: ['webgl', 'cuda'] })).rejects.toThrow('options.backends must list some of webgpu, webgl, wasm, cpu, got ["webgl","cuda"]');
  });

  it('only the backends the page ships: webgl failing falls to cpu, not wasm', async () => {
    const choice = await chooseBackend('webgl', { platform: 'browser', fallback: true, backends: ['webgpu', 'webgl', 'cpu'], loaders: { webgl } });
    expect(choice.active).toBe('cpu');
    expect(choice.reasons).toEqual([expect.stringMatching(/^webgl: the package @tensorflow\/tfjs-backend-webgl is not installed/)]);
  });
});
