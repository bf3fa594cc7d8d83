// The golden suites really run on the old tfjs, and the range every package with a golden suite declares
// starts exactly there (so widening or narrowing the range without rerunning this suite fails here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { goldenTestFiles } from '../src/golden-files.js';
import { OLDEST_TFJS, PEER_RANGE, repoRoot } from '../src/tfjs.js';

const names = [...new Set(goldenTestFiles(repoRoot).map((f) => f.split('/')[1]!))];

describe('peer range', () => {
  it(`loads tfjs-core ${process.env.GENMOD_PEER_TFJS_VERSION} (not the workspace's 4.22.0) on the wanted backend`, () => {
    expect(tf.version_core).toBe(process.env.GENMOD_PEER_TFJS_VERSION);
    expect(tf.getBackend()).toBe(process.env.GENMOD_TEST_BACKEND ?? 'cpu');
  });

  it('finds a golden suite in each of the seven packages', () => {
    expect(names).toEqual(['adversarial', 'diffusion', 'divergences', 'flows', 'gumbel', 'reparam', 'vae']);
  });

  it.each(names)(`@genmod/%s declares @tensorflow/tfjs-core ${PEER_RANGE}`, (name) => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages', name, 'package.json'), 'utf8'));
    expect(pkg.peerDependencies['@tensorflow/tfjs-core']).toBe(PEER_RANGE);
    expect(PEER_RANGE).toBe(`^${OLDEST_TFJS}`);
  });
});
