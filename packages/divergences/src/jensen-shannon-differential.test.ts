// Regression found by the differential suite (tooling/differential, issue 14): fails before its fix.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { jsDistance, jsDivergence } from './jensen-shannon.js';

describe('Jensen-Shannon for near-identical laws (differential suite, issue 14)', () => {
  it('is accurate to float32 relative precision where Σ p·log(p/m) + q·log(q/m) cancels', () => {
    const h = 2 ** -16;
    const p = [0.25, 0.25, 0.5];
    const q = [0.25 + h, 0.25 - h, 0.5];
    // float64: ½·Σ [p·log(2p/(p + q)) + q·log(2q/(p + q))]
    let want = 0;
    p.forEach((a, k) => {
      const b = q[k]!;
      want += 0.5 * (a * Math.log((2 * a) / (a + b)) + b * Math.log((2 * b) / (a + b)));
    });
    const js = jsDivergence({ probs: p }, { probs: q });
    const jd = jsDistance({ probs: p }, { probs: q });
    expect(Math.abs(js.dataSync()[0]! - want) / want).toBeLessThan(1e-4); // want ≈ 9.3e−10; it came out ~1e−8
    expect(Math.abs(jd.dataSync()[0]! - Math.sqrt(want)) / Math.sqrt(want)).toBeLessThan(1e-4);
    tf.dispose([js, jd]);
  });
});
