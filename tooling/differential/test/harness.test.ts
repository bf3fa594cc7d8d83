import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Gumbel } from '@genmod/gumbel';
import { Normal } from '@genmod/reparam';
import { type Adapter, checkFunction, loadReferences } from './harness.js';

// The harness must catch what it is there to catch: a value off by a relative 1e-4, a gradient off by 1e-3,
// a finite value where the reference is an infinity. Each mutant below must fail.
const gumbel = loadReferences('gumbel').functions['Gumbel.logProb']!;
const normalCdf = loadReferences('reparam').functions['Normal.cdf']!;
const tol = { rtol: 1e-5, atol: 1e-5, k: 4 };
const law = (i: Record<string, tf.Tensor>) => new Gumbel({ loc: i.loc!, scale: i.scale! });

describe('the differential harness', () => {
  it('passes the true function', () => {
    const ok: Adapter = { tol, run: (i) => law(i).logProb(i.x!) };
    expect(checkFunction('Gumbel.logProb', gumbel, ok).failures).toEqual([]);
  });

  it('fails a value off by a relative 1e-4', () => {
    const off: Adapter = { tol, run: (i) => tf.mul(law(i).logProb(i.x!), 1 + 1e-4) };
    const row = checkFunction('Gumbel.logProb', gumbel, off);
    expect(row.passed).toBeLessThan(row.cases / 2);
  });

  it('fails a gradient off by 1e-3 (value exact)', () => {
    const wrongGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const y = args[0] as tf.Tensor;
      return { value: tf.clone(y), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.mul(dy as tf.Tensor, 1 + 1e-3) };
    }) as (y: tf.Tensor) => tf.Tensor;
    const off: Adapter = { tol, run: (i) => wrongGrad(law(i).logProb(i.x!)) };
    const row = checkFunction('Gumbel.logProb', gumbel, off);
    expect(row.failures.some((f) => f.includes('∂/∂'))).toBe(true);
    expect(row.failures.every((f) => !f.includes('value['))).toBe(true);
  });

  it('fails where an exact 0 or 1 of the cdf comes out otherwise, or a tail is off by 1e-5 absolute', () => {
    const off: Adapter = {
      tol: { rtol: 1e-5, atol: 1e-6, k: 4 },
      run: (i) => tf.add(new Normal({ loc: i.loc!, scale: i.scale! }).cdf(i.x!), 1e-5),
    };
    expect(checkFunction('Normal.cdf', normalCdf, off).failures.length).toBeGreaterThan(0);
  });
});
