/**
 * Backend choice at start-up, the pattern every genmod app follows: packages never pick a backend; the app
 * does, once, before any tensor is made.
 *
 * In Node:    cuda (@tensorflow/tfjs-node-gpu) · native (@tensorflow/tfjs-node, libtensorflow's CPU build) ·
 *             wasm (@tensorflow/tfjs-backend-wasm, the default: SIMD, no native code) · cpu (pure JS)
 * In a page:  webgpu (@tensorflow/tfjs-backend-webgpu) · webgl (@tensorflow/tfjs-backend-webgl) · wasm · cpu
 *
 * A backend package is an optional peer dependency, loaded with a dynamic import only when it is chosen and
 * not registered yet (an app that imported it, or `@tensorflow/tfjs`, which brings cpu and webgl, loads
 * nothing more). In a bundled page, bare dynamic imports do not resolve: import the backends you want there,
 * or pass `loaders`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkInteger } from '@genmod-internal/core';
import { setFastMatMulGradient, setKernelOverrides } from './internal/installs.js';
import { syncReadbackProblem, webglDetails, webgpuProblem } from './internal/gpu-checks.js';
import { MAX_WASM_THREADS, prepareWasmThreads, wasmModule, type ThreadsPlan, type WasmModuleLike } from './internal/wasm-threads.js';

/** The backends a Node process can choose. */
export const NODE_BACKENDS = Object.freeze(['cuda', 'native', 'wasm', 'cpu'] as const);
/** The backends a browser page can choose, in the order tried when none is asked for. */
export const BROWSER_BACKENDS = Object.freeze(['webgpu', 'webgl', 'wasm', 'cpu'] as const);

/** A backend {@link chooseBackend} can start. */
export type BackendName = (typeof NODE_BACKENDS)[number] | (typeof BROWSER_BACKENDS)[number];
/** Where the backend is chosen: Node (`process.versions.node`) or a browser page. */
export type Platform = 'node' | 'browser';

/** Loads a backend's package (which registers the backend with tfjs-core); replaceable, e.g. by a bundler's import. */
export type BackendLoader = () => Promise<unknown>;

/** The npm package that registers each backend. */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = Object.freeze({
  cuda: '@tensorflow/tfjs-node-gpu',
  native: '@tensorflow/tfjs-node',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
});

/** The name tfjs-core registers each backend under (`tf.getBackend()` once it runs). */
const tfName = (name: BackendName): string => (name === 'cuda' || name === 'native' ? 'tensorflow' : name);

/** What {@link chooseBackend} did. */
export interface BackendChoice {
  /** the backend asked for (undefined: the first of the platform's order that starts) */
  requested: BackendName | undefined;
  /** tf.getBackend() after the choice */
  active: string;
  /** every backend tried or skipped before the active one, one line each: `name: why` */
  reasons: string[];
  /** `reasons` joined by '; ', present when the active backend is not the one asked for */
  reason?: string;
  /**
   * what is known of the active backend's device (WebGPU adapter, WebGL version and renderer), and why
   * `threads` was not applied where it was not
   */
  details: string[];
  /** on wasm: the threads its XNNPACK pool runs on (1 unless `threads` was asked for and applied) */
  threads?: number;
}

/**
 * Options of {@link chooseBackend}.
 * @since 0.1.0
 */
export interface ChooseBackendOptions {
  /**
   * when the requested backend cannot start, try the next ones (Node: wasm → cpu; browser: the ones after it
   * in webgpu → webgl → wasm → cpu) and say why, instead of throwing. Default: true when no backend is
   * requested, false otherwise.
   */
  fallback?: boolean;
  /** how each backend's package is loaded (default: a dynamic import of {@link BACKEND_PACKAGES}) */
  loaders?: Partial<Record<BackendName, BackendLoader>>;
  /**
   * install {@link enableFastMatMulGradient} (default true; it only changes the gradient on wasm); `false`
   * puts tfjs's own gradient back if an earlier chooseBackend installed it
   */
  fastMatMulGradient?: boolean;
  /**
   * install the kernel overrides on the active backend where they are faster (default true): on wasm
   * {@link enableFusedReluGradients}, {@link enableFastColumnSum}, {@link enableZeroCopyIdentity} and
   * {@link enableBroadcastSumGradient}; on cpu all but the zero-copy Identity; elsewhere none. `false` puts tfjs's own kernels back if an earlier chooseBackend
   * installed them.
   */
  kernelOverrides?: boolean;
  /**
   * wasm only: the threads of tfjs-backend-wasm's threaded SIMD build, 1 to 8 (default 1: the single-thread
   * build). Applies at the wasm backend's first start. In Node it starts the pthread workers from the
   * package's own files (tfjs 4.x cannot start them in Node), on the tfjs-backend-wasm versions it is verified
   * on (4.22.0; on others it runs on one thread and `details` says why); results are the same bits as on one
   * thread. In a page, tfjs runs threads only where the page is cross-origin isolated, at most half the
   * logical cores. `BackendChoice.threads` says what runs.
   */
  threads?: number;
  /** default: 'node' where `process.versions.node` exists, else 'browser' */
  platform?: Platform;
  /**
   * the backends this app ships, in the order to try them (default: the platform's order, see
   * {@link backendOrder}); e.g. `['webgpu', 'webgl', 'cpu']` for a page that does not serve the wasm files
   */
  backends?: readonly BackendName[];
}

