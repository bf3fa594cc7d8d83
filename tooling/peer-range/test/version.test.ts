// The suites really run on the old tfjs, and every package declares the range that starts exactly there (so
// widening or narrowing the range without rerunning this suite fails here).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FIX_TEST_FILES, goldenTestFiles } from '../src/golden-files.js';
import { OLDEST_TFJS, PEER_RANGE, repoRoot } from '../src/tfjs.js';

const packages = join(repoRoot, 'packages');
const published = readdirSync(packages).filter((n) => existsSync(join(packages, n, 'package.json'))).sort();

describe('peer range', () => {
  it(`loads tfjs-core ${process.env.GENMOD_PEER_TFJS_VERSION} (not the workspace's 4.22.0) on the wanted backend`, () => {
    expect(tf.version_core).toBe(process.env.GENMOD_PEER_TFJS_VERSION);
    expect(tf.getBackend()).toBe(process.env.GENMOD_TEST_BACKEND ?? 'cpu');
  });

  it('runs a golden suite from each of the seven model packages, and the fix tests', () => {
    expect([...new Set(goldenTestFiles(repoRoot).map((f) => f.split('/')[1]))]).toEqual(['adversarial', 'diffusion', 'divergences', 'flows', 'gumbel', 'reparam', 'vae']);
    for (const f of FIX_TEST_FILES) expect(existsSync(join(repoRoot, f)), f).toBe(true);
  });

  it.each(published)(`@genmod/%s declares @tensorflow/tfjs-core ${PEER_RANGE}`, (name) => {
    const pkg = JSON.parse(readFileSync(join(packages, name, 'package.json'), 'utf8'));
    expect(pkg.peerDependencies['@tensorflow/tfjs-core']).toBe(PEER_RANGE);
    expect(PEER_RANGE).toBe(`^${OLDEST_TFJS}`);
  });
});
