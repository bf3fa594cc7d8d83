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
 */
import * as tf from '@tensorflow/tfjs';

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

async function tryCuda(): Promise<string | undefined> {
  try {
    // A computed specifier keeps bundlers and type-checkers from requiring the optional package.
    const pkg = '@tensorflow/tfjs-node-gpu';
    await import(/* @vite-ignore */ pkg);
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

const starters: Record<BackendName, () => Promise<string | undefined>> = { cuda: tryCuda, wasm: tryWasm, cpu: tryCpu };

/**
 * Activates the requested backend. Without `fallback`, a backend that cannot start throws an Error saying
 * what is missing and how to fix it; with it, the next of wasm → cpu is tried and the reason recorded.
 */
export async function chooseBackend(requested: BackendName, options: { fallback?: boolean } = {}): Promise<BackendChoice> {
  const order = [requested, ...(['wasm', 'cpu'] as BackendName[]).filter((b) => b !== requested)];
  const reasons: string[] = [];
  for (const name of order) {
    const failure = await starters[name]();
    if (failure === undefined) {
      await tf.ready();
      return { requested, active: tf.getBackend(), ...(reasons.length ? { reason: reasons.join('; ') } : {}) };
    }
    reasons.push(`${name}: ${failure}`);
    if (!options.fallback) throw new Error(`backend "${name}" is not available: ${failure}. Pass --fallback to fall back to wasm or cpu.`);
  }
  throw new Error(`no backend could start: ${reasons.join('; ')}`);
}

/** `chooseBackend(backendFromArgs())`, printing the choice. */
export async function chooseBackendFromArgs(): Promise<BackendChoice> {
  const { name, fallback } = backendFromArgs();
  const choice = await chooseBackend(name, { fallback });
  console.log(`backend: ${choice.active}${choice.reason ? ` (asked for ${choice.requested}; ${choice.reason})` : ''}`);
  return choice;
}
