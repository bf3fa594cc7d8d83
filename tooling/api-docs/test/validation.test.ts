// The build's promise, checked on small fixture packages with the site's own settings (typedoc.json and
// plugin.mjs): TypeDoc fails on an undocumented export, a broken {@link}, a broken relative link in a README
// and a type the API references without exporting it; the allow-lists (`intentionallyNotExported`,
// `intentionallyNotDocumented`) pass when some package uses each entry, and fail on an entry no package uses.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const typedocBin = join(here, 'node_modules', 'typedoc', 'bin', 'typedoc');
const siteOptions = JSON.parse(readFileSync(join(here, 'typedoc.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'genmod-api-docs-validation-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const documented = `/**\n * Adds one: y = x + 1.\n * @example\n * \`\`\`ts\n * addOne(1); // 2\n * \`\`\`\n */\nexport function addOne(x: number): number {\n  return x + 1;\n}\n`;

/** Runs TypeDoc with the site's options over fixture packages (name → src/index.ts, and an optional README). */
async function typedoc(name: string, packages: Record<string, { src: string; readme?: string }>, intentionallyNotExported: string[] = [], intentionallyNotDocumented: string[] = []) {
  const dir = join(work, name);
  for (const [pkg, { src, readme }] of Object.entries(packages)) {
    mkdirSync(join(dir, 'packages', pkg, 'src'), { recursive: true });
    writeFileSync(join(dir, 'packages', pkg, 'package.json'), JSON.stringify({ name: `@fixture/${pkg}`, version: '0.1.0', type: 'module' }));
    writeFileSync(join(dir, 'packages', pkg, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', lib: ['ES2022'], module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true, types: [] }, include: ['src'] }));
    writeFileSync(join(dir, 'packages', pkg, 'src', 'index.ts'), src);
    writeFileSync(join(dir, 'packages', pkg, 'README.md'), readme ?? `# @fixture/${pkg}\n`);
  }
  writeFileSync(join(dir, 'README.md'), '# fixture\n');
  const options = {
    ...siteOptions,
    entryPoints: ['packages/*'],
    out: 'site',
    plugin: [join(here, 'plugin.mjs')],
    intentionallyNotExported,
    packageOptions: { ...siteOptions.packageOptions, intentionallyNotExported, intentionallyNotDocumented },
  };
  writeFileSync(join(dir, 'typedoc.json'), JSON.stringify(options));
  return new Promise<{ code: number; output: string }>((done) =>
    execFile(process.execPath, [typedocBin, '--options', 'typedoc.json'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    ),
  );
}

describe("the site's TypeDoc settings (typedoc.json, plugin.mjs) on fixture packages", () => {
  it('pass when every export is documented or allow-listed, and each allow-list entry is used by some package', async () => {
    const hidden = `type Hidden = { x: number };\n/** Reads x. */\nexport function readX(h: Hidden): number {\n  return h.x;\n}\n`;
    const r = await typedoc('ok', { a: { src: `${documented}export const undocumented = 1;\n` }, b: { src: hidden } }, ['Hidden'], ['undocumented']);
    expect(r.output).not.toMatch(/\[warning\]|\[error\]/);
    expect(r.code).toBe(0);
  });

  // TypeDoc stops after the packages' own checks when they warn; the links across the merged site are checked
  // after that: one run for the per-package faults (and an allow-list entry that no package uses), one for a link
  it('fail on an undocumented export, a broken README path, an unexported referenced type and a stale allow-list entry', async () => {
    const r = await typedoc(
      'faults',
      {
        undocumented: { src: `${documented}export const bare = 1;\n` },
        path: { src: documented, readme: '# @fixture/path\n\nSee [the example](../../examples/missing).\n' },
        unexported: { src: `type Secret = { x: number };\n/** Reads x. */\nexport function readX(s: Secret): number {\n  return s.x;\n}\n` },
      },
      ['Gone'],
      ['Nobody'],
    );
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/bare \(Variable\), defined in .*, does not have any documentation/);
    expect(r.output).toMatch(/relative path .*examples\/missing is not a file/);
    expect(r.output).toMatch(/Secret, defined in .*, is referenced by readX.* but not included in the documentation/);
    expect(r.output).toMatch(/intentionallyNotExported lists names that no package uses \(remove them\): Gone/);
    expect(r.output).toMatch(/intentionallyNotDocumented lists names that no package uses \(remove them\): Nobody/);
  });

  it('fail on a broken {@link}', async () => {
    const r = await typedoc('link', { a: { src: `/** Like {@link noSuchThing}. */\nexport const one = 1;\n` } });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/Failed to resolve link to "noSuchThing"/);
  });
});
