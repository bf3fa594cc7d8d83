/**
 * Runs the golden cases on the active backend, case by case (yielding to the page between cases), and
 * records the tfjs kernels they dispatch. The same function runs in the page (WebGPU, WebGL, CPU) and in
 * Node (cpu, wasm): see test/golden-node.test.ts and test/browser.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { Comparison } from './compare.js';
import { goldenCases, type GoldenCase, type PackageName } from './cases.js';
import { recordKernels } from '../kernels.js';

export interface CaseResult {
  pkg: PackageName;
  file: string;
  name: string;
  pass: boolean;
  /** the largest |actual − expected| over the case's comparisons */
  maxAbsErr: number;
  /** the largest |actual − expected| / |expected| (where |expected| > 10·atol) */
  maxRelErr: number;
  /** the worst |diff| / (atol + rtol·|expected|): ≤ 1 passes */
  ratio: number;
  /** the failed comparisons (or the error thrown), for the report */
  failures: string[];
  comparisons: number;
  /** tensors alive after the case minus before: 0 unless the case leaks */
  leaked: number;
  ms: number;
}

export interface GoldenReport {
  backend: string;
  /** the flags (WEBGPU_CPU_FORWARD, WEBGL_CPU_FORWARD) turned off for the run: small ops ran on the device too */
  cpuForwardOff: string[];
  total: number;
  passed: number;
  failed: number;
  ms: number;
  cases: CaseResult[];
  /** the tfjs kernels the cases dispatched, sorted */
  kernels: string[];
}

export interface RunOptions {
  /** only the cases whose package or name contains this */
  filter?: string;
  /** called after each case (the page updates its table) */
  onCase?: (result: CaseResult, index: number, total: number) => void;
  /** between cases (default: a macrotask, so the page stays responsive) */
  yieldBetween?: () => Promise<void>;
}

function summarize(c: GoldenCase, comparisons: Comparison[], error: unknown, ms: number, leaked: number): CaseResult {
  const failures = comparisons.filter((x) => !x.pass).map((x) => `${x.label}: ${x.worst}`);
  if (error !== undefined) failures.push(`threw: ${error instanceof Error ? error.message : String(error)}`);
  if (leaked !== 0) failures.push(`${leaked} tensor(s) left allocated`);
  return {
    pkg: c.pkg,
    file: c.file,
    name: c.name,
    pass: failures.length === 0 && comparisons.length > 0,
    maxAbsErr: Math.max(0, ...comparisons.map((x) => x.maxAbsErr)),
    maxRelErr: Math.max(0, ...comparisons.map((x) => x.maxRelErr)),
    ratio: Math.max(0, ...comparisons.map((x) => x.ratio)),
    failures,
    comparisons: comparisons.length,
    leaked,
    ms,
  };
}

/** Runs every golden case (or the filtered ones) on the active backend. */
export async function runGoldenCases(options: RunOptions = {}): Promise<GoldenReport> {
  const filter = options.filter?.toLowerCase();
  const cases = goldenCases().filter((c) => !filter || `${c.pkg} ${c.name}`.toLowerCase().includes(filter));
  const pause = options.yieldBetween ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  const results: CaseResult[] = [];
  const t0 = performance.now();
  const recorder = recordKernels();
  // tfjs-webgpu and tfjs-webgl compute ops on small CPU-resident tensors on the CPU; the golden cases are
  // small, so turn that off while they run: every kernel then runs on the device under test
  const saved: [string, boolean][] = [];
  for (const f of ['WEBGPU_CPU_FORWARD', 'WEBGL_CPU_FORWARD']) {
    try {
      saved.push([f, tf.env().getBool(f)]); // throws for a flag whose backend is not imported
      tf.env().set(f, false);
    } catch {
      saved.pop();
    }
  }
  try {
    for (const [i, c] of cases.entries()) {
      const before = tf.memory().numTensors;
      const start = performance.now();
      let comparisons: Comparison[] = [];
      let error: unknown;
      try {
        comparisons = await c.run();
      } catch (e) {
        error = e;
      }
      const result = summarize(c, comparisons, error, performance.now() - start, error === undefined ? tf.memory().numTensors - before : 0);
      results.push(result);
      options.onCase?.(result, i, cases.length);
      await pause();
    }
  } finally {
    recorder.stop();
    for (const [f, v] of saved) tf.env().set(f, v);
  }
  const passed = results.filter((r) => r.pass).length;
  return { backend: tf.getBackend(), cpuForwardOff: saved.map(([f]) => f), total: results.length, passed, failed: results.length - passed, ms: performance.now() - t0, cases: results, kernels: recorder.names() };
}
