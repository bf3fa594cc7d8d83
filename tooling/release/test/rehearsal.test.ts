// The release, rehearsed through a real registry. The repository (git ls-files of the root, .changeset/,
// packages/ and every package.json, plus each package's built dist/) is copied into a temp folder; Verdaccio
// starts on 127.0.0.1 with a throwaway storage folder; in the copy the release command runs as a maintainer
// runs it (`changeset version`, then `changeset publish` with an .npmrc pointing at the local registry and a
// fake token), and every package must land on the registry at 0.1.0 with a generated CHANGELOG.md and the
// LICENSE. Then, in a clean folder, `npm install @genmod/vae @tensorflow/tfjs` from that registry alone (vae's
// siblings come from the registry, not from tarballs) and vae's README example runs. Then a changeset for
// @genmod/gumbel alone (patch) is versioned and published, and the registry must show that only gumbel got a
// new version (the test says why vae, its dependent, does not; the last test shows when it would). The registry
// is stopped in afterAll whatever happens; its package list is printed after the second release.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from './registry.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'node_modules', '.bin');
const work = mkdtempSync(join(tmpdir(), 'genmod-release-'));
const copy = join(work, 'repo');
const consumer = join(work, 'consumer');

/** The published packages: every non-private package under packages/ that git tracks (the copy's). */
let published: { dir: string; name: string }[] = [];

let registry: Registry | undefined;
let env: NodeJS.ProcessEnv = {};