/** The platform this code runs on: 'node' where `process.versions.node` exists. */
export function currentPlatform(): Platform {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string' ? 'node' : 'browser';
}

// A computed specifier keeps bundlers and type-checkers from requiring the optional packages.
const importPackage = (pkg: string): Promise<unknown> => import(/* @vite-ignore */ /* webpackIgnore: true */ pkg);

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}

/** Why loading `name`'s package failed, in words that say how to fix it. */
function loadFailure(name: BackendName, e: unknown): string {
  const pkg = BACKEND_PACKAGES[name];
  const msg = firstLine(e);
  if (/Cannot find (module|package)|Failed to resolve module specifier|ERR_MODULE_NOT_FOUND|Failed to fetch dynamically imported module/.test(msg)) {
    if (name === 'cuda') return `the package ${pkg} is not installed (npm install ${pkg}; its install step downloads libtensorflow with CUDA)`;
    if (name === 'native') return `the package ${pkg} is not installed (npm install ${pkg}; its install step downloads libtensorflow)`;
    if (name === 'cpu') return `the package ${pkg} is not installed (npm install ${pkg}, or import @tensorflow/tfjs, which includes it)`;
    return `the package ${pkg} is not installed or cannot be loaded here (npm install ${pkg}; in a bundled page, import '${pkg}' yourself or pass loaders)`;
  }
  if ((name === 'cuda' || name === 'native') && /libtensorflow|\.so|\.dll|\.dylib|dlopen/.test(msg)) {
    return `libtensorflow could not be loaded (${msg}): reinstall ${pkg} with network access`;
  }
  return `${pkg} failed to load: ${msg}`;
}

async function trySetBackend(name: string): Promise<string | undefined> {
  try {
    if (await tf.setBackend(name)) return undefined;
    return `tf.setBackend('${name}') returned false (the backend failed to initialise; see the console)`;
  } catch (e) {
    return `tf.setBackend('${name}') threw: ${firstLine(e)}`;
  }
}

/** The wasm module of the last start with `threads`, for BackendChoice.threads. */
let wasm: WasmModuleLike | undefined;

/** Why fewer threads run than asked, when nothing was said yet. */
function threadsShortfall(threads: number, platform: Platform, said: boolean): string[] {
  const running = wasm?.getThreadsCount() ?? 1;
  if (said || running >= threads) return [];
  const why = platform === 'browser' ? 'tfjs-backend-wasm runs threads only in a cross-origin isolated page, at most half the logical cores' : 'the single-thread build was loaded (was setWasmPaths given a file?)';
  return [`threads: ${threads} asked, ${running} running: ${why}`];
}

/** Starts one backend: undefined when it runs, else why not. */
async function start(name: BackendName, options: ChooseBackendOptions, platform: Platform, details: string[]): Promise<string | undefined> {
  const attempt: string[] = [];
  if (name === 'webgpu') {
    const problem = await webgpuProblem(attempt);
    if (problem !== undefined) return problem;
  }
  const registered = tf.findBackendFactory(tfName(name)) !== null && tf.findBackendFactory(tfName(name)) !== undefined;
  if (!registered) {
    try {
      await (options.loaders?.[name] ?? (() => importPackage(BACKEND_PACKAGES[name])))();
    } catch (e) {
      return loadFailure(name, e);
    }
    if (!tf.findBackendFactory(tfName(name))) {
      return name === 'webgpu'
        ? 'the webgpu backend was not registered (@tensorflow/tfjs-backend-webgpu found no navigator.gpu at import)'
        : `${BACKEND_PACKAGES[name]} loaded but registered no '${tfName(name)}' backend (is it built for the same @tensorflow/tfjs-core?)`;
    }
  }
  let plan: ThreadsPlan | undefined;
  if (name === 'wasm' && options.threads !== undefined) {
    wasm = await wasmModule(options.loaders?.wasm, importPackage);
    plan = wasm === undefined ? { restore: () => undefined, notes: [`threads: ${options.threads} not applied: the wasm loader did not return the @tensorflow/tfjs-backend-wasm module`] } : await prepareWasmThreads(options.threads, platform === 'node', wasm);
  }
  let problem: string | undefined;
  try {
    problem = await trySetBackend(tfName(name));
  } finally {
    plan?.restore();
  }
  if (plan !== undefined && problem === undefined) details.push(...plan.notes, ...threadsShortfall(options.threads!, platform, plan.notes.length > 0));
  if (problem !== undefined) return name === 'cuda' || name === 'native' ? 'the tensorflow backend did not initialise' : problem;
  if (name === 'cuda') {
    const gpu = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
    if (gpu === false) return 'libtensorflow loaded but found no CUDA GPU (check the NVIDIA driver and CUDA/cuDNN versions)';
  }
  if (name === 'webgpu') {
    const readback = syncReadbackProblem();
    if (readback !== undefined) return readback;
  }
  details.push(...attempt);
  if (name === 'webgl') webglDetails(details);
  return undefined;
}

