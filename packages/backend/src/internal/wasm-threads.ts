/**
 * Threaded wasm for chooseBackend's `threads` option.
 *
 * In a page, tfjs-backend-wasm runs its threaded SIMD build by itself where the page is cross-origin isolated:
 * `setThreadsCount(n)` before the first start is all it takes. In Node, tfjs 4.x does not start it at all:
 * the flag WASM_HAS_MULTITHREAD_SUPPORT is false there, and were it true, Emscripten would hand
 * `worker_threads.Worker` the `blob:` URL tfjs makes of the pthread worker script, which Node refuses
 * (ERR_WORKER_PATH); the worker would then import the module's factory from a second `blob:` URL, which
 * Node's importScripts stand-in cannot read. And tfjs caps the pool at half the logical cores
 * (`emscripten_num_logical_cores() / 2`, read once when the module starts), one thread on a 2-core machine.
 *
 * For the start of the wasm backend only (the pool of 8 workers is created then, and no worker later), this
 * module: sets the flag; hands Emscripten, instead of the `blob:` URL, a `data:` URL of a small ES module
 * that points the worker at the two files tfjs-backend-wasm ships in `wasm-out/` (the pthread worker script
 * and the threaded module's factory, the same build the package bundles); and lets the core count read at
 * start-up be 2·n, so that the cap is n. Everything is put back when the start ends. The results are those
 * of one thread bit for bit (XNNPACK splits a product into output tiles, each computed as on one thread;
 * the tests check whole training steps), on the tfjs-backend-wasm versions in {@link WASM_THREADS_VERIFIED}:
 * on others, threads stay off and the choice says why.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The @tensorflow/tfjs-backend-wasm versions the Node start-up of its threaded build is verified on. */
export const WASM_THREADS_VERIFIED: readonly string[] = Object.freeze(['4.22.0']);

/** tfjs-backend-wasm's threaded build creates a pool of 8 workers; its thread pool takes at most 8. */
export const MAX_WASM_THREADS = 8;

/** What chooseBackend needs of the @tensorflow/tfjs-backend-wasm module. */
export interface WasmModuleLike {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
  version_wasm?: string;
}

export function isWasmModule(m: unknown): m is WasmModuleLike {
  const w = m as Partial<WasmModuleLike> | null;
  return w != null && typeof w.setThreadsCount === 'function' && typeof w.getThreadsCount === 'function';
}

// A computed specifier keeps bundlers from following Node built-ins into a browser bundle.
const importNode = (name: string): Promise<unknown> => import(/* @vite-ignore */ /* webpackIgnore: true */ name);

/** This file's location, for resolving the wasm package as the dynamic import of chooseBackend does. */
function thisFile(): string {
  if (typeof __filename === 'string') return __filename; // the CJS build
  return import.meta.url;
}

interface NodeThreadFiles {
  version: string;
  /** the module `wasm-out/tfjs-backend-wasm-threaded-simd.worker.js` (it exports the worker's source) */
  worker: string;
  /** the threaded module's factory, `wasm-out/tfjs-backend-wasm-threaded-simd.js` */
  factory: string;
}

/** The version and the two files of the @tensorflow/tfjs-backend-wasm that Node resolves from here. */
async function nodeThreadFiles(): Promise<NodeThreadFiles> {
  const { createRequire } = (await importNode('node:module')) as { createRequire(from: string): NodeJS.Require };
  const { readFileSync } = (await importNode('node:fs')) as { readFileSync(path: string, enc: 'utf8'): string };
  const require = createRequire(thisFile());
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  const dir = pkg.slice(0, -'package.json'.length) + 'wasm-out/';
  const worker = require.resolve(`${dir}tfjs-backend-wasm-threaded-simd.worker.js`);
  const factory = require.resolve(`${dir}tfjs-backend-wasm-threaded-simd.js`);
  return { version, worker, factory };
}

/**
 * The pthread worker, as an ES module in a `data:` URL: Node globals the worker script expects of a
 * CommonJS file (`require`, `__filename`), `URL.createObjectURL` answering the factory's path (the worker
 * receives the factory as a Blob, which it cannot import), then tfjs's own worker source, unescaped as tfjs
 * does before making its Blob.
 */
