/**
 * `file://` for tf.io in Node without tfjs-node (the wasm and cpu backends): the same two files tfjs-node's file
 * handler writes — `model.json` (topology, `weightsManifest`, format, metadata) and `weights.bin` — so a
 * checkpoint saved here loads with tfjs-node, and in the browser with `tf.io.http('…/model.json')`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

const PREFIX = 'file://';

/** One buffer from tf.io's weight data (one ArrayBuffer, or several since tfjs 4.10); no tf.io.CompositeArrayBuffer, which older tfjs lacks. */
function joinBuffers(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  if (!Array.isArray(data)) return data;
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}

/** The directory a `file://` URL names (a URL ending in model.json names its directory). */
function directoryOf(url: string): string {
  const path = url.startsWith(PREFIX) ? url.slice(PREFIX.length) : url;
  return path.endsWith('model.json') ? dirname(resolve(path)) : resolve(path);
}

/**
 * A tf.io handler that saves to and loads from a directory: `model.json` + `weights.bin`.
 *
 * @example
 * ```ts
 * await saveState(flow, fileSystem('./checkpoints/flow'));
 * ```
 */
export function fileSystem(path: string): tf.io.IOHandler {
  const dir = directoryOf(path);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error(`fileSystem: binary model topologies are not supported (${dir})`);
      await mkdir(dir, { recursive: true });
      const weightsManifest: tf.io.WeightsManifestConfig = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }];
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        weightsManifest,
        ...(artifacts.format !== undefined && { format: artifacts.format }),
        ...(artifacts.generatedBy !== undefined && { generatedBy: artifacts.generatedBy }),
        ...(artifacts.convertedBy !== undefined && { convertedBy: artifacts.convertedBy }),
        ...(artifacts.trainingConfig !== undefined && { trainingConfig: artifacts.trainingConfig }),
        ...(artifacts.userDefinedMetadata !== undefined && { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : joinBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[]);
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(data));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(manifest.flatMap((group) => group.paths).map(async (p) => {
          const b = await readFile(join(dir, p));
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
        }));
        return [specs, joinBuffers(buffers)];
      });
    },
  };
}

let registered = false;

/**
 * Registers {@link fileSystem} as tf.io's `file://` router for saving and loading, unless one is already there
 * (tfjs-node registers its own). Returns whether it registered.
 */
export function registerFileRouter(): boolean {
  if (registered || tf.io.getSaveHandlers(`${PREFIX}probe`).length > 0) return false;
  // tfjs routers return null for URLs they do not handle (its IORouter type says IOHandler)
  const route = ((url: string | string[]) => (typeof url === 'string' && url.startsWith(PREFIX) ? fileSystem(url) : null)) as (url: string | string[]) => tf.io.IOHandler;
  tf.io.registerSaveRouter(route);
  tf.io.registerLoadRouter(route);
  registered = true;
  return true;
}
