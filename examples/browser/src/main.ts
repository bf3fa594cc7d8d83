/**
 * The page: choose the backend (WebGPU → WebGL → CPU, or ?backend=…), start the demos, and offer the golden
 * cases. Everything the browser test needs is on `window.genmod`.
 *
 * Query parameters: backend=webgpu|webgl|cpu forces a backend; autostart=0 keeps the flow and the KL fits
 * from training on load (the tests use it, so the golden runs have the device to themselves).
 */
import { chooseBrowserBackend, type BackendReport } from './backend.js';
import { runGoldenCases, type CaseResult, type GoldenReport } from './golden/run.js';
import { noiseFingerprint, type NoiseFingerprint } from './noise.js';
import { backendsWithKernels, missingKernels, recordKernels, registeredCounts } from './kernels.js';
import { gumbelDemo, type GumbelDemo } from './demos/gumbel.js';
import { flowDemo, type FlowDemo } from './demos/flow.js';
import { diffusionDemo, type DiffusionDemo } from './demos/diffusion.js';
import { modesDemo, type ModesDemo } from './demos/modes.js';
import { pretrainedDemo, type PretrainedDemo } from './demos/pretrained.js';
import { digitsDemo, type DigitsDemo } from './demos/digits.js';
import { canvasHash } from './draw.js';
import './style.css';

export interface GenmodPage {
  /** resolves once the backend runs and the first figures are drawn */
  ready: Promise<BackendReport>;
  backend?: BackendReport;
  runGolden(filter?: string): Promise<GoldenReport>;
  noiseFingerprint(): Promise<NoiseFingerprint>;
  /** the backends registered in this page, and for each the kernels of `names` it lacks */
  kernelInfo(names: string[]): { backends: string[]; missing: Record<string, string[]> };
  /** every kernel dispatched in this page since it loaded (demos and golden cases) */
  kernelsSeen(): string[];
  /** how many kernels cpu, webgl and webgpu register in this page */
  kernelCounts(): Record<string, number>;
  canvasHash(id: string): string;
  gumbel?: GumbelDemo;
  flow?: FlowDemo;
  diffusion?: DiffusionDemo;
  modes?: ModesDemo;
  /** the flow trained in Node (examples/flows-2d), loaded from public/models; and the IndexedDB round trip */
  pretrained?: PretrainedDemo;
  /** class-conditional MNIST digits from the denoiser examples/diffusion-mnist trained, loaded from public/models */
  digits?: DigitsDemo;
  /** uncaught errors seen by the page */
  errors: string[];
}

declare global {
  interface Window {
    genmod: GenmodPage;
  }
}

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const errors: string[] = [];
const seen = recordKernels(); // for the backend matrix: what the demos and the golden cases dispatch
window.addEventListener('error', (e) => errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => errors.push(String((e.reason as Error)?.message ?? e.reason)));

function showBackend(r: BackendReport): void {
  $('#backend-name').textContent = r.active;
  $('#backend-name').className = `badge ${r.active}`;
  const list = $('#backend-reasons');
  list.replaceChildren(
    ...[...r.reasons.map((t) => ['why not', t] as const), ...r.details.map((t) => ['device', t] as const)].map(([kind, text]) => {
      const li = document.createElement('li');
      li.textContent = `${kind === 'why not' ? '✗ ' : ''}${text}`;
      li.className = kind === 'why not' ? 'reason' : 'detail';
      return li;
    }),
  );
  if (r.reasons.length === 0) {
    const li = document.createElement('li');
    li.textContent = `✓ ${r.active} is the first choice and it started`;
    list.prepend(li);
  }
  document.title = `genmod in the browser (${r.active})`;
}

function caseRow(r: CaseResult): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.className = r.pass ? 'pass' : 'fail';
  const cells = [r.pass ? 'pass' : 'FAIL', r.pkg, r.name, r.maxAbsErr.toExponential(1), r.maxRelErr.toExponential(1), r.ratio.toFixed(3), `${r.ms.toFixed(0)} ms`];
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    tr.append(td);
  }
  if (!r.pass) tr.title = r.failures.join('\n');
  return tr;
}

/** Pauses the demos and waits until none of them has work on the device (the golden cases count tensors). */
async function quiesce(): Promise<void> {
  const { gumbel, flow, diffusion, modes, pretrained, digits } = window.genmod;
  await Promise.all([flow?.stop(), modes?.stop(), diffusion?.stop(), gumbel?.idle(), pretrained?.idle(), digits?.stop()]);
}

async function runGolden(filter?: string): Promise<GoldenReport> {
  await quiesce();
  const body = $('#golden-body');
  const summary = $('#golden-summary');
  const button = $<HTMLButtonElement>('#golden-run');
  button.disabled = true;
  body.replaceChildren();
  summary.textContent = 'running…';
  try {
    const report = await runGoldenCases({
      filter,
      onCase: (r, i, n) => {
        body.append(caseRow(r));
        summary.textContent = `running… ${i + 1} / ${n}`;
      },
    });
    summary.textContent = `${report.passed} of ${report.total} cases pass on ${report.backend} (${(report.ms / 1000).toFixed(1)} s, ${report.kernels.length} kernels); max error ratio ${Math.max(...report.cases.map((c) => c.ratio)).toFixed(3)} (≤ 1 passes)`;
    summary.className = report.failed === 0 ? 'pass' : 'fail';
    return report;
  } finally {
    button.disabled = false;
  }
}

async function main(): Promise<BackendReport> {
  const report = await chooseBrowserBackend();
  window.genmod.backend = report;
  showBackend(report);
  const params = new URLSearchParams(location.search);
  const autostart = params.get('autostart') !== '0';
  const g = gumbelDemo($('#gumbel'));
  const f = flowDemo($('#flow'), !autostart);
  const d = diffusionDemo($('#diffusion'));
  const m = modesDemo($('#modes'));
  const p = pretrainedDemo($('#pretrained'));
  const digits = digitsDemo($('#digits'));
  Object.assign(window.genmod, { gumbel: g, flow: f, diffusion: d, modes: m, pretrained: p, digits });
  $<HTMLButtonElement>('#golden-run').addEventListener('click', () => void runGolden());
  // a model that cannot be loaded is shown on the page and counted as an error, without stopping the other demos
  await Promise.all([
    g.idle(), f.idle(), m.idle(),
    p.loaded.catch((e: Error) => void errors.push(`pretrained model: ${e.message}`)),
    digits.loaded.catch((e: Error) => void errors.push(`digits model: ${e.message}`)),
  ]);
  if (autostart) {
    m.start();
    f.start();
  }
  return report;
}

window.genmod = {
  ready: undefined as unknown as Promise<BackendReport>,
  runGolden,
  noiseFingerprint,
  kernelInfo: (names) => {
    const backends = backendsWithKernels(['cpu', 'wasm', 'webgl', 'webgpu']);
    return { backends, missing: missingKernels(names, backends) };
  },
  kernelsSeen: () => seen.names(),
  kernelCounts: () => registeredCounts(['cpu', 'webgl', 'webgpu']),
  canvasHash: (id) => canvasHash($<HTMLCanvasElement>(`#${id}`)),
  errors,
};
window.genmod.ready = main().catch((e: Error) => {
  $('#backend-name').textContent = 'none';
  $('#backend-reasons').textContent = e.message;
  errors.push(e.message);
  throw e;
});