function workerUrl(files: NodeThreadFiles): URL {
  const source = [
    `import { createRequire } from 'node:module';`,
    `const require = createRequire(${JSON.stringify(files.worker)});`,
    `Object.assign(globalThis, { require, __filename: ${JSON.stringify(files.worker)} });`,
    `URL.createObjectURL = () => ${JSON.stringify(files.factory)};`,
    `URL.revokeObjectURL = () => {};`,
    `(0, eval)(require(${JSON.stringify(files.worker)}).wasmWorkerContents.replace(/\\n/g, '\\\\n'));`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

/**
 * The @tensorflow/tfjs-backend-wasm module: what `loader` returns (a bundler's `import(...)`), else the package
 * imported by name; undefined if neither is it.
 */
export async function wasmModule(loader: (() => Promise<unknown>) | undefined, importPackage: (name: string) => Promise<unknown>): Promise<WasmModuleLike | undefined> {
  for (const load of [loader, () => importPackage('@tensorflow/tfjs-backend-wasm')]) {
    if (load === undefined) continue;
    try {
      const m = await load();
      if (isWasmModule(m)) return m;
      if (isWasmModule((m as { default?: unknown } | null)?.default)) return (m as { default: WasmModuleLike }).default;
    } catch {
      /* try the next */
    }
  }
  return undefined;
}

/** How the wasm backend's start went with `threads` asked: what to undo after it, and what to tell the app. */
export interface ThreadsPlan {
  /** put back what was changed for the start (call when tf.setBackend('wasm') has settled) */
  restore(): void;
  /** lines for BackendChoice.details */
  notes: string[];
}

const FLAG = 'WASM_HAS_MULTITHREAD_SUPPORT';

interface PThreadLike {
  runningWorkers?: { unref?(): void }[];
}

/**
 * The thread pool's workers run (wait) for the life of the backend, and Emscripten keeps a running worker
 * referenced, which would keep Node from exiting when the app's work is done: let them go, as the idle
 * workers of the pool already are.
 */
function unrefRunningWorkers(): void {
  const backend = (tf.engine().registry as Record<string, { wasm?: { PThread?: PThreadLike } } | undefined>)['wasm'];
  for (const worker of backend?.wasm?.PThread?.runningWorkers ?? []) worker.unref?.();
}

/**
 * Prepares the first start of the wasm backend with `threads` threads (call right before tf.setBackend('wasm')).
 * Does nothing but say why when the backend has already started (its pool is fixed then) or, in Node, when
 * the installed tfjs-backend-wasm is not a verified version.
 */
export async function prepareWasmThreads(threads: number, node: boolean, wasm: WasmModuleLike): Promise<ThreadsPlan> {
  const nothing = (notes: string[]): ThreadsPlan => ({ restore: () => undefined, notes });
  if ((tf.engine().registry as Record<string, unknown>)['wasm'] !== undefined) {
    const running = wasm.getThreadsCount();
    return nothing(running === threads ? [] : [`threads: ${threads} not applied: the wasm backend had already started with ${running} thread${running === 1 ? '' : 's'} (call chooseBackend before the first tensor)`]);
  }
  wasm.setThreadsCount(threads);
  if (!node || threads === 1) return nothing([]);
  let files: NodeThreadFiles;
  try {
    files = await nodeThreadFiles();
  } catch (e) {
    return nothing([`threads: ${threads} not applied, running on one thread: the files of tfjs-backend-wasm's threaded build were not found (${String((e as Error).message).split('\n')[0]})`]);
  }
  const version = wasm.version_wasm ?? files.version;
  if (!WASM_THREADS_VERIFIED.includes(version) || files.version !== version) {
    const found = files.version === version ? version : `${version} (and ${files.version} resolved from @genmod/backend)`;
    return nothing([`threads: ${threads} not applied, running on one thread: threaded wasm in Node is verified on @tensorflow/tfjs-backend-wasm ${WASM_THREADS_VERIFIED.join(', ')}, found ${found}`]);
  }
  const os = ((await importNode('node:os')) as { default: { cpus(): unknown[] } }).default;
  const cpus = os.cpus;
  const createObjectURL = URL.createObjectURL;
  const flag = tf.env().getFlags()[FLAG];
  tf.env().set(FLAG, true);
  // tfjs caps the pool at half the core count it reads when the module starts
  const real = cpus.call(os);
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => real[i % Math.max(1, real.length)]);
  // the one Blob URL tfjs makes at the start is the pthread worker's script
  URL.createObjectURL = ((blob: Blob) => (blob instanceof Blob && blob.type === 'application/javascript' ? workerUrl(files) : createObjectURL.call(URL, blob))) as typeof URL.createObjectURL;
  return {
    restore() {
      unrefRunningWorkers();
      os.cpus = cpus;
      URL.createObjectURL = createObjectURL;
      tf.env().set(FLAG, flag ?? false);
    },
    notes: [],
  };
}
