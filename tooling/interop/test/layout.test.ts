/**
 * House rules of the source layout, checked over every package: no src file over 300 lines, and concept
 * files (src/*.ts) export only what the package's index.ts exports (anything else lives under internal/).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@genmod-internal/testing';

const packagesDir = join(repoRoot, 'packages');
const packages = readdirSync(packagesDir).filter((p) => !p.startsWith('.'));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Names a module exports by declaration (`export function f`, `export class C`, `export const x`, ...). */
function declaredExports(src: string): string[] {
  return [...src.matchAll(/^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!);
}

/** Names re-exported by `export { a, type B, c as d } from '...'` lists (the public names). */
function listedExports(src: string): string[] {
  return [...src.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) =>
    m[1]!.split(',').map((s) => s.trim().replace(/^type\s+/, '')).filter(Boolean).map((s) => s.split(/\s+as\s+/).pop()!.trim()),
  );
}

describe.each(packages)('@genmod/%s source layout', (pkg) => {
  const src = join(packagesDir, pkg, 'src');
  const files = walk(src).filter((f) => f.endsWith('.ts'));

  it('has no src file over 300 lines', () => {
    const long = files.map((f) => [f.slice(src.length + 1), readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 300);
    expect(long).toEqual([]);
  });

  it('ships declarations that name no private package (the core contract types are inlined)', () => {
    const dist = join(packagesDir, pkg, 'dist');
    const leaking = walk(dist).filter((f) => /\.d\.c?ts$/.test(f) && readFileSync(f, 'utf8').includes('@genmod-internal/'));
    expect(walk(dist).some((f) => f.endsWith('.d.ts'))).toBe(true);
    expect(leaking.map((f) => f.slice(dist.length + 1))).toEqual([]);
  });

  it('exports from concept files only what index.ts exports', () => {
    // the entry points are the files behind package.json's "exports" (index, and subpaths such as ./testing, ./node)
    const exportsMap = (JSON.parse(readFileSync(join(packagesDir, pkg, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports;
    const entries = [...new Set([...JSON.stringify(exportsMap).matchAll(/\.\/dist\/([\w-]+)\.d\.c?ts/g)].map((m) => `${m[1]}.ts`))]
      .filter((f) => readdirSync(src).includes(f));
    expect(entries).toContain('index.ts');
    const publicNames = new Set(entries.flatMap((e) => listedExports(readFileSync(join(src, e), 'utf8'))));
    const concept = readdirSync(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !entries.includes(f));
    const stray = concept.flatMap((f) => declaredExports(readFileSync(join(src, f), 'utf8')).filter((n) => !publicNames.has(n)).map((n) => `${f}: ${n}`));
    expect(stray).toEqual([]);
  });
});
