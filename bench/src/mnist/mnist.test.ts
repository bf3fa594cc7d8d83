import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseMnistArgs } from './args.js';
import { formatTable, missingFields, type MnistResult } from './result.js';

describe('parseMnistArgs', () => {
  it('gives the protocol defaults, and reads every flag', () => {
    expect(parseMnistArgs([])).toEqual({ seconds: 180, iwaeK: 1000, testImages: 10_000, models: ['gaussian', 'dvae'], threads: 1, peer: true, seed: 1, backend: 'wasm' });
    expect(parseMnistArgs(['--seconds=5.5', '--iwae-k=20', '--test-images=200', '--models=dvae', '--threads=1', '--peer=false', '--seed=0', '--backend=cpu']))
      .toEqual({ seconds: 5.5, iwaeK: 20, testImages: 200, models: ['dvae'], threads: 1, peer: false, seed: 0, backend: 'cpu' });
    expect(parseMnistArgs(['--threads=2']).threads).toBe(2);
    expect(DEFAULTS.models).toEqual(['gaussian', 'dvae']); // not mutated by a parse
  });

  it('rejects unknown flags, naming the nearest known one, and flags without a value', () => {
    expect(() => parseMnistArgs(['--iwae_k=10'])).toThrow('mnist: unknown flag --iwae_k (did you mean --iwae-k?). usage: tsx src/mnist/main.ts');
    expect(() => parseMnistArgs(['--second=10'])).toThrow(/unknown flag --second \(did you mean --seconds\?\)/);
    expect(() => parseMnistArgs(['--frobnicate=1'])).toThrow(/^mnist: unknown flag --frobnicate\. usage/);
    expect(() => parseMnistArgs(['--peer'])).toThrow('mnist: --peer needs a value (--peer=…)');
    expect(() => parseMnistArgs(['5'])).toThrow('mnist: unexpected argument "5": flags are --name=value');
    expect(() => parseMnistArgs(['--seconds=1', '--seconds=2'])).toThrow('mnist: --seconds given twice');
  });

  it('rejects bad values with the flag, the range and what was given', () => {
    expect(() => parseMnistArgs(['--seconds=0'])).toThrow('mnist: --seconds must be a number > 0, got "0"');
    expect(() => parseMnistArgs(['--seconds='])).toThrow('mnist: --seconds must be a number > 0, got ""');
    expect(() => parseMnistArgs(['--iwae-k=2.5'])).toThrow('mnist: --iwae-k must be an integer in [1, ∞], got "2.5"');
    expect(() => parseMnistArgs(['--test-images=10001'])).toThrow('mnist: --test-images must be an integer in [2, 10000], got "10001"');
    expect(() => parseMnistArgs(['--test-images=1'])).toThrow(/--test-images must be an integer in \[2, 10000\]/);
    expect(() => parseMnistArgs(['--models=gaussian,vae'])).toThrow('mnist: --models must list gaussian and/or dvae, comma-separated, each once, got "gaussian,vae"');
    expect(() => parseMnistArgs(['--models=dvae,dvae'])).toThrow(/each once/);
    expect(() => parseMnistArgs(['--peer=yes'])).toThrow('mnist: --peer must be true or false, got "yes"');
    expect(() => parseMnistArgs(['--backend=webgl'])).toThrow('mnist: --backend must be wasm or cpu, got "webgl"');
    expect(() => parseMnistArgs(['--threads=0'])).toThrow('mnist: --threads must be an integer in [1, 8], got "0"');
    expect(() => parseMnistArgs(['--threads=9'])).toThrow(/--threads must be an integer in \[1, 8\]/);
  });
});

const result = (framework: string, model: 'gaussian' | 'dvae', stepsPerSecond: number, nll: number, se: number): MnistResult => ({
  framework, model, seconds: 180, steps: Math.round(180 * stepsPerSecond), trainSeconds: 180, stepsPerSecond, passes: (180 * stepsPerSecond * 128) / 60_000,
  testImages: 10_000, testOnes: 1_038_801, elbo: { mean: -nll - 5, se: 0.25 }, iwae: { k: 1000, nll, se }, evalSeconds: 300,
});

describe('formatTable', () => {
  it('aligns one row per run, then the steps/s ratio and the difference in nats per model', () => {
    const table = formatTable([
      result('tfjs 4.22.0 wasm (1 thread)', 'gaussian', 25, 95.5, 0.3),
      result('torch 1.13.1 (1 thread)', 'gaussian', 100, 90.25, 0.4),
      { framework: 'torch (peer)', model: 'dvae', error: 'skipped: no peer script at x.py' },
    ]);
    const lines = table.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'model     framework                    steps  steps/s  passes  test ELBO (nats)          IWAE NLL (nats)  eval s',
      '--------  ---------------------------  -----  -------  ------  ----------------  -----------------------  ------',
      'gaussian  tfjs 4.22.0 wasm (1 thread)   4500     25.0    9.60    -100.50 ± 0.25  95.50 ± 0.30 (k = 1000)     300',
      'gaussian  torch 1.13.1 (1 thread)      18000    100.0   38.40     -95.25 ± 0.25  90.25 ± 0.40 (k = 1000)     300',
      'dvae      torch (peer)                 — skipped: no peer script at x.py',
    ]);
    expect(table).toContain('gaussian: tfjs 4.22.0 wasm (1 thread) ran 0.25× the steps/s of torch 1.13.1 (1 thread); in the same 180 s its IWAE NLL is +5.25 ± 0.50 nats from it (10000 test images');
    expect(table).toContain('evaluated on all 10,000 test images, fixed stochastic binarization (1038801 ones)');
    expect(table).not.toContain('dvae: ');
  });

  it('states a subset of the test images', () => {
    expect(formatTable([{ ...result('ours', 'dvae', 20, 100, 1), testImages: 200 }])).toContain('evaluated on the first 200 of the 10,000 test images');
  });
});

describe('missingFields', () => {
  it('names what a peer line lacks', () => {
    expect(missingFields(result('t', 'dvae', 1, 1, 1))).toEqual([]);
    expect(missingFields({ ...result('t', 'dvae', 1, 1, 1), iwae: { k: 1, nll: 1 }, steps: '3' })).toEqual(['steps', 'iwae']);
    expect(missingFields(null)).toContain('framework');
  });
});
