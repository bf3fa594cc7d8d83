import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkDistribution, describeLaw, hasRsample, isDistribution, supportWithin, type Distribution } from './distribution.js';

const law = (over: Partial<Record<keyof Distribution | 'rsample', unknown>> = {}): Distribution =>
  ({ family: 'Test', batchShape: [], eventShape: [], support: 'real', sample: () => tf.zeros([]), logProb: () => tf.zeros([]), ...over }) as Distribution;

describe('the distribution contract guards', () => {
  it('recognise a contract object and name what is missing', () => {
    expect(isDistribution(law())).toBe(true);
    expect(hasRsample(law())).toBe(false);
    expect(hasRsample(law({ rsample: () => tf.zeros([]) }) as Distribution)).toBe(true);
    expect(() => checkDistribution('f', 'q', { ...law(), eventShape: undefined })).toThrow('f: q must be a distribution (family, batchShape, eventShape, support, sample, logProb), got a Test distribution (missing eventShape)');
    expect(() => checkDistribution('f', 'q', { sample() {}, logProb() {} })).toThrow('got a distribution without a family tag (missing family)');
    expect(() => checkDistribution('f', 'q', law({ support: 'reals' }))).toThrow("(unknown support 'reals')");
    expect(() => checkDistribution('f', 'p', 3)).toThrow('got 3 (missing family)');
    expect(describeLaw({ loc: 1 })).toBe('a plain object');
  });
  it('orders supports', () => {
    expect(supportWithin('positive', 'real')).toBe(true);
    expect(supportWithin('real', 'positive')).toBe(false);
    expect(supportWithin('simplex', 'log-simplex')).toBe(false);
    expect(supportWithin('one-hot', 'one-hot')).toBe(true);
  });
});
