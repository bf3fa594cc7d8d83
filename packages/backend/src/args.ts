/**
 * The command line every genmod Node app takes: `--backend=NAME` (or `--backend NAME`, or GENMOD_BACKEND),
 * `--fallback` (or GENMOD_BACKEND_FALLBACK=1), `--tfjs-matmul-gradient` (or GENMOD_TFJS_MATMUL_GRADIENT=1),
 * and `--backends=a,b` for tools that run several backends in turn.
 */
import { chooseBackend, NODE_BACKENDS, type BackendChoice, type ChooseBackendOptions } from './choose-backend.js';
import { registerFileRouter } from './file-system.js';

/** A backend a Node process can choose. */
export type NodeBackendName = (typeof NODE_BACKENDS)[number];

/** Environment variables, as `process.env` (read by default). @inline */
type Env = Record<string, string | undefined>;
const argvOf = (): string[] => (globalThis as { process?: { argv?: string[] } }).process?.argv ?? [];
const envOf = (): Env => (globalThis as { process?: { env?: Env } }).process?.env ?? {};

/**
 * Reads `--backend=NAME` (or `--backend NAME`), `--fallback` and `--threads=N` (wasm's threads, see
 * ChooseBackendOptions.threads) from argv, then GENMOD_BACKEND, GENMOD_BACKEND_FALLBACK=1 and
 * GENMOD_WASM_THREADS; wasm by default, `threads` only when given.
 * @example
 * ```ts
 * console.log(backendFromArgs(['node', 'main.js', '--backend=cpu'], {})); // { name: 'cpu', fallback: false }
 * console.log(backendFromArgs(['node', 'main.js', '--threads=2'], {})); // { name: 'wasm', fallback: false, threads: 2 }
 * ```
 * @since 0.1.0
 */
export function backendFromArgs(argv: readonly string[] = argvOf(), env: Env = envOf()): { name: NodeBackendName; fallback: boolean; threads?: number } {
  let name: string | undefined;
  let threads: string | undefined;
  argv.forEach((a, i) => {
    if (a.startsWith('--backend=')) name = a.slice('--backend='.length);
    else if (a === '--backend') name = argv[i + 1];
    else if (a.startsWith('--threads=')) threads = a.slice('--threads='.length);
    else if (a === '--threads') threads = argv[i + 1];
  });
  threads ??= env.GENMOD_WASM_THREADS;
  if (threads !== undefined && !/^[1-8]$/.test(threads)) {
    throw new Error(`threads must be an integer from 1 to 8, got "${threads}" (from --threads or GENMOD_WASM_THREADS)`);
  }
  name ??= env.GENMOD_BACKEND ?? 'wasm';
  if (!(NODE_BACKENDS as readonly string[]).includes(name)) {
    throw new Error(`backend must be one of ${NODE_BACKENDS.join(', ')}, got "${name}" (from --backend or GENMOD_BACKEND)`);
  }
  const fallback = argv.includes('--fallback') || env.GENMOD_BACKEND_FALLBACK === '1';
  return { name: name as NodeBackendName, fallback, ...(threads !== undefined ? { threads: Number(threads) } : {}) };
}

/**
 * For tools that run on several backends in turn (benchmarks): `--backends=wasm,cpu`, or the single
 * `--backend=NAME` / GENMOD_BACKEND every app takes, or `fallbackList` when neither is given.
 * @example
 * ```ts
 * console.log(backendListFromArgs(['node', 'bench.js', '--backends=cpu,wasm'], {})); // ['cpu', 'wasm']
 * ```
 * @since 0.1.0
 */
export function backendListFromArgs(argv: readonly string[] = argvOf(), env: Env = envOf(), fallbackList: NodeBackendName[] = ['wasm', 'cpu']): NodeBackendName[] {
  const given = argv.find((a) => a.startsWith('--backends='))?.slice('--backends='.length);
  if (given !== undefined) {
    const names = given.split(',').filter((n) => n !== '');
    const bad = names.filter((n) => !(NODE_BACKENDS as readonly string[]).includes(n));
    if (names.length === 0 || bad.length) throw new Error(`--backends must list some of ${NODE_BACKENDS.join(', ')}, got "${given}"`);
    return names as NodeBackendName[];
  }
  const single = argv.some((a) => a === '--backend' || a.startsWith('--backend=')) || env.GENMOD_BACKEND !== undefined;
  return single ? [backendFromArgs(argv, env).name] : fallbackList;
}

/**
 * {@link chooseBackend} for Node apps: the same choice, then `file://` registered for tf.io
 * ({@link registerFileRouter}) where tfjs-node has not, so `model.save('file://./out')` works on wasm and cpu.
 * @example
 * ```ts
 * const choice = await chooseNodeBackend('cpu');
 * console.log(choice.active); // 'cpu'
 * ```
 * @since 0.1.0
 */
export async function chooseNodeBackend(requested?: NodeBackendName, options: Omit<ChooseBackendOptions, 'platform'> = {}): Promise<BackendChoice> {
  const choice = await chooseBackend(requested ?? 'wasm', { ...options, platform: 'node' });
  registerFileRouter();
  return choice;
}

/**
 * `chooseNodeBackend(backendFromArgs())`, printing the choice (`backend: wasm`, `backend: wasm, 2 threads`, or
 * `backend: wasm (asked for cuda; cuda: …)`, and any line of `details` about threads);
 * `--tfjs-matmul-gradient` (or GENMOD_TFJS_MATMUL_GRADIENT=1) keeps tfjs's own matMul gradient.
 * @example
 * ```ts
 * await chooseBackendFromArgs(['node', 'main.js', '--backend=cpu'], {}); // prints "backend: cpu"
 * ```
 * @since 0.1.0
 */
export async function chooseBackendFromArgs(argv: readonly string[] = argvOf(), env: Env = envOf(), options: Omit<ChooseBackendOptions, 'platform' | 'fallback' | 'fastMatMulGradient'> = {}): Promise<BackendChoice> {
  const { name, fallback, threads } = backendFromArgs(argv, env);
  const fastMatMulGradient = !argv.includes('--tfjs-matmul-gradient') && env.GENMOD_TFJS_MATMUL_GRADIENT !== '1';
  const choice = await chooseNodeBackend(name, { ...(threads !== undefined ? { threads } : {}), ...options, fallback, fastMatMulGradient });
  const threadCount = (choice.threads ?? 1) > 1 ? `, ${choice.threads} threads` : '';
  console.log(`backend: ${choice.active}${threadCount}${choice.reason ? ` (asked for ${choice.requested}; ${choice.reason})` : ''}`);
  for (const line of choice.details.filter((d) => d.startsWith('threads:'))) console.log(`backend: ${line}`);
  return choice;
}