/**
 * The backends {@link chooseBackend} tries, in order: the requested one, then (with `fallback`) the platform's
 * fallbacks after it — Node: wasm → cpu; browser: webgpu → webgl → wasm → cpu. With nothing requested: the
 * browser's whole order, or wasm → cpu in Node.
 *
 * @example
 * ```ts
 * console.log(backendOrder('cuda', 'node')); // ['cuda', 'wasm', 'cpu']
 * console.log(backendOrder('webgl', 'browser')); // ['webgl', 'wasm', 'cpu']
 * ```
 * @since 0.1.0
 */
export function backendOrder(requested: BackendName | undefined, platform: Platform = currentPlatform(), backends?: readonly BackendName[]): BackendName[] {
  const chain: readonly BackendName[] = backends ?? (platform === 'node' ? ['wasm', 'cpu'] : BROWSER_BACKENDS);
  if (requested === undefined) return [...chain];
  const at = chain.indexOf(requested);
  return [requested, ...(at < 0 ? chain : chain.slice(at + 1))];
}

const list = (names: readonly string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names.join(''));

/**
 * Activates a TensorFlow.js backend and says why any other was not used. Without `fallback`, a requested
 * backend that cannot start throws an Error saying what is missing and how to fix it; with it (the default
 * when nothing is requested), the next of {@link backendOrder} is tried and the reason recorded. Also
 * installs {@link enableFastMatMulGradient} unless `fastMatMulGradient: false`, and the kernel overrides that
 * are faster on the chosen backend unless `kernelOverrides: false`.
 *
 * @param requested the backend asked for; Node's default order is wasm → cpu, the browser's
 *   webgpu → webgl → wasm → cpu
 * @example
 * ```ts
 * const choice = await chooseBackend('wasm', { fallback: true });
 * console.log(choice.active, choice.reasons); // 'wasm' [] (or 'cpu' and why wasm could not start)
 * ```
 * @since 0.1.0
 */
export async function chooseBackend(requested?: BackendName, options: ChooseBackendOptions = {}): Promise<BackendChoice> {
  const platform = options.platform ?? currentPlatform();
  const names: readonly BackendName[] = platform === 'node' ? NODE_BACKENDS : BROWSER_BACKENDS;
  if (requested !== undefined && !names.includes(requested)) {
    throw new Error(`backend must be one of ${names.join(', ')} in ${platform === 'node' ? 'Node' : 'a browser'}, got "${requested}"`);
  }
  const bad = options.backends?.filter((b) => !names.includes(b)) ?? [];
  if (options.backends !== undefined && (!Array.isArray(options.backends) || options.backends.length === 0 || bad.length > 0)) {
    throw new Error(`options.backends must list some of ${names.join(', ')}, got ${JSON.stringify(options.backends)}`);
  }
  if (options.threads !== undefined) checkInteger('chooseBackend', 'options.threads', options.threads, { min: 1, max: MAX_WASM_THREADS });
  const fallback = options.fallback ?? requested === undefined;
  const order = backendOrder(requested, platform, options.backends);
  const reasons: string[] = [];
  const details: string[] = [];
  for (const name of order) {
    const failure = await start(name, options, platform, details);
    if (failure === undefined) {
      await tf.ready();
      setFastMatMulGradient(options.fastMatMulGradient ?? true);
      setKernelOverrides(options.kernelOverrides ?? true, tf.getBackend());
      const threads = tf.getBackend() === 'wasm' ? { threads: (wasm ?? (await wasmModule(options.loaders?.wasm, importPackage)))?.getThreadsCount() ?? 1 } : {};
      return { requested, active: tf.getBackend(), reasons, ...(reasons.length ? { reason: reasons.join('; ') } : {}), details, ...threads };
    }
    reasons.push(`${name}: ${failure}`);
    if (!fallback) {
      const how = platform === 'node' ? 'Pass --fallback' : 'Pass { fallback: true }';
      const rest = order.length > 1 ? ` ${how} to fall back to ${list(order.slice(1))}.` : '';
      throw new Error(`backend "${name}" is not available: ${failure}.${rest}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${reasons.join('; ')}`);
}
