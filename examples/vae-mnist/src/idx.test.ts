import { describe, expect, it } from 'vitest';
import { IMAGES_MAGIC, LABELS_MAGIC, binarize, mnistSplit, parseIdx } from './idx.js';

/** A synthetic IDX buffer: magic, big-endian dims, then the bytes. */
function idx(magic: number, dims: number[], data: number[]): Uint8Array {
  const buf = new Uint8Array(4 + 4 * dims.length + data.length);
  const v = new DataView(buf.buffer);
  v.setUint32(0, magic, false);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  buf.set(data, 4 + 4 * dims.length);
  return buf;
}

const pixels = Array.from({ length: 2 * 3 * 2 }, (_, i) => i * 20);

describe('parseIdx', () => {
  it('reads the dimensions and the data', () => {
    const r = parseIdx(idx(IMAGES_MAGIC, [2, 3, 2], pixels), IMAGES_MAGIC);
    expect(r.dims).toEqual([2, 3, 2]);
    expect(Array.from(r.data)).toEqual(pixels);
    expect(Array.from(parseIdx(idx(LABELS_MAGIC, [3], [7, 0, 9]), LABELS_MAGIC).data)).toEqual([7, 0, 9]);
  });

  it('fails clearly on a wrong magic number', () => {
    expect(() => parseIdx(idx(LABELS_MAGIC, [3], [1, 2, 3]), IMAGES_MAGIC, 'x.idx')).toThrow(/^x\.idx: bad magic number 2049 \(0x00000801\), expected 2051/);
    expect(() => parseIdx(idx(0x12345678, [1], [0]), LABELS_MAGIC)).toThrow(/bad magic number 305419896/);
  });

  it('fails clearly on a truncated or padded file', () => {
    const good = idx(IMAGES_MAGIC, [2, 3, 2], pixels);
    expect(() => parseIdx(good.subarray(0, 2), IMAGES_MAGIC, 'f')).toThrow(/^f: truncated: 2 bytes, not even the 4-byte magic number$/);
    expect(() => parseIdx(good.subarray(0, 10), IMAGES_MAGIC, 'f')).toThrow(/^f: truncated: 10 bytes, the header alone needs 16$/);
    expect(() => parseIdx(good.subarray(0, good.length - 1), IMAGES_MAGIC, 'f')).toThrow(/^f: truncated: 27 bytes, the header \[2 × 3 × 2\] says 28$/);
    expect(() => parseIdx(new Uint8Array([...good, 0]), IMAGES_MAGIC, 'f')).toThrow(/has trailing bytes: 29 bytes/);
  });
});

describe('mnistSplit and binarize', () => {
  it('checks that images and labels agree', () => {
    const s = mnistSplit(idx(IMAGES_MAGIC, [2, 3, 2], pixels), idx(LABELS_MAGIC, [2], [4, 5]), 'tiny');
    expect([s.n, s.rows, s.cols]).toEqual([2, 3, 2]);
    expect(() => mnistSplit(idx(IMAGES_MAGIC, [2, 3, 2], pixels), idx(LABELS_MAGIC, [3], [4, 5, 6]), 'tiny')).toThrow(/^tiny: 2 images but 3 labels$/);
  });

  it('binarizes at the threshold', () => {
    expect(Array.from(binarize(new Uint8Array([0, 127, 128, 255])))).toEqual([0, 0, 1, 1]);
  });
});
