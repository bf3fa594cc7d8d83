/**
 * Honest binarized MNIST (issue 17): the pixels of MNIST are grey levels, and a binary model is trained and
 * evaluated on Bernoulli draws with the pixel's intensity p = byte / 255 as probability, as in the
 * literature (Salakhutdinov & Murray 2008; Burda, Grosse & Salakhutdinov 2016, arXiv:1509.00519), not on a
 * fixed threshold (which removes the ~45 nats per image of coin-flip entropy no model can predict).
 *
 * - Training: **dynamic binarization** ({@link dynamicBatches}): every batch takes consecutive slices of a
 *   fresh random permutation of the training images per epoch (a batch may straddle two permutations) and
 *   draws every pixel afresh, x ~ Bernoulli(p).
 * - Test: **one fixed seeded stochastic binarization** ({@link stochasticBinarize}) of a counter-based hash,
 *   bit-identical in any language (the PyTorch peer, bench/peer/mnist_vae.py, computes the same bits with numpy):
 *     x0 = (s·0x9E3779B9 + n) mod 2³², h = lowbias32(x0), bit = 1 ⇔ h·255 < byte·2³² (⇔ h/2³² < byte/255)
 *   for the global pixel index n = i·784 + j (the byte's index in the IDX file body) and the seed s.
 */
import { mulberry32 } from '@genmod-internal/core';

/**
 * lowbias32 (C. Wellons, "Prospecting for hash functions", 2018), a 32-bit integer hash:
 *   x ^= x >>> 16; x = x·0x7feb352d mod 2³²; x ^= x >>> 15; x = x·0x846ca68b mod 2³²; x ^= x >>> 16.
 * @returns an unsigned 32-bit integer
 */
export function lowbias32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const TWO_32 = 4294967296;

/**
 * The fixed seeded stochastic binarization of the protocol: bit n = 1 ⇔ lowbias32((s·0x9E3779B9 + n) mod 2³²)·255 <
 * bytes[n]·2³² (both sides are integers below 2⁴⁰: exact in float64), so P(bit = 1) = byte / 255 up to 2⁻³².
 * @param bytes the grey levels, `[n·784]` row-major, as in the IDX file body (index n is the global pixel index:
 *   pass the whole file body, or `offset` = the index of `bytes[0]` in it)
 * @param seed s, an integer (default 1, the protocol's)
 * @param offset the global index of `bytes[0]` (default 0)
 * @returns 0/1 as float32, `[n·784]`
 */
export function stochasticBinarize(bytes: Uint8Array, seed = 1, offset = 0): Float32Array {
  if (!Number.isInteger(seed)) throw new Error(`stochasticBinarize: seed must be an integer, got ${seed}`);
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`stochasticBinarize: offset must be an integer ≥ 0, got ${offset}`);
  const out = new Float32Array(bytes.length);
  const base = (Math.imul(seed, 0x9e3779b9) + offset) >>> 0;
  for (let n = 0; n < bytes.length; n++) {
    const h = lowbias32((base + n) >>> 0);
    out[n] = h * 255 < bytes[n]! * TWO_32 ? 1 : 0;
  }
  return out;
}

/** Options of {@link dynamicBatches}. */
export interface DynamicBatchOptions {
  /** images per batch (default 128) */
  batch?: number;
  /** seed of the host generator (mulberry32) that draws the permutations and the pixels (default 0) */
  seed?: number;
}

/** A stream of dynamically binarized batches; see {@link dynamicBatches}. */
export interface DynamicBatches {
  /**
   * The next batch: `batch` images taken in the order of the current epoch's permutation (a fresh permutation
   * when one runs out), each pixel a fresh Bernoulli(byte / 255) draw; float32 0/1 `[batch·784]`. Writes into
   * `out` if given (and returns it), else into a new array.
   */
  next(out?: Float32Array): Float32Array;
  /** the image indices of the last batch `next` returned, in order */
  readonly indices: Int32Array;
  /** permutations started so far (1 after the first `next`) */
  readonly epochs: number;
}

/**
 * Dynamic binarization: batches from per-epoch permutations of the n images, with x ~ Bernoulli(byte / 255)
 * drawn afresh for every pixel of every batch (u ~ U[0, 1) from mulberry32, bit = 1 ⇔ 255·u < byte).
 * @param images grey levels `[n·size]`
 * @param n the number of images
 * @param options batch size and seed
 * @param size pixels per image (default 784)
 */
export function dynamicBatches(images: Uint8Array, n: number, options: DynamicBatchOptions = {}, size = 784): DynamicBatches {
  const batch = options.batch ?? 128;
  if (!Number.isInteger(n) || n < 1 || images.length !== n * size) throw new Error(`dynamicBatches: images must hold n·${size} = ${n * size} bytes, got ${images.length}`);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`dynamicBatches: batch must be an integer ≥ 1, got ${batch}`);
  const unknown = Object.keys(options).filter((k) => k !== 'batch' && k !== 'seed');
  if (unknown.length > 0) throw new Error(`dynamicBatches: unknown option ${unknown.join(', ')} (expected batch, seed)`);
  const random = mulberry32(options.seed ?? 0);
  const order = new Int32Array(n);
  const indices = new Int32Array(batch);
  let position = n; // the permutation is used up: the first next() draws one
  let epochs = 0;
  const shuffle = () => {
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    position = 0;
    epochs++;
  };
  return {
    next(out = new Float32Array(batch * size)) {
      if (out.length !== batch * size) throw new Error(`dynamicBatches: out must hold batch·${size} = ${batch * size} numbers, got ${out.length}`);
      for (let b = 0; b < batch; b++) {
        if (position === n) shuffle();
        const image = order[position++]!;
        indices[b] = image;
        const src = image * size;
        const dst = b * size;
        for (let p = 0; p < size; p++) out[dst + p] = 255 * random() < images[src + p]! ? 1 : 0;
      }
      return out;
    },
    indices,
    get epochs() {
      return epochs;
    },
  };
}

/**
 * A seeded random subset of m of the n indices 0 … n − 1 (a partial Fisher–Yates shuffle with mulberry32),
 * in increasing order; all of them, in order, when m ≥ n.
 */
export function randomSubset(n: number, m: number, seed = 1): number[] {
  if (m >= n) return Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, m).sort((a, b) => a - b);
}

/** The rows `rows` of `x` (`[n·size]`), as a new `[rows.length·size]` array. */
export function selectRows(x: Float32Array, rows: readonly number[], size = 784): Float32Array {
  const out = new Float32Array(rows.length * size);
  rows.forEach((r, i) => out.set(x.subarray(r * size, (r + 1) * size), i * size));
  return out;
}
