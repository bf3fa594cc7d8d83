/**
 * Run by wasm-threads.test.ts in a fresh Node process (a backend starts once per process):
 *   node wasm-threads-child.mjs <threads | 0 for the option left out> [version to report]
 * Starts wasm through chooseBackend, runs three training steps of a Gaussian VAE (784-400-20-400-784, batch
 * 128, fusedAdam) and a softmax / reduction mix, and prints one JSON line: the choice's threads and details,
 * and a SHA-256 of every number computed (losses, the trained weights, the mix).
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs'; // tfjs-core with its gradients (and the cpu backend, unused)
import * as wasmPackage from '@tensorflow/tfjs-backend-wasm';
import { chooseBackend, fusedAdam } from '@genmod/backend';

const threads = Number(process.argv[2] ?? 0);
const version = process.argv[3];
// a loader that reports another version of tfjs-backend-wasm (the module is the real one)
const loaders = version === undefined ? undefined : { wasm: async () => ({ ...wasmPackage, version_wasm: version }) };
const choice = await chooseBackend('wasm', { ...(threads > 0 ? { threads } : {}), ...(loaders ? { loaders } : {}) });

const hash = createHash('sha256');
const add = (t: tf.Tensor) => hash.update(new Uint8Array(t.dataSync().buffer.slice(0)));

const dense = (i: number, o: number, seed: number) => ({ w: tf.variable(tf.randomUniform([i, o], -Math.sqrt(6 / (i + o)), Math.sqrt(6 / (i + o)), 'float32', seed)), b: tf.variable(tf.zeros([o])) });
const layers = [dense(784, 400, 1), dense(400, 40, 2), dense(20, 400, 3), dense(400, 784, 4)];
const apply = (l: { w: tf.Tensor; b: tf.Tensor }, x: tf.Tensor) => tf.add(tf.matMul(x, l.w), l.b);
const x = tf.cast(tf.greater(tf.randomUniform([128, 784], 0, 1, 'float32', 5), 0.7), 'float32');
const optimizer = fusedAdam(1e-3);
for (let step = 0; step < 3; step++) {
  const loss = optimizer.minimize(() => {
    const h = tf.relu(apply(layers[0]!, x));
    const [loc, logVar] = tf.split(apply(layers[1]!, h), 2, 1) as [tf.Tensor, tf.Tensor];
    const z = tf.add(loc, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.randomNormal(loc.shape, 0, 1, 'float32', 10 + step)));
    const logits = apply(layers[3]!, tf.relu(apply(layers[2]!, z)));
    const nll = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1);
    const kl = tf.mul(tf.sum(tf.sub(tf.add(tf.square(loc), tf.exp(logVar)), tf.add(logVar, 1)), 1), 0.5);
    return tf.mean(tf.add(nll, kl)) as tf.Scalar;
  }, true)!;
  add(loss);
}
for (const l of layers) (add(l.w), add(l.b));
add(tf.softmax(tf.matMul(x, layers[0]!.w)));
add(tf.sum(tf.matMul(layers[3]!.w, layers[0]!.w), 0));
console.log(JSON.stringify({ threads: choice.threads, details: choice.details, sha256: hash.digest('hex') }));
