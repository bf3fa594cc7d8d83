/**
 * Issue 14: defects found by the differential suite (tooling/differential/test/vae.test.ts, references from
 * torch / scipy in float64). Each case failed before its fix.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { aggregatePosterior, discretizedLogisticLikelihood, logMeanExp, vectorQuantize } from './index.js';

describe('differential regressions (issue 14)', () => {
  it('logMeanExp of all −Infinity is −Infinity (tf.logSumExp gave NaN), and −Infinity entries drop out', () => {
    tf.tidy(() => {
      expect(logMeanExp(tf.tensor1d([-Infinity, -Infinity])).dataSync()[0]).toBe(-Infinity);
      const v = logMeanExp(tf.tensor2d([[-Infinity, 0], [-Infinity, -Infinity]]), 1).dataSync();
      expect(v[0]).toBeCloseTo(-Math.log(2), 6);
      expect(v[1]).toBe(-Infinity);
    });
  });

  it('aggregatePosterior.logProb is −Infinity, not NaN, where every component density underflows (logVar −150)', () => {
    tf.tidy(() => {
      const prior = aggregatePosterior(tf.tensor2d([[0.1, 0.2], [1, 1]]), tf.fill([2, 2], -150));
      expect(prior.logProb(tf.zeros([1, 2])).dataSync()[0]).toBe(-Infinity);
    });
  });

  it('discretizedLogisticLikelihood is the exact log bin mass at tiny scales and far-off bins (no bin-centre approximation)', () => {
    tf.tidy(() => {
      // a bin 1.5 away from μ at s = e^-8: σ(a) − σ(b) underflows float32, and the bin-centre density times the
      // bin width (used below a CDF difference of 1e-5) was off by 8.5 nats; the exact mass in float64:
      const h = 1 / 255;
      const s = Math.exp(-8);
      const aa = (0 - 1.5 + h) / s;
      const bb = (0 - 1.5 - h) / s;
      const sp = (t: number) => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
      const far = aa + Math.log1p(-Math.exp(bb - aa)) - sp(aa) - sp(bb);
      const gotFar = discretizedLogisticLikelihood({ logScale: -8 })(tf.tensor2d([[0]]), tf.tensor2d([[1.5]])).dataSync()[0]!;
      expect(Math.abs(gotFar - far)).toBeLessThan(1e-4 * Math.abs(far));
    });
  });

  it('vectorQuantize picks the nearest code away from the origin (the expanded ‖z‖² − 2z·e + ‖e‖² cancelled)', () => {
    tf.tidy(() => {
      const codebook = tf.tensor2d([[1000, 1000], [1000.05, 1000], [999.97, 1000]]);
      const zE = tf.tensor2d([[1000.01, 1000], [1000.04, 1000], [999.98, 1000]]);
      const r = vectorQuantize(zE, codebook);
      expect(Array.from(r.indices.dataSync())).toEqual([0, 1, 2]);
    });
  });
});
