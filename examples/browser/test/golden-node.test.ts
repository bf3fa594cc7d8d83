// The golden cases of the page, run in Node on cpu and on wasm: the same module (src/golden) the browser
// runs on WebGPU and WebGL, so the cross-backend matrix compares like with like.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenCases } from '../src/golden/cases.js';
import { runGoldenCases, type GoldenReport } from '../src/golden/run.js';
import { compareFingerprints, noiseFingerprint, type NoiseFingerprint } from '../src/noise.js';

const NODE_BACKENDS = ['cpu', 'wasm'] as const;
const initial = tf.getBackend();
afterAll(() => tf.setBackend(initial));

describe.each(NODE_BACKENDS)('golden cases on %s', (backend) => {
  let report: GoldenReport;
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    report = await runGoldenCases({ yieldBetween: async () => undefined });
  });

  it('ran every case on this backend', () => {
    expect(report.backend).toBe(backend);
    expect(report.total).toBe(goldenCases().length);
    expect(report.total).toBeGreaterThan(40);
  });

  it.each(goldenCases().map((c, i) => [`${c.pkg}: ${c.name}`, i] as const))('%s', (_name, i) => {
    const r = report.cases[i]!;
    expect(r.failures, `${r.pkg}: ${r.name}`).toEqual([]);
    expect(r.pass).toBe(true);
    expect(r.ratio).toBeLessThanOrEqual(1);
  });
});

describe('same seed, same noise on cpu and wasm', () => {
  it('raw draws and discrete samples identical, relaxed samples to float32 rounding', async () => {
    const prints: NoiseFingerprint[] = [];
    for (const b of NODE_BACKENDS) {
      await tf.setBackend(b);
      prints.push(await noiseFingerprint());
    }
    expect(compareFingerprints(prints[0]!, prints[1]!)).toEqual([]);
    // a different seed gives different noise (the comparison can fail)
    const shifted = { ...prints[1]!, uniform: prints[1]!.uniform.map((v, i) => (i === 3 ? v + 1e-7 : v)) };
    expect(compareFingerprints(prints[0]!, shifted)).toHaveLength(1);
  });
});
