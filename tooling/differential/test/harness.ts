/**
 * The differential harness: loads references/<package>.json (written by scripts/differential/generate.py from
 * torch.distributions / scipy in float64) and checks our float32 results element by element:
 *
 *   |ours − ref| ≤ atol + rtol·|ref| + k·2⁻²³·cond
 *
 * cond = Σᵢ |∂f/∂xᵢ · xᵢ| is the first-order effect of rounding the inputs to float32 (stored per element for
 * values, and with second derivatives for every gradient element). A non-finite reference must be matched
 * exactly (the same infinity, NaN for NaN); a finite reference beyond the float32 range (|ref| > 3.4e38) must come
 * out as the infinity of its sign, its float32 rounding.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';

type Num = number | 'Infinity' | '-Infinity' | 'NaN';
interface Arr { shape: number[]; data: Num[] }
export interface RefCase {
  inputs: Record<string, Arr>;
  data?: Record<string, { shape: number[]; data: number[] }>;
  value: Arr;
  cond: Num[];
  grads?: Record<string, Num[]>;
  gradCond?: Record<string, Num[]>;
  note?: string;
  /** 'relative': the gradient atol is multiplied by the largest |element| of each gradient array */
  gradAtol?: 'relative';
  knownFailure?: string;
}
interface RefFile { package: string; functions: Record<string, RefCase[]> }

export const decode = (v: Num): number =>
  v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v;

export function loadReferences(pkg: string): RefFile {
  return JSON.parse(readFileSync(new URL(`../references/${pkg}.json`, import.meta.url), 'utf8')) as RefFile;
}

/** Tolerances of one function: base rtol/atol, and k, the multiple of 2⁻²³·cond allowed. */
export interface Tolerance { rtol: number; atol: number; k: number }

/**
 * How one function of ours is called: `run` gets the case's float inputs as float32 tensors (and its integer
 * data as int32 tensors) and returns the value, whose sum is differentiated for the gradients.
 */
export interface Adapter {
  tol: Tolerance;
  /** gradient tolerances (default: `tol`) */
  gradTol?: Tolerance;
  run(inputs: Record<string, tf.Tensor>, data: Record<string, tf.Tensor>): tf.Tensor;
}

export interface Row {
  fn: string;
  cases: number;
  passed: number;
  elements: number;
  worstRel: number;
  worstGradRel: number;
  worstUsed: number;
  failures: string[];
}

const EPS32 = 2 ** -23;
const FLT_MAX = 3.4028234663852886e38;

/**
 * rel: |ours − ref| / max(|ref|, atol/rtol), the relative error with references below atol/rtol measured against
 * that floor (where atol, not rtol, is the tolerance); used: the error as a fraction of its allowance (≤ 1 passes).
 */
function within(ours: number, ref: number, cond: number, t: Tolerance): { ok: boolean; rel: number; used: number } {
  if (!Number.isFinite(ref)) {
    return { ok: Number.isNaN(ref) ? Number.isNaN(ours) : ours === ref, rel: 0, used: 0 };
  }
  // a reference beyond the float32 range rounds to ±Infinity in float32: that (or ±FLT_MAX) is the right answer
  if (Math.abs(ref) > FLT_MAX) return { ok: ours === Math.sign(ref) * Infinity || Math.abs(ours) >= FLT_MAX * (1 - 2 ** -24) && Math.sign(ours) === Math.sign(ref), rel: 0, used: 0 };
  if (!Number.isFinite(ours)) return { ok: false, rel: Infinity, used: Infinity };
  const err = Math.abs(ours - ref);
  const allowed = t.atol + t.rtol * Math.abs(ref) + t.k * EPS32 * cond;
  return { ok: err <= allowed, rel: err / Math.max(Math.abs(ref), t.atol / t.rtol), used: err / allowed };
}

