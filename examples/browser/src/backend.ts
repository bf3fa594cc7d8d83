/**
 * Backend choice at page start-up: WebGPU, then WebGL, then the CPU, recording why each one that was
 * skipped could not run. `?backend=webgl` (or `webgpu`, `cpu`) forces a backend: the ones before it in the
 * order are skipped, and a forced backend that cannot start still falls back (saying so).
 *
 * The packages never choose a backend; the app does, once, before any tensor is made.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

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

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  isFallbackAdapter?: boolean;
}
interface NavigatorGpu {
  requestAdapter(options?: object): Promise<GpuAdapterLike | null>;
}

/** Why WebGPU cannot run here, or undefined when an adapter is there (its description goes into `details`). */
async function webgpuProblem(details: string[]): Promise<string | undefined> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: NavigatorGpu } | undefined)?.gpu;
  if (!gpu) {
    return 'navigator.gpu missing (this browser does not expose WebGPU; Chromium needs a secure context, and headless Chromium --enable-unsafe-webgpu)';
  }
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return `navigator.gpu.requestAdapter() threw: ${(e as Error).message}`;
  }
  if (adapter === null) return 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter; blocklisted driver or WebGPU disabled)';
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' / ') || 'unnamed adapter';
  details.push(`WebGPU adapter: ${name}${adapter.isFallbackAdapter ? ' (fallback adapter)' : ''}`);
  if (!tf.findBackendFactory('webgpu')) return 'the webgpu backend was not registered (@tensorflow/tfjs-backend-webgpu found no navigator.gpu at import)';
  return undefined;
}

async function trySetBackend(name: BrowserBackend): Promise<string | undefined> {
  try {
    if (await tf.setBackend(name)) return undefined;
    return `tf.setBackend('${name}') returned false (the backend failed to initialise; see the console)`;
  } catch (e) {
    return `tf.setBackend('${name}') threw: ${(e as Error).message}`;
  }
}

/**
 * tfjs-webgpu reads synchronously (dataSync, which the packages use in argument checks) by copying the buffer
 * into a canvas. Where the browser cannot do that, dataSync returns zeros: check it on a value computed on the
 * device (CPU forwarding off, or the add would run on the CPU).
 */
function syncReadbackProblem(): string | undefined {
  const flag = 'WEBGPU_CPU_FORWARD';
  const saved = tf.env().getBool(flag);
  tf.env().set(flag, false);
  try {
    const t = tf.tidy(() => tf.add(tf.scalar(41), tf.scalar(1)));
    const v = t.dataSync()[0];
    t.dispose();
    if (v !== 42) return `synchronous readback is broken here (dataSync of 41 + 1 gave ${v}; the browser could not copy a WebGPU buffer into a canvas), and the packages read synchronously in their argument checks`;
    return undefined;
  } catch (e) {
    return `synchronous readback threw: ${(e as Error).message}`;
  } finally {
    tf.env().set(flag, saved);
  }
}

function webglDetails(details: string[]): void {
  const version = tf.env().getNumber('WEBGL_VERSION');
  const float32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE');
  details.push(`WebGL ${version}, ${float32 ? 'float32' : 'float16 (reduced precision!)'} render targets`);
  try {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    if (gl && ext) details.push(`WebGL renderer: ${gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)}`);
  } catch {
    /* the renderer string is a nicety */
  }
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
  const details: string[] = [];
  const forced = forcedBackend(search, reasons);
  const start = forced ? BROWSER_BACKENDS.indexOf(forced) : 0;
  for (const skipped of BROWSER_BACKENDS.slice(0, start)) reasons.push(`${skipped}: skipped (?backend=${forced})`);
  for (const name of BROWSER_BACKENDS.slice(start)) {
    const attempt: string[] = [];
    const problem = (name === 'webgpu' ? await webgpuProblem(attempt) : undefined) ?? (await trySetBackend(name)) ?? (name === 'webgpu' ? syncReadbackProblem() : undefined);
    if (problem === undefined) {
      await tf.ready();
      details.push(...attempt);
      if (name === 'webgl') webglDetails(details);
      return { active: name, ...(forced ? { forced } : {}), reasons, details };
    }
    reasons.push(`${name}: ${problem}`);
  }
  throw new Error(`no TensorFlow.js backend could start: ${reasons.join('; ')}`);
}
