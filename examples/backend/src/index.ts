/**
 * Backend choice at start-up, the pattern every genmod app follows: packages never pick a backend; the app
 * does, once, before any tensor is made.
 *
 *   --backend=cuda   @tensorflow/tfjs-node-gpu (optional; loaded dynamically; needs libtensorflow + a GPU)
 *   --backend=wasm   @tensorflow/tfjs-backend-wasm (the default in Node here: SIMD, no native code)
 *   --backend=cpu    the pure-JS reference backend
 *
 * The flag can also come from the GENMOD_BACKEND environment variable. With `--fallback` (or
 * GENMOD_BACKEND_FALLBACK=1) a backend that cannot start falls back to wasm, then cpu, saying why.
 * Tested in examples/browser/test/backend-choice.test.ts; the matMul gradient in src/matmul-gradient.test.ts.
 *
 * chooseBackend also installs {@link enableFastMatMulGradient} (a matMul gradient with explicit transposes,
 * used on wasm only, where tfjs's transposed products are 10–20× slower); `--tfjs-matmul-gradient` (or
 * GENMOD_TFJS_MATMUL_GRADIENT=1, or the option `fastMatMulGradient: false`) keeps tfjs's own gradient.
 *
 * It also registers `file://` for tf.io ({@link registerFileRouter}: model.json + weights.bin, tfjs-node's
 * layout) where tfjs-node has not, so `saveState(model, 'file://./checkpoint')` works on wasm and cpu too.
 */
import * as tf from '@tensorflow/tfjs';
import { enableFastMatMulGradient } from './matmul-gradient.js';
import { registerFileRouter } from './file-system.js';

export { enableFastMatMulGradient, type FastMatMulGradientOptions } from './matmul-gradient.js';
export { fileSystem, registerFileRouter } from './file-system.js';

export type BackendName = 'cuda' | 'wasm' | 'cpu';
const known: BackendName[] = ['cuda', 'wasm', 'cpu'];

export interface BackendChoice {
  /** the backend asked for */
  requested: BackendName;
  /** tf.getBackend() after the choice */
  active: string;
  /** why the active backend differs from the requested one, if it does */
  reason?: string;
}

/** Reads `--backend=NAME` (or `--backend NAME`) and `--fallback` from argv, then GENMOD_BACKEND. */
export function backendFromArgs(argv = process.argv, env = process.env): { name: BackendName; fallback: boolean } {
  let name: string | undefined;
  argv.forEach((a, i) => {
    if (a.startsWith('--backend=')) name = a.slice('--backend='.length);
    else if (a === '--backend') name = argv[i + 1];
  });
  name ??= env.GENMOD_BACKEND ?? 'wasm';
  if (!known.includes(name as BackendName)) {
    throw new Error(`backend must be one of ${known.join(', ')}, got "${name}" (from --backend or GENMOD_BACKEND)`);
  }
  return { name: name as BackendName, fallback: argv.includes('--fallback') || env.GENMOD_BACKEND_FALLBACK === '1' };
}

/** Loads @tensorflow/tfjs-node-gpu (which registers the `tensorflow` backend); replaceable in tests. */
export type NodeGpuLoader = () => Promise<unknown>;

// A computed specifier keeps bundlers and type-checkers from requiring the optional package.
const importNodeGpu: NodeGpuLoader = () => {
  const pkg = '@tensorflow/tfjs-node-gpu';
  return import(/* @vite-ignore */ pkg);
};

/**
 * For tools that run on several backends in turn (the benchmarks): `--backends=wasm,cpu`, or the single
 * `--backend=NAME` / GENMOD_BACKEND every app takes, or `fallbackList` when neither is given.
 */
export function backendListFromArgs(argv = process.argv, env = process.env, fallbackList: BackendName[] = ['wasm', 'cpu']): BackendName[] {
  const list = argv.find((a) => a.startsWith('--backends='))?.slice('--backends='.length);
  if (list !== undefined) {
    const names = list.split(',').filter((n) => n !== '');
    const bad = names.filter((n) => !known.includes(n as BackendName));
    if (names.length === 0 || bad.length) throw new Error(`--backends must list some of ${known.join(', ')}, got "${list}"`);
    return names as BackendName[];
  }
  const single = argv.some((a) => a === '--backend' || a.startsWith('--backend=')) || env.GENMOD_BACKEND !== undefined;
  return single ? [backendFromArgs(argv, env).name] : fallbackList;
}

