/**
 * What chooseBackend checks of a page's GPU before and after starting webgpu / webgl: an adapter, synchronous
 * readback, and the WebGL version and renderer for BackendChoice.details.
 */
import * as tf from '@tensorflow/tfjs-core';

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  isFallbackAdapter?: boolean;
}
interface NavigatorGpu {
  requestAdapter(options?: object): Promise<GpuAdapterLike | null>;
}

/** Why WebGPU cannot run here, or undefined when an adapter is there (its description goes into `details`). */
export async function webgpuProblem(details: string[]): Promise<string | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: NavigatorGpu } }).navigator?.gpu;
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
  return undefined;
}

/**
 * tfjs-webgpu reads synchronously (dataSync, which the packages use in argument checks) by copying the buffer
 * into a canvas. Where the browser cannot do that, dataSync returns zeros: check it on a value computed on the
 * device (CPU forwarding off, or the add would run on the CPU).
 */
export function syncReadbackProblem(): string | undefined {
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

export function webglDetails(details: string[]): void {
  try {
    const version = tf.env().getNumber('WEBGL_VERSION');
    const float32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE');
    details.push(`WebGL ${version}, ${float32 ? 'float32' : 'float16 (reduced precision!)'} render targets`);
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    if (gl && ext) details.push(`WebGL renderer: ${gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)}`);
  } catch {
    /* the renderer string is a nicety */
  }
}

