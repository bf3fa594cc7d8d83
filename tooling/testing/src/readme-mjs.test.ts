import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeBlocks, runReadmeBlockAsMjs, stripTypes } from './readme-mjs.js';

// A throwaway package inside this package's node_modules (so @tensorflow/tfjs-core resolves from it).
const fixture = join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.cache', 'readme-mjs-fixture');
const block = (code: string) => '```ts\n' + code + '\n```\n';

describe('README examples as plain JavaScript', () => {
  mkdirSync(fixture, { recursive: true });
  writeFileSync(join(fixture, 'package.json'), JSON.stringify({ name: '@genmod/fixture', type: 'module' }));
  writeFileSync(
    join(fixture, 'README.md'),
    '# fixture\n' +
      block(`import * as tf from '@tensorflow/tfjs-core';\nimport '@tensorflow/tfjs-backend-cpu';\nconst n: number = tf.sum([1, 2, 3]).dataSync()[0] as number;\nconsole.log(n, [undefined, NaN], 'x' satisfies string);`) +
      block(`import '@tensorflow/tfjs-core/dist/register_all_gradients';\nconsole.log(1);`) +
      block(`const x = 1;`),
  );
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it('strips types to JavaScript', () => {
    const js = stripTypes('const y = (x as number) satisfies number; let z: string | undefined; export {};');
    expect(js).not.toMatch(/\bas number|satisfies|: string/);
  });
  it('reads the ```ts blocks in order', () => expect(readmeBlocks('```ts\na\n```\n```sh\nb\n```\n```ts\nc\n```')).toEqual(['a\n', 'c\n']));
  it('runs a block under node and returns its first console.log arguments (undefined and NaN kept)', async () => {
    expect(await runReadmeBlockAsMjs(fixture, 0)).toEqual([6, [undefined, NaN], 'x']);
  });
  it('fails, with node\'s message, on an import that works only under a bundler', async () => {
    await expect(runReadmeBlockAsMjs(fixture, 1)).rejects.toThrow(/example-2\.mjs.*register_all_gradients/s);
  });
  it('returns undefined when the block logs nothing', async () => expect(await runReadmeBlockAsMjs(fixture, 2)).toBeUndefined());
});