async function tryCuda(load: NodeGpuLoader): Promise<string | undefined> {
  try {
    await load();
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/Cannot find (module|package)/.test(msg)) {
      return 'the package @tensorflow/tfjs-node-gpu is not installed (npm install @tensorflow/tfjs-node-gpu; its install step downloads libtensorflow with CUDA)';
    }
    if (/libtensorflow|\.so|dlopen/.test(msg)) return `libtensorflow could not be loaded (${msg.split('\n')[0]}): reinstall @tensorflow/tfjs-node-gpu with network access`;
    return `@tensorflow/tfjs-node-gpu failed to load: ${msg.split('\n')[0]}`;
  }
  if (!(await tf.setBackend('tensorflow'))) return 'the tensorflow backend did not initialise';
  const gpu = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
  if (gpu === false) return 'libtensorflow loaded but found no CUDA GPU (check the NVIDIA driver and CUDA/cuDNN versions)';
  return undefined;
}

async function tryWasm(): Promise<string | undefined> {
  await import('@tensorflow/tfjs-backend-wasm');
  return (await tf.setBackend('wasm')) ? undefined : 'the wasm backend did not initialise';
}

async function tryCpu(): Promise<string | undefined> {
  return (await tf.setBackend('cpu')) ? undefined : 'the cpu backend did not initialise';
}

export interface ChooseBackendOptions {
  /** on failure, try wasm then cpu (saying why) instead of throwing */
  fallback?: boolean;
  /** how @tensorflow/tfjs-node-gpu is loaded (default: a dynamic import); tests replace it */
  loadNodeGpu?: NodeGpuLoader;
  /**
   * install {@link enableFastMatMulGradient} (default true; it only changes the gradient on wasm); `false`
   * puts tfjs's own gradient back if an earlier chooseBackend installed it
   */
  fastMatMulGradient?: boolean;
}

let restoreMatMulGradient: (() => void) | undefined;

function setFastMatMulGradient(on: boolean): void {
  if (on && restoreMatMulGradient === undefined) restoreMatMulGradient = enableFastMatMulGradient();
  else if (!on && restoreMatMulGradient !== undefined) {
    restoreMatMulGradient();
    restoreMatMulGradient = undefined;
  }
}

/**
 * Activates the requested backend. Without `fallback`, a backend that cannot start throws an Error saying
 * what is missing and how to fix it; with it, the next of wasm → cpu is tried and the reason recorded.
 */
export async function chooseBackend(requested: BackendName, options: ChooseBackendOptions = {}): Promise<BackendChoice> {
  if (!known.includes(requested)) throw new Error(`backend must be one of ${known.join(', ')}, got "${requested}"`);
  const starters: Record<BackendName, () => Promise<string | undefined>> = { cuda: () => tryCuda(options.loadNodeGpu ?? importNodeGpu), wasm: tryWasm, cpu: tryCpu };
  const order = [requested, ...(['wasm', 'cpu'] as BackendName[]).filter((b) => b !== requested)];
  const reasons: string[] = [];
  for (const name of order) {
    const failure = await starters[name]();
    if (failure === undefined) {
      await tf.ready();
      setFastMatMulGradient(options.fastMatMulGradient ?? true);
      registerFileRouter(); // file:// for tf.io (saveState, LayersModel.save) where tfjs-node has not registered one
      return { requested, active: tf.getBackend(), ...(reasons.length ? { reason: reasons.join('; ') } : {}) };
    }
    reasons.push(`${name}: ${failure}`);
    if (!options.fallback) throw new Error(`backend "${name}" is not available: ${failure}. Pass --fallback to fall back to wasm or cpu.`);
  }
  throw new Error(`no backend could start: ${reasons.join('; ')}`);
}

/**
 * `chooseBackend(backendFromArgs())`, printing the choice; `--tfjs-matmul-gradient` (or
 * GENMOD_TFJS_MATMUL_GRADIENT=1) keeps tfjs's own matMul gradient.
 */
export async function chooseBackendFromArgs(argv = process.argv, env = process.env): Promise<BackendChoice> {
  const { name, fallback } = backendFromArgs(argv, env);
  const fastMatMulGradient = !argv.includes('--tfjs-matmul-gradient') && env.GENMOD_TFJS_MATMUL_GRADIENT !== '1';
  const choice = await chooseBackend(name, { fallback, fastMatMulGradient });
  console.log(`backend: ${choice.active}${choice.reason ? ` (asked for ${choice.requested}; ${choice.reason})` : ''}`);
  return choice;
}
