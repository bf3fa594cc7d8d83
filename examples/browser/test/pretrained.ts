/**
 * The flow the page ships (public/models/two-moons-spline, written by examples/flows-2d's `npm run export-model`):
 * its files, the reference values computed in Node at export time, and the agreement asked of other backends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { fileSystem } from '@genmod/backend/node';

export const modelDir = fileURLToPath(new URL('../public/models/two-moons-spline', import.meta.url));
export const reference = JSON.parse(readFileSync(join(modelDir, 'reference.json'), 'utf8')) as {
  backend: string; points: number[][]; logProb: number[]; heldOutNll: number; steps: number;
};

/** model.json + weights.bin from disk, as tf.io.http would fetch them. */
export const files: tf.io.IOHandler = fileSystem(modelDir);

/**
 * The float32 agreement asked of a backend other than the one that exported: |Δ| ≤ 1e-4 + 1e-5·|ref| (the values
 * are −0.7 … −20 nats). Measured at the 12 points: cpu vs wasm 1.2e-5 abs (2.2e-6 rel); in headless Chromium on
 * SwiftShader, WebGPU 1.24e-5 and WebGL 1.34e-5 abs.
 */
export const NODE_ATOL = 1e-4;
export const NODE_RTOL = 1e-5;
export const BROWSER_ATOL = 1e-4;
export const BROWSER_RTOL = 1e-5;
