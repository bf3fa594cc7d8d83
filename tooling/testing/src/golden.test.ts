import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenDir, goldenFiles, sharedGoldenDir } from './golden.js';
import { chiSquare, chiSquareCritical, ksCritical, ksStatistic, zCritical } from './stats.js';
import { expectClose } from './close.js';

describe('golden copies', () => {
  it('holds the files the packages test against', () => {
    for (const f of ['gumbel.json', 'gumbel_softmax.json', 'concrete.json', 'stat_thresholds.json', 'README.md', 'STAT_CHECKS.md']) {
      expect(goldenFiles()).toContain(f);
    }
  });
  // Where ../shared/golden exists (developer and CI machines), every copy must equal its original byte for byte.
  it.runIf(existsSync(sharedGoldenDir))('equal ../shared/golden byte for byte', () => {
    for (const f of goldenFiles()) {
      const original = join(sharedGoldenDir, f);
      expect(existsSync(original), `${f} is not in ${sharedGoldenDir}`).toBe(true);
      expect(readFileSync(join(goldenDir, f)).equals(readFileSync(original)), `${f} drifted from ../shared/golden`).toBe(true);
    }
  });
});

describe('statistical helpers', () => {
  it('read the tabulated critical values', () => {
    expect(chiSquareCritical(4)).toBeCloseTo(18.4668, 4);
    expect(chiSquareCritical(11)).toBeCloseTo(31.2641, 4);
    expect(chiSquareCritical(4, 1e-6)).toBeCloseTo(33.3768, 4);
    expect(ksCritical(10000)).toBeCloseTo(0.019477, 6);
    expect(ksCritical(3000)).toBeCloseTo(1.949475 / Math.sqrt(3000), 6);
    expect(zCritical()).toBeCloseTo(3.290527, 6);
    expect(() => chiSquareCritical(7)).toThrow(/df=7/);
  });
  it('compute Pearson X² and the KS statistic', () => {
    expect(chiSquare([50, 50], [0.5, 0.5]).statistic).toBe(0);
    expect(chiSquare([60, 40], [0.5, 0.5]).statistic).toBeCloseTo(4, 12);
    expect(() => chiSquare([1, 2], [0.5, 0.5])).toThrow(/< 5/);
    // uniform samples at the midpoints of N cells: D = 1/(2N)
    const xs = Array.from({ length: 10 }, (_, i) => (i + 0.5) / 10);
    expect(ksStatistic(xs, (x) => x)).toBeCloseTo(0.05, 12);
    expect(ksStatistic([0.9, 0.95, 0.99], (x) => x)).toBeCloseTo(0.9, 12);
  });
  it('expectClose fails on a real difference and on NaN', () => {
    expect(() => expectClose([1, 2], [1, 2.1])).toThrow(/worst at flat index 1/);
    expect(() => expectClose([NaN], [1])).toThrow();
    expect(() => expectClose([Infinity], [null])).not.toThrow();
    expect(() => expectClose([1], [null])).toThrow();
  });
});
