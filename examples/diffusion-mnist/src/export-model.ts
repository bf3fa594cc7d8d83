/**
 * Exports the trained denoiser (and the classifier) for the browser page's digit demo, to
 * examples/browser/public/models/mnist-cfg/: model.json + weights.bin in tfjs's own layout and the genmod state
 * format (`loadState` reads it through `tf.io.http`), the denoiser's weights stored as float16 and the
 * classifier's as uint8 (tf.io weight-spec quantization: `tf.io.decodeWeights` dequantizes them on load), so that
 * all of it stays under 2 MB. Beside them, reference.json: digits sampled here in Node from the exported (quantized)
 * files, and the classifier's reading of them, which the Node and browser tests compare with.
 * Run: npm run export-model  (after npm run train; flags: --backend=wasm|cpu, --out=DIR)
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs, fileSystem } from '@genmod/backend/node';
import { loadState } from '@genmod/diffusion';
import { architectureFromMetadata, classConditionalNet, mnistClassifier, sampleDigits, variablesState } from './models.js';
import { MODEL_DIR } from './paths.js';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const OUT = resolve(arg('out') ?? join(here, '..', '..', 'browser', 'public', 'models', 'mnist-cfg'));

/** The reference run: two digits of each class, 10 steps, guidance 3, seed 1. */
export const REFERENCE = { labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], steps: 10, guidance: 3, seed: 1 };

/** IEEE 754 binary16 bits of a float32 value, rounded to nearest even. */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
  void e;
  return sign | h;
}

/** Writes a genmod state as model.json + weights.bin, each tensor float16 or uint8-quantized. */
async function writeQuantized(dir: string, variables: Record<string, tf.Variable>, dtype: 'float16' | 'uint8', metadata: Record<string, unknown>): Promise<number> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const [name, v] of Object.entries(variables)) {
    const values = (await v.data()) as Float32Array;
    if (dtype === 'float16') {
      const h = Uint16Array.from(values, toHalf);
      chunks.push(new Uint8Array(h.buffer));
      specs.push({ name, shape: v.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
    } else {
      let min = Infinity;
      let max = -Infinity;
      for (const x of values) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      const scale = max > min ? (max - min) / 255 : 1;
      chunks.push(Uint8Array.from(values, (x) => Math.round((x - min) / scale)));
      specs.push({ name, shape: v.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } });
    }
  }
  const bytes = chunks.reduce((s, c) => s + c.length, 0);
  const data = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'weights.bin'), data);
  const json = {
    modelTopology: { format: 'genmod-state', names: Object.keys(variables) },
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    format: 'genmod-state',
    generatedBy: '@genmod-examples/diffusion-mnist export-model',
    convertedBy: null,
    userDefinedMetadata: metadata,
  };
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(json)}\n`);
  return bytes;
}

async function main(): Promise<void> {
  await chooseBackendFromArgs();
  const meta = (name: string) => (JSON.parse(readFileSync(join(MODEL_DIR, name, 'model.json'), 'utf8')) as tf.io.ModelJSON).userDefinedMetadata as Record<string, unknown>;
  const dMeta = meta('denoiser');
  const net = classConditionalNet(architectureFromMetadata(dMeta), 99);
  await loadState(variablesState(net.variables), `file://${join(MODEL_DIR, 'denoiser')}`);
  const clf = mnistClassifier();
  const cMeta = await loadState(variablesState(clf.variables), `file://${join(MODEL_DIR, 'classifier')}`);
  const denoiserBytes = await writeQuantized(OUT, net.variables, 'float16', { ...dMeta, quantization: 'float16' });
  const classifierBytes = await writeQuantized(join(OUT, 'classifier'), clf.variables, 'uint8', { ...cMeta, quantization: 'uint8 (per tensor, affine)' });
  net.dispose();
  clf.dispose();

  // the exported files, loaded into fresh networks: the reference digits and the classifier's reading of them
  const shipped = classConditionalNet(architectureFromMetadata(dMeta), 12345);
  await loadState(variablesState(shipped.variables), fileSystem(OUT));
  const shippedClf = mnistClassifier(3);
  await loadState(variablesState(shippedClf.variables), fileSystem(join(OUT, 'classifier')));
  let x: tf.Tensor | undefined;
  for await (const s of sampleDigits(shipped, REFERENCE)) if (s.final) x = s.x;
  const predicted = Array.from(tf.tidy(() => tf.argMax(shippedClf.logits(x!), 1).dataSync()));
  const pixels = Array.from(await x!.data(), (v) => Math.round(v * 1e5) / 1e5);
  x!.dispose();
  const correct = predicted.filter((p, i) => p === REFERENCE.labels[i]).length;
  const reference = {
    note: 'digits sampled in Node by examples/diffusion-mnist (npm run export-model) from the exported files, and the exported classifier\'s reading of them',
    backend: tf.getBackend(),
    ...REFERENCE,
    predicted,
    correct,
    firstDigits: 4,
    pixels: pixels.slice(0, 4 * 784),
  };
  writeFileSync(join(OUT, 'reference.json'), `${JSON.stringify(reference)}\n`);
  const total = ['model.json', 'weights.bin', 'classifier/model.json', 'classifier/weights.bin', 'reference.json'].reduce((s, f) => s + statSync(join(OUT, f)).size, 0);
  console.log(`exported to ${OUT}: denoiser ${(denoiserBytes / 1e6).toFixed(2)} MB (float16), classifier ${(classifierBytes / 1e6).toFixed(2)} MB (uint8), ${(total / 1e6).toFixed(2)} MB in all`);
  console.log(`reference: ${REFERENCE.labels.length} digits at ${REFERENCE.steps} steps, guidance ${REFERENCE.guidance}: the classifier reads ${correct} of ${REFERENCE.labels.length} as asked (${predicted.join('')})`);
  shipped.dispose();
  shippedClf.dispose();
}

await main();
