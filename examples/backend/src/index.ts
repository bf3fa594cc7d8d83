/**
 * Moved to the published package `@genmod/backend` (browser-safe) and `@genmod/backend/node` (with the file://
 * router and the command-line flags): import from there. This module keeps the shape the examples' start-up
 * test (examples/browser/test/backend-choice.test.ts) was written against — `chooseBackend(name, { fallback,
 * loadNodeGpu })` resolving to `{ requested, active, reason? }` — as a thin layer over @genmod/backend/node.
 */
import { chooseNodeBackend, type ChooseBackendOptions, type NodeBackendName } from '@genmod/backend/node';

export * from '@genmod/backend/node';

/** @deprecated use `chooseNodeBackend` from `@genmod/backend/node` */
export type BackendName = NodeBackendName;

/** Loads @tensorflow/tfjs-node-gpu; `loaders.cuda` in @genmod/backend. */
export type NodeGpuLoader = () => Promise<unknown>;

/** @deprecated use `chooseNodeBackend` from `@genmod/backend/node` */
export async function chooseBackend(
  requested: NodeBackendName,
  options: Omit<ChooseBackendOptions, 'platform'> & { loadNodeGpu?: NodeGpuLoader } = {},
): Promise<{ requested: NodeBackendName; active: string; reason?: string }> {
  const { loadNodeGpu, ...rest } = options;
  const loaders = loadNodeGpu ? { ...rest.loaders, cuda: loadNodeGpu } : rest.loaders;
  const choice = await chooseNodeBackend(requested, { ...rest, ...(loaders ? { loaders } : {}) });
  return { requested, active: choice.active, ...(choice.reason ? { reason: choice.reason } : {}) };
}
