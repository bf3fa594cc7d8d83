// Runs the checks of the PyTorch MNIST peer (bench/peer/test_mnist_vae.py: the test binarization's checksum, the
// dynamic batches, the IWAE and KLs against float64 references, a 2-second smoke run of both models) and fails
// on a non-zero exit. Skipped, saying why, only where Debian's python3 or its torch is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const python = process.env.GENMOD_PYTHON ?? '/usr/bin/python3';
const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'peer', 'test_mnist_vae.py');

function missing(): string | undefined {
  if (!existsSync(python)) return `no interpreter at ${python} (apt-get install -y python3-torch python3-numpy; or set GENMOD_PYTHON)`;
  const r = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return `${python} cannot import torch and numpy (apt-get install -y python3-torch python3-numpy): ${(r.stderr || '').trim().split('\n').pop()}`;
  return undefined;
}

const why = missing();
if (why !== undefined) console.warn(`peer-mnist.test.ts skipped: ${why}`);

describe.skipIf(why !== undefined)('PyTorch MNIST peer (bench/peer/mnist_vae.py)', () => {
  it('passes its checks (test_mnist_vae.py)', () => {
    const r = spawnSync(python, [script], { encoding: 'utf8', timeout: 110_000 });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    expect(r.error, `${python} ${script} did not finish: ${String(r.error)}\n${output}`).toBeUndefined();
    expect(r.status, output).toBe(0);
    expect(output).toMatch(/^OK/m);
  }, 120_000);
});
