/**
 * Backend choice at page start-up, through @genmod/backend's chooseBackend: WebGPU, then WebGL, then the CPU
 * (this page ships no wasm files), recording why each one that was skipped could not run. `?backend=webgl`
 * (or `webgpu`, `cpu`) forces a backend: the ones before it in the order are skipped, and a forced backend that
 * cannot start still falls back (saying so).
 *
 * The packages never choose a backend; the app does, once, before any tensor is made.
 */
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { chooseBackend } from '@genmod/backend';

export type BrowserBackend = 'webgpu' | 'webgl' | 'cpu';
export const BROWSER_BACKENDS: readonly BrowserBackend[] = ['webgpu', 'webgl', 'cpu'];

export interface BackendReport {
  /** the backend that runs (tf.getBackend()) */
  active: BrowserBackend;
  /** the backend asked for with ?backend=, if any */
  forced?: BrowserBackend;
  /** one line per backend tried or skipped before the active one: why it is not the one running */
  reasons: string[];
  /** what we know about the device of the active backend (WebGPU adapter, WebGL renderer, float precision) */
  details: string[];
}

/** Reads `?backend=` from a query string; anything else than a known backend name is ignored (and said so). */
export function forcedBackend(search: string, reasons: string[] = []): BrowserBackend | undefined {
  const value = new URLSearchParams(search).get('backend');
  if (value === null || value === '') return undefined;
  if ((BROWSER_BACKENDS as readonly string[]).includes(value)) return value as BrowserBackend;
  reasons.push(`?backend=${value} ignored: expected one of ${BROWSER_BACKENDS.join(', ')}`);
  return undefined;
}

/**
 * Activates the first backend of webgpu → webgl → cpu that starts (from the forced one on, if any),
 * and says why the others did not.
 */
export async function chooseBrowserBackend(search = globalThis.location?.search ?? ''): Promise<BackendReport> {
  const reasons: string[] = [];
  const forced = forcedBackend(search, reasons);
  const start = forced ? BROWSER_BACKENDS.indexOf(forced) : 0;
  for (const skipped of BROWSER_BACKENDS.slice(0, start)) reasons.push(`${skipped}: skipped (?backend=${forced})`);
  const choice = await chooseBackend(forced, { platform: 'browser', fallback: true, backends: BROWSER_BACKENDS, fastMatMulGradient: false });
  return { active: choice.active as BrowserBackend, ...(forced ? { forced } : {}), reasons: [...reasons, ...choice.reasons], details: choice.details };
}
