/**
 * A census of the tfjs kernels the packages use: every export's TSDoc `@example` (the house style puts a
 * runnable one on each), taken from the built `dist/index.d.ts`, transpiled and run with the package's exports
 * and `tf` in scope while `engine.runKernel` is recorded. That covers the public API far beyond the golden
 * cases, and it follows the packages as they grow: nothing here lists functions by hand.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import ts from 'typescript';
import { recordKernels } from '../src/kernels.js';

const require = createRequire(import.meta.url);

export interface Example {
  pkg: string;
  /** the export the example documents (the declaration after the comment) */
  name: string;
  code: string;
}

/** The `@example` blocks of a package's declaration file, with the name of the declaration each precedes. */
export function examplesOf(pkg: string): Example[] {
  const dts = readFileSync(join(dirname(require.resolve(`@genmod/${pkg}`)), 'index.d.ts'), 'utf8');
  const out: Example[] = [];
  for (const m of dts.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:function|class|const|interface|type)?\s*([A-Za-z_$][\w$]*)?/g)) {
    const body = m[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n');
    for (const block of body.matchAll(/@example\s*```ts\n([\s\S]*?)```/g)) {
      out.push({ pkg, name: m[2] ?? '?', code: block[1]!.split('\n').filter((l) => !/^\s*import\s/.test(l)).join('\n') });
    }
  }
  return out;
}

export interface CensusResult {
  examples: number;
  /** the examples that threw, with the error */
  failed: { pkg: string; name: string; error: string }[];
  kernels: string[];
}

/**
 * Runs every example of `pkgs` on the active backend. Each runs in its own engine scope (its tensors are
 * freed after it) with console.log silenced; `scope` holds `tf` and every package's exports (the example's
 * own package last, so its names win).
 */
export async function kernelCensus(pkgs: string[], modules: Record<string, Record<string, unknown>>): Promise<CensusResult> {
  const recorder = recordKernels();
  const failed: CensusResult['failed'] = [];
  let examples = 0;
  const log = console.log;
  console.log = () => undefined;
  try {
    for (const pkg of pkgs) {
      const scope: Record<string, unknown> = { tf };
      for (const [p, m] of Object.entries(modules)) if (p !== pkg) Object.assign(scope, m);
      Object.assign(scope, modules[pkg]);
      for (const ex of examplesOf(pkg)) {
        examples++;
        const js = ts.transpileModule(`(async () => {\n${ex.code}\n})`, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
        tf.engine().startScope();
        try {
          // sloppy-mode `with` puts the exports in scope without listing them
          await (new Function('scope', `with (scope) { return ${js.trim().replace(/;$/, '')}; }`)(scope) as () => Promise<void>)();
        } catch (e) {
          failed.push({ pkg, name: ex.name, error: (e as Error).message.split('\n')[0]! });
        } finally {
          tf.engine().endScope();
        }
      }
    }
  } finally {
    console.log = log;
    recorder.stop();
    // an example may opt in to @genmod/adversarial's process-wide gradient replacements: opt out again
    const adversarial = modules.adversarial as { higherOrderGradientsEnabled?: () => boolean; disableHigherOrderGradients?: () => void } | undefined;
    if (adversarial?.higherOrderGradientsEnabled?.()) adversarial.disableHigherOrderGradients?.();
  }
  return { examples, failed, kernels: recorder.names() };
}