/** Runs every case of one function; returns the table row (failures listed, at most 12 described). */
export function checkFunction(fn: string, cases: RefCase[], adapter: Adapter): Row {
  const row: Row = { fn, cases: cases.length, passed: 0, elements: 0, worstRel: 0, worstGradRel: 0, worstUsed: 0, failures: [] };
  const gradTol = adapter.gradTol ?? adapter.tol;
  cases.forEach((c, index) => {
    const problems: string[] = [];
    const before = { worstRel: row.worstRel, worstGradRel: row.worstGradRel, worstUsed: row.worstUsed };
    tf.tidy(() => {
      const inputs: Record<string, tf.Tensor> = {};
      for (const [name, a] of Object.entries(c.inputs)) inputs[name] = tf.tensor(a.data.map(decode), a.shape, 'float32');
      const data: Record<string, tf.Tensor> = {};
      for (const [name, a] of Object.entries(c.data ?? {})) data[name] = tf.tensor(a.data, a.shape, 'int32');
      const value = adapter.run(inputs, data);
      const shapeOk = JSON.stringify(value.shape) === JSON.stringify(c.value.shape);
      if (!shapeOk) problems.push(`shape ${JSON.stringify(value.shape)} vs ${JSON.stringify(c.value.shape)}`);
      const ours = value.dataSync();
      c.value.data.forEach((r, i) => {
        const ref = decode(r);
        const { ok, rel, used } = within(ours[i] ?? NaN, ref, decode(c.cond[i] ?? 0), adapter.tol);
        row.elements++;
        if (Number.isFinite(used)) row.worstUsed = Math.max(row.worstUsed, used);
        if (Number.isFinite(rel)) row.worstRel = Math.max(row.worstRel, rel);
        if (!ok) problems.push(`value[${i}] ours ${ours[i]} ref ${ref} cond ${c.cond[i]}`);
      });
      if (c.grads) {
        const names = Object.keys(c.grads);
        const g = tf.grads((...xs: tf.Tensor[]) => {
          const all = { ...inputs };
          names.forEach((n, i) => (all[n] = xs[i]!));
          return tf.sum(adapter.run(all, data));
        });
        const gs = g(names.map((n) => inputs[n]!));
        names.forEach((n, j) => {
          const got = gs[j]!.dataSync();
          const refs = c.grads![n]!;
          // in cases at parameter scales like 1e±30 (gradAtol 'relative'), a gradient's atol is relative to the
          // largest |element| of its array: gradients scale like 1/parameter, and an absolute 1e-5 would wave
          // anything through at scale 1e30
          const scale = refs.map(decode).filter(Number.isFinite).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          const t = c.gradAtol === 'relative' && scale > 0 ? { ...gradTol, atol: gradTol.atol * scale } : gradTol;
          refs.forEach((r, i) => {
            const ref = decode(r);
            const { ok, rel, used } = within(got[i] ?? NaN, ref, decode(c.gradCond?.[n]?.[i] ?? 0), t);
            row.elements++;
            if (Number.isFinite(used)) row.worstUsed = Math.max(row.worstUsed, used);
            if (Number.isFinite(rel)) row.worstGradRel = Math.max(row.worstGradRel, rel);
            if (!ok) problems.push(`∂/∂${n}[${i}] ours ${got[i]} ref ${ref} cond ${c.gradCond?.[n]?.[i]}`);
          });
        });
      }
    });
    if (c.knownFailure !== undefined) {
      Object.assign(row, before); // the table's worst errors are those of the cases expected to pass
      // a documented defect: it must still fail, so a fix is noticed (and the marker removed)
      if (problems.length === 0) row.failures.push(`case ${index} (${c.note ?? ''}) is marked knownFailure but passes: ${c.knownFailure}`);
      return;
    }
    if (problems.length === 0) row.passed++;
    else if (row.failures.length < 12) row.failures.push(`case ${index}${c.note ? ` (${c.note})` : ''}: ${problems.slice(0, 4).join('; ')}`);
    else row.failures.push(`case ${index}`);
  });
  return row;
}

export function formatTable(title: string, rows: Row[]): string {
  const fmt = (x: number) => (x === 0 ? '0' : x.toExponential(1));
  const lines = [
    `${title} (backend ${tf.getBackend()})`,
    '| function | cases | passed | known failures | elements | worst rel. err (value) | worst rel. err (gradient) | worst err / allowance |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const known = r.cases - r.passed - r.failures.filter((f) => !f.includes('knownFailure')).length;
    lines.push(`| ${r.fn} | ${r.cases} | ${r.passed} | ${Math.max(0, known)} | ${r.elements} | ${fmt(r.worstRel)} | ${fmt(r.worstGradRel)} | ${r.worstUsed.toFixed(2)} |`);
  }
  return lines.join('\n');
}

/**
 * The suite of one package: a test per function in references/<pkg>.json, each run through its adapter
 * (a function without one fails), with the per-function table printed at the end.
 */
export function describeDifferential(pkg: string, adapters: Record<string, Adapter>): void {
  const refs = loadReferences(pkg);
  const rows: Row[] = [];
  describe(`@genmod/${pkg} against PyTorch / SciPy / mpmath`, () => {
    afterAll(() => console.log(formatTable(`@genmod/${pkg}`, rows)));
    for (const [fn, cases] of Object.entries(refs.functions)) {
      it(`${fn}: ${cases.length} cases`, () => {
        const adapter = adapters[fn];
        expect(adapter, `no adapter for ${fn}`).toBeDefined();
        const row = checkFunction(fn, cases, adapter!);
        rows.push(row);
        expect(row.failures).toEqual([]);
      });
    }
  });
}
