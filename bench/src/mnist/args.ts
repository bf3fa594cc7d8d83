/**
 * The command line of the MNIST time-to-quality runner (issue 17, item 6): `--name=value` flags only, each
 * checked, unknown ones rejected with the nearest known name.
 */
import { nearestKey } from '@genmod-internal/core';

export type MnistModelName = 'gaussian' | 'dvae';

/** What the runner was asked for. */
export interface MnistArgs {
  /** the wall-clock training budget of each model, per framework (s) */
  seconds: number;
  /** importance samples per test image of the IWAE */
  iwaeK: number;
  /** the first N test images of the fixed binarization (10,000 = all) */
  testImages: number;
  models: MnistModelName[];
  /** threads of both frameworks, 1 to 8 (ours: chooseBackend's `threads`, threaded wasm; the peer: torch.set_num_threads) */
  threads: number;
  /** run the PyTorch peer after ours */
  peer: boolean;
  /** the seed s of the fixed test binarization (the protocol's is 1), and of our training stream */
  seed: number;
  /** our backend (wasm, as apps run; cpu for checks) */
  backend: 'wasm' | 'cpu';
}

export const DEFAULTS: MnistArgs = { seconds: 180, iwaeK: 1000, testImages: 10_000, models: ['gaussian', 'dvae'], threads: 1, peer: true, seed: 1, backend: 'wasm' };

const FLAGS = ['seconds', 'iwae-k', 'test-images', 'models', 'threads', 'peer', 'seed', 'backend'] as const;
const USAGE = 'usage: tsx src/mnist/main.ts [--seconds=180] [--iwae-k=1000] [--test-images=10000] [--models=gaussian,dvae] [--threads=1] [--peer=true|false] [--seed=1] [--backend=wasm|cpu]';

/**
 * Parses `--name=value` flags over {@link DEFAULTS}. Throws on an unknown flag (naming the nearest known one),
 * a flag without `=value`, a repeated flag or a bad value. `--threads` is 1 to 8 (chooseBackend's range); the
 * runner checks that the backend runs that many.
 */
export function parseMnistArgs(argv: readonly string[]): MnistArgs {
  const r: MnistArgs = { ...DEFAULTS, models: [...DEFAULTS.models] };
  const seen = new Set<string>();
  for (const a of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    const name = m?.[1] ?? /^--([^=]+)$/.exec(a)?.[1];
    if (name === undefined) throw new Error(`mnist: unexpected argument "${a}": flags are --name=value. ${USAGE}`);
    if (!(FLAGS as readonly string[]).includes(name)) {
      const near = nearestKey(name, FLAGS);
      throw new Error(`mnist: unknown flag --${name}${near ? ` (did you mean --${near}?)` : ''}. ${USAGE}`);
    }
    if (m === null) throw new Error(`mnist: --${name} needs a value (--${name}=…). ${USAGE}`);
    if (seen.has(name)) throw new Error(`mnist: --${name} given twice`);
    seen.add(name);
    const v = m[2]!;
    const integer = (lo: number, hi = Number.MAX_SAFE_INTEGER) => {
      const x = Number(v);
      if (v.trim() === '' || !Number.isInteger(x) || x < lo || x > hi) throw new Error(`mnist: --${name} must be an integer in [${lo}, ${hi === Number.MAX_SAFE_INTEGER ? '∞' : hi}], got "${v}"`);
      return x;
    };
    switch (name) {
      case 'seconds': {
        const x = Number(v);
        if (v.trim() === '' || !Number.isFinite(x) || x <= 0) throw new Error(`mnist: --seconds must be a number > 0, got "${v}"`);
        r.seconds = x;
        break;
      }
      case 'iwae-k': r.iwaeK = integer(1); break;
      case 'test-images': r.testImages = integer(2, 10_000); break; // a standard error needs two images
      case 'seed': r.seed = integer(0, 2 ** 32 - 1); break;
      case 'threads': r.threads = integer(1, 8); break;
      case 'peer':
        if (v !== 'true' && v !== 'false') throw new Error(`mnist: --peer must be true or false, got "${v}"`);
        r.peer = v === 'true';
        break;
      case 'backend':
        if (v !== 'wasm' && v !== 'cpu') throw new Error(`mnist: --backend must be wasm or cpu, got "${v}"`);
        r.backend = v;
        break;
      case 'models': {
        const list = v.split(',').map((s) => s.trim());
        const bad = list.filter((s) => s !== 'gaussian' && s !== 'dvae');
        if (list.length === 0 || bad.length > 0 || new Set(list).size !== list.length) throw new Error(`mnist: --models must list gaussian and/or dvae, comma-separated, each once, got "${v}"`);
        r.models = list as MnistModelName[];
        break;
      }
    }
  }
  return r;
}