const run = (cmd: string, args: string[], cwd: string) => {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}\nregistry log:\n${registry?.log() ?? ''}`);
  }
};
const changeset = (...args: string[]) => run(join(bin, 'changeset'), args, copy);
const versionInCopy = (dir: string) => JSON.parse(readFileSync(join(copy, 'packages', dir, 'package.json'), 'utf8')).version as string;
const versionsOnRegistry = (name: string) => JSON.parse(run('npm', ['view', name, 'versions', '--json'], work)) as string[] | string;
const asList = (v: string[] | string) => (Array.isArray(v) ? v : [v]);

describe('release rehearsal through a local Verdaccio registry', () => {
  beforeAll(async () => {
    // What a release reads of the repository: the tracked files (their working-tree contents) at the root, in
    // .changeset/ and in packages/, and the package.json of every private workspace package (changesets checks
    // its `ignore` globs against them; the rest of tooling/, examples/ and bench/ is never published, and
    // leaving it out keeps the copy small), plus each package's built dist folder
    const pathspecs = [':(glob)*', '.changeset', 'packages', ':(glob)**/package.json'];
    const files = execFileSync('git', ['ls-files', '-z', '--', ...pathspecs], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of files) if (existsSync(join(root, f))) cpSync(join(root, f), join(copy, f), { recursive: true });
    published = readdirSync(join(copy, 'packages'))
      .filter((d) => existsSync(join(copy, 'packages', d, 'package.json')))
      .map((d) => ({ dir: d, pkg: JSON.parse(readFileSync(join(copy, 'packages', d, 'package.json'), 'utf8')) }))
      .filter(({ pkg }) => !pkg.private)
      .map(({ dir, pkg }) => ({ dir, name: pkg.name as string }));
    expect(published.length).toBeGreaterThanOrEqual(7);
    for (const { dir } of published) {
      expect(existsSync(join(root, 'packages', dir, 'dist')), `packages/${dir}/dist (built by turbo before this test)`).toBe(true);
      cpSync(join(root, 'packages', dir, 'dist'), join(copy, 'packages', dir, 'dist'), { recursive: true });
      // every file the manifest points at is there (a build running at the same time empties dist/ first)
      const pkg = JSON.parse(readFileSync(join(copy, 'packages', dir, 'package.json'), 'utf8'));
      const targets = JSON.stringify([pkg.main, pkg.module, pkg.types, pkg.exports]).match(/\.\/dist\/[^"]+/g) ?? [];
      expect(targets.filter((t) => !existsSync(join(copy, 'packages', dir, t))), `packages/${dir}: files in exports missing from dist/`).toEqual([]);
    }
    // the copy resolves the changesets CLI and its changelog generator from the workspace's root node_modules
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    // a git repository, as a maintainer's clone is: `changeset publish` tags what it publishes
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=rehearsal', '-c', 'user.email=rehearsal@localhost', '-c', 'commit.gpgsign=false', ...args], { cwd: copy, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'rehearsal');

    registry = await startRegistry(join(work, 'registry'));
    // One npmrc for every npm and pnpm call here (the user's ~/.npmrc is not read): the local registry and a
    // fake token. Verdaccio lets anyone publish @genmod/*, so the token is only there because npm and pnpm
    // refuse to publish without one.
    const npmrc = join(work, 'npmrc');
    writeFileSync(npmrc, `registry=${registry.url}\n${registry.authKey}:_authToken=fake-rehearsal-token\nfund=false\naudit=false\nupdate-notifier=false\n`);
    writeFileSync(join(copy, '.npmrc'), readFileSync(npmrc));
    env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k) && !/^pnpm_/i.test(k))),
      PATH: `${bin}:${process.env.PATH}`,
      npm_config_userconfig: npmrc,
      npm_config_registry: registry.url,
      CI: 'true',
    };
  });

  afterAll(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('the root scripts are the release command: `changeset version`, then build and `changeset publish`', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts['version-packages']).toBe('changeset version');
    expect(scripts.release).toMatch(/&& changeset publish$/);
    const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'));
    expect(config.fixed).toEqual([]); // independent versions, no lockstep
    expect(config.linked).toEqual([]);
    expect(config.updateInternalDependencies).toBe('patch');
  });

  it('changeset version makes every package 0.1.0 (the minor changesets on 0.0.0) and writes each CHANGELOG.md', () => {
    changeset('version');
    published = readdirSync(join(copy, 'packages'))
      .filter((d) => existsSync(join(copy, 'packages', d, 'package.json')))
      .map((d) => ({ dir: d, pkg: JSON.parse(readFileSync(join(copy, 'packages', d, 'package.json'), 'utf8')) }))
      .filter(({ pkg }) => !pkg.private)
      .map(({ dir, pkg }) => ({ dir, name: pkg.name as string }));
    expect(published.length).toBeGreaterThanOrEqual(7);
    for (const { dir } of published) {
      expect(versionInCopy(dir), dir).toBe('0.1.0');
      const changelog = readFileSync(join(copy, 'packages', dir, 'CHANGELOG.md'), 'utf8');
      expect(changelog, dir).toMatch(/^# @genmod\/[a-z-]+\n\n## 0\.1\.0\n\n### Minor Changes\n/);
    }
    // every changeset was consumed
    expect(readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md')).toEqual([]);
  });

  it('changeset publish puts every package on the registry at 0.1.0', () => {
    changeset('publish');
    for (const { name } of published) expect(asList(versionsOnRegistry(name)), name).toEqual(['0.1.0']);
  });

  it('npm installs @genmod/vae and @tensorflow/tfjs from that registry alone, and the README example runs', () => {
    mkdirSync(consumer, { recursive: true });
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run('npm', ['install', '--loglevel=error', '--prefer-online', '@genmod/vae', '@tensorflow/tfjs@4.22.0'], consumer);

    // vae's siblings came from the registry at 0.1.0, with ranges rewritten from workspace:^
    const installed = (name: string) => JSON.parse(readFileSync(join(consumer, 'node_modules', name, 'package.json'), 'utf8'));
    const vae = installed('@genmod/vae');
    expect(vae.version).toBe('0.1.0');
    expect(vae.dependencies).toEqual({ '@genmod/divergences': '^0.1.0', '@genmod/gumbel': '^0.1.0', '@genmod/reparam': '^0.1.0' });
    expect(readdirSync(join(consumer, 'node_modules', '@genmod')).sort()).toEqual(['divergences', 'gumbel', 'reparam', 'vae']);
    for (const p of ['divergences', 'gumbel', 'reparam', 'vae']) {
      const dir = join(consumer, 'node_modules', '@genmod', p);
      expect(installed(`@genmod/${p}`).version).toBe('0.1.0');
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toContain('Copyright (c) 2026 the genmod authors');
      expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).toContain('## 0.1.0');
      expect(installed(`@genmod/${p}`).repository).toEqual({ type: 'git', url: 'git+https://github.com/genmod/genmod.git', directory: `packages/${p}` });
    }
    // every package in the lockfile, @tensorflow/* and their dependencies included, was resolved through it
    const lock = JSON.parse(readFileSync(join(consumer, 'package-lock.json'), 'utf8'));
    const resolved = Object.entries(lock.packages as Record<string, { resolved?: string }>).filter(([k]) => k !== '').map(([k, v]): [string, string] => [k, v.resolved ?? '']);
    expect(resolved.length).toBeGreaterThan(10);
    expect(resolved.filter(([, r]) => !r.startsWith(registry!.url))).toEqual([]);

    // vae's README example (its first code block), type-stripped, as plain JavaScript in the clean folder
    const readme = readFileSync(join(root, 'packages', 'vae', 'README.md'), 'utf8');
    const block = /## Example\s*\n+```(?:ts|js|javascript|typescript)\n([\s\S]*?)\n```/.exec(readme)![1]!;
    const js = ts.transpileModule(block, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(consumer, 'readme-example.mjs'), js);
    const last = run(process.execPath, ['readme-example.mjs'], consumer).trim().split('\n').pop()!;
    // `console.log(losses[0], losses[losses.length - 1], iwae >= bound, perplexity)`: the negative ELBO falls
    // over training, the IWAE bound is at least the ELBO, and the VQ perplexity counts codes in use (1 to 8)
    const [first, lastLoss, tighter, perplexity] = last.split(' ');
    console.log(`vae README example printed: ${last}`);
    expect(Number(lastLoss)).toBeLessThan(Number(first));
    expect(tighter).toBe('true');
    expect(Number(perplexity)).toBeGreaterThanOrEqual(1);
    expect(Number(perplexity)).toBeLessThanOrEqual(8);
  });

  it('a patch changeset for @genmod/gumbel alone releases gumbel 0.1.1 and nothing else (vae keeps 0.1.0)', () => {
    writeFileSync(join(copy, '.changeset', 'gumbel-release-rehearsal.md'), "---\n'@genmod/gumbel': patch\n---\n\nA patch of @genmod/gumbel alone (release rehearsal).\n");
    changeset('version');
    changeset('publish');
    // What the changesets policy bumps with gumbel, and why: nothing. vae depends on gumbel through
    // `workspace:^`, which changesets reads as ^0.1.0 (gumbel's version before this release). A dependent is
    // bumped only when the dependency's new version leaves that range (`updateInternalDependents` defaults to
    // "out-of-range"; "always" would bump it); 0.1.1 satisfies ^0.1.0, so vae stays at 0.1.0 and a fresh
    // install of vae 0.1.0 already gets gumbel 0.1.1. `updateInternalDependencies: "patch"` only decides that
    // a dependent released anyway gets its range raised to the new version. A minor gumbel release (0.2.0,
    // outside ^0.1.0) would bump vae by a patch, with an "Updated dependencies" entry in its CHANGELOG.md.
    const expected: Record<string, string[]> = { '@genmod/gumbel': ['0.1.0', '0.1.1'] };
    const onRegistry = published.map(({ name, dir }) => ({ name, dir, versions: asList(versionsOnRegistry(name)) }));
    const proxied = readdirSync(join(work, 'registry', 'storage'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('package.json') && !f.startsWith('@genmod'));
    console.log(
      'registry after the rehearsal (@genmod/*: every version published):\n' +
        onRegistry.map(({ name, versions }) => `  ${name.padEnd(22)} ${versions.join(', ')}`).join('\n') +
        `\n  (and ${proxied.length} packages proxied from npmjs.org: @tensorflow/tfjs and its dependencies)`,
    );
    for (const { name, dir, versions } of onRegistry) {
      expect(versions, name).toEqual(expected[name] ?? ['0.1.0']);
      expect(versionInCopy(dir), dir).toBe((expected[name] ?? ['0.1.0']).at(-1));
    }
    expect(readFileSync(join(copy, 'packages', 'gumbel', 'CHANGELOG.md'), 'utf8')).toMatch(/## 0\.1\.1\n\n### Patch Changes\n\n- [0-9a-f]*:? ?A patch of @genmod\/gumbel alone/);
    expect(readFileSync(join(copy, 'packages', 'vae', 'CHANGELOG.md'), 'utf8')).not.toContain('0.1.1');
    // vae 0.1.0 on the registry asks for gumbel ^0.1.0, which the new 0.1.1 satisfies
    expect(JSON.parse(run('npm', ['view', '@genmod/vae@0.1.0', 'dependencies', '--json'], work))['@genmod/gumbel']).toBe('^0.1.0');
  });

  it('a minor gumbel release would leave ^0.1.1 and so bump vae by a patch (versioned in the copy, not published)', () => {
    writeFileSync(join(copy, '.changeset', 'gumbel-release-minor.md'), "---\n'@genmod/gumbel': minor\n---\n\nA minor release of @genmod/gumbel (release rehearsal).\n");
    changeset('version');
    const versions = Object.fromEntries(published.map(({ name, dir }) => [name, versionInCopy(dir)]));
    expect(versions).toEqual({ ...Object.fromEntries(published.map(({ name }) => [name, '0.1.0'])), '@genmod/gumbel': '0.2.0', '@genmod/vae': '0.1.1' });
    expect(readFileSync(join(copy, 'packages', 'vae', 'CHANGELOG.md'), 'utf8')).toMatch(/## 0\.1\.1\n\n### Patch Changes\n\n- Updated dependencies[^\n]*\n\s+- @genmod\/gumbel@0\.2\.0/);
  });
});
