/**
 * The MNIST denoiser and classifier the page ships (public/models/mnist-cfg, written by examples/diffusion-mnist's
 * `npm run export-model`): their files, the reference digits computed in Node at export time, and the agreement
 * asked of other backends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const modelDir = fileURLToPath(new URL('../public/models/mnist-cfg', import.meta.url));
export const reference = JSON.parse(readFileSync(join(modelDir, 'reference.json'), 'utf8')) as {
  backend: string; labels: number[]; steps: number; guidance: number; seed: number; predicted: number[]; correct: number; firstDigits: number; pixels: number[];
};

/** The largest |Δ| between the first reference digits and `pixels`. */
export function maxPixelDiff(pixels: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < reference.pixels.length; i++) m = Math.max(m, Math.abs(pixels[i]! - reference.pixels[i]!));
  return m;
}

/** Pixel agreement (values in [−1, 1]) asked of a backend: PIXEL_ATOL_SAME on the exporting one, PIXEL_ATOL elsewhere. */
export const PIXEL_ATOL_SAME = 1e-5; // the reference is rounded to 1e-5 (measured: 5.0e-6 on wasm, which exported)
export const PIXEL_ATOL = 1e-3; // measured: cpu 8.4e-6 from the wasm reference
/** In Chromium on SwiftShader, the browser test measured max |Δpixel| 3.32e-4 (WebGPU) and 3.34e-4 (WebGL). */
export const BROWSER_PIXEL_ATOL = 5e-3;
