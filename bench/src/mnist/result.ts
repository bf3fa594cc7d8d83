/** The JSON line each implementation prints for one model (the protocol's output), and the runner's table. */

export interface MnistResult {
  /** e.g. "tfjs 4.22.0 wasm (1 thread)", "torch 1.13.1 (2 threads)" */
  framework: string;
  model: 'gaussian' | 'dvae';
  /** the budget (s) */
  seconds: number;
  steps: number;
  /** measured training time (s), from the first step to the end of the last */
  trainSeconds: number;
  stepsPerSecond: number;
  /** steps·128/60000 */
  passes: number;
  /** τ at the last step (dVAE only) */
  finalTemperature?: number;
  testImages: number;
  /** ones in those test images (the binarization's checksum: 1,038,801 for all 10,000 with seed 1) */
  testOnes: number;
  elbo: { mean: number; se: number };
  iwae: { k: number; nll: number; se: number };
  evalSeconds: number;
}

/** A run that gave no result (the peer missing or failing), in the table as one line. */
export interface MnistFailure {
  framework: string;
  model: 'gaussian' | 'dvae';
  error: string;
}

const isResult = (r: MnistResult | MnistFailure): r is MnistResult => !('error' in r);

/** Checks that a parsed peer line has the fields of {@link MnistResult}; returns the names missing. */
export function missingFields(r: unknown): string[] {
  const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
  const need: Array<[string, (v: unknown) => boolean]> = [
    ['framework', (v) => typeof v === 'string'],
    ['model', (v) => v === 'gaussian' || v === 'dvae'],
    ...(['seconds', 'steps', 'trainSeconds', 'stepsPerSecond', 'passes', 'testImages', 'testOnes', 'evalSeconds'] as const).map((k) => [k, (v: unknown) => typeof v === 'number'] as [string, (v: unknown) => boolean]),
    ['elbo', (v) => typeof (v as { mean?: unknown })?.mean === 'number' && typeof (v as { se?: unknown }).se === 'number'],
    ['iwae', (v) => ['k', 'nll', 'se'].every((k) => typeof (v as Record<string, unknown>)?.[k] === 'number')],
  ];
  return need.filter(([k, ok]) => !ok(o[k])).map(([k]) => k);
}

const pm = (m: number, se: number) => `${m.toFixed(2)} ± ${se.toFixed(2)}`;

/**
 * The side-by-side table: one row per run (model, framework, steps, steps/s, passes, test ELBO ± SE, IWAE NLL ± SE,
 * evaluation s), then per model with both frameworks: the steps/s ratio and the difference in nats reached.
 */
export function formatTable(runs: Array<MnistResult | MnistFailure>): string {
  const header = ['model', 'framework', 'steps', 'steps/s', 'passes', 'test ELBO (nats)', 'IWAE NLL (nats)', 'eval s'];
  const rows = runs.map((r) => isResult(r)
    ? [r.model, r.framework, String(r.steps), r.stepsPerSecond.toFixed(1), r.passes.toFixed(2), pm(r.elbo.mean, r.elbo.se), `${pm(r.iwae.nll, r.iwae.se)} (k = ${r.iwae.k})`, r.evalSeconds.toFixed(0)]
    : [r.model, r.framework, `— ${r.error}`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length === header.length || i < 2).map((r) => r[i]!.length)));
  // a failed run: its model and framework in their columns, then the reason
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : cells.length === header.length ? c.padStart(widths[i]!) : c)).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const ok = runs.filter(isResult);
  const models = [...new Set(ok.map((r) => r.model))];
  const notes: string[] = [];
  for (const m of models) {
    const [a, b] = ok.filter((r) => r.model === m);
    if (a === undefined || b === undefined) continue;
    const images = a.testImages === b.testImages ? `${a.testImages} test images` : `${a.testImages} vs ${b.testImages} test images`;
    notes.push(`${m}: ${a.framework} ran ${(a.stepsPerSecond / b.stepsPerSecond).toFixed(2)}× the steps/s of ${b.framework}; in the same ${a.seconds} s its IWAE NLL is ${(a.iwae.nll - b.iwae.nll >= 0 ? '+' : '') + (a.iwae.nll - b.iwae.nll).toFixed(2)} ± ${Math.hypot(a.iwae.se, b.iwae.se).toFixed(2)} nats from it (${images}; ± the two SEs combined)`);
  }
  const first = ok[0];
  if (first !== undefined) {
    const imgs = first.testImages < 10_000 ? `the first ${first.testImages} of the 10,000 test images` : 'all 10,000 test images';
    notes.push(`budget ${first.seconds} s of training per model and framework; evaluated on ${imgs}, fixed stochastic binarization (${first.testOnes} ones); mean ± SE (sd/√N) over images; NLL = −IWAE bound`);
  }
  return [...out, '', ...notes].join('\n');
}
