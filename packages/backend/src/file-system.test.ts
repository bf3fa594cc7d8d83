import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSystem, registerFileRouter } from './file-system.js';

const dir = mkdtempSync(join(tmpdir(), 'genmod-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file:// for tf.io without tfjs-node', () => {
  it("writes tfjs-node's model.json + weights.bin and reads them back bit for bit", async () => {
    const w = tf.tensor2d([[1.5, -2], [3e-30, 4e30]]);
    const flag = tf.scalar(1, 'int32');
    const { data, specs } = await tf.io.encodeWeights({ 'a/kernel': w, 'a/flag': flag });
    const target = join(dir, 'one');
    await fileSystem(target).save!({ modelTopology: { format: 'x' }, format: 'x', weightSpecs: specs, weightData: data, userDefinedMetadata: { k: 1 } });
    expect(readdirSync(target).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(target, 'model.json'), 'utf8'));
    expect(json.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: specs }]);
    const back = await fileSystem(`file://${target}/model.json`).load!();
    expect(back.userDefinedMetadata).toEqual({ k: 1 });
    const decoded = tf.io.decodeWeights(back.weightData!, back.weightSpecs!);
    expect(Array.from(decoded['a/kernel']!.dataSync())).toEqual(Array.from(w.dataSync()));
    expect(decoded['a/flag']!.dtype).toBe('int32');
    tf.dispose([w, flag, ...Object.values(decoded)]);
  });

  it('registers the file:// router once, and LayersModel.save/loadLayersModel use it', async () => {
    // true on the first call in this worker (another test file, e.g. the README's, may have made it)
    registerFileRouter();
    expect(registerFileRouter()).toBe(false);
    expect(tf.io.getSaveHandlers(`file://${dir}/probe`)).toHaveLength(1);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    const url = `file://${join(dir, 'layers')}`;
    await model.save(url);
    const loaded = await tf.loadLayersModel(`${url}/model.json`);
    const a = model.getWeights().map((t) => Array.from(t.dataSync()));
    const b = loaded.getWeights().map((t) => Array.from(t.dataSync()));
    expect(b).toEqual(a);
    model.dispose();
    loaded.dispose();
  });
});
