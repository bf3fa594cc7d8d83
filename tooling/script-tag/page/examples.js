// Generated from the READMEs by `pnpm --filter @genmod-internal/script-tag generate` (src/generate.mjs):
// edit the README, then regenerate. Each example is its README block with types stripped and imports read
// from the globals the <script> tags define.
var genmodExamples = [];

// @genmod/gumbel README example 1
genmodExamples.push(["@genmod/gumbel README example 1", async () => {
  const { gumbelSoftmax, gumbelTopK, sampleCategorical, RelaxedOneHotCategorical, exponentialDecay } = genmodGumbel;
  // A categorical layer trained through Gumbel-softmax samples.
  const logits = tf.tidy(() => tf.variable(tf.zeros([1, 4]))); // [batch, K]; tidy frees the initial zeros
  const cost = tf.tensor1d([3, 1, 0.5, 2]); // we want the cheapest class
  const tau = exponentialDecay({ initial: 1, rate: 0.01, min: 0.5 });
  const optimizer = tf.train.adam(0.1);
  for (let step = 0; step < 200; step++) {
      optimizer.minimize(() => {
          // vary the seed per step: a fixed seed would freeze the noise
          const y = gumbelSoftmax(tf.tile(logits, [16, 1]), { temperature: tau(step), hard: true, seed: step }); // [16, 4] one-hot
          return tf.mean(tf.sum(tf.mul(y, cost), -1));
      }, false, [logits]);
  }
  const p = tf.softmax(logits); // ≈ [0, 0, 1, 0]
  // Two draws without replacement, and the exact Concrete log-density.
  const top2 = gumbelTopK([[0, 1, -0.5, 0.4]], 2, { seed: 7 }); // int32 [1, 2]
  const next = sampleCategorical([[2, 1, 0.5, -1]], { temperature: 0.8, topK: 2, seed: 3 }); // int32 [1], 0 or 1
  const concrete = new RelaxedOneHotCategorical({ logits: [1, 0.5, -0.3], temperature: 0.5 });
  const x = concrete.sample([3], { seed: 1 }); // [3, 3], rows on the simplex
  const logDensity = concrete.logProb(x); // [3]
  console.log(p.arraySync(), top2.arraySync(), logDensity.arraySync(), next.arraySync());
  tf.dispose([logits, cost, p, top2, next, x, logDensity]);
  concrete.dispose();
  optimizer.dispose();
}]);

// @genmod/divergences README example 1
genmodExamples.push(["@genmod/divergences README example 1", async () => {
  const { jsDivergence, klCategorical, klNormalNormal, mmd, rbfKernel, wasserstein1d } = genmodDivergences;
  // KL(p‖q) between diagonal normals, summed over the last axis (eventRank 1): the VAE's KL term
  const p = { loc: tf.tensor2d([[0, 1]]), scale: tf.tensor2d([[1, 0.5]]) }; // [batch, d]
  const kl = klNormalNormal(p, { loc: 0, scale: 1 }, { eventRank: 1 }); // [1]
  // Discrete laws: 0·log 0 = 0, KL = Infinity only where q = 0 < p; JS stays ≤ 1 bit
  const klPQ = klCategorical({ probs: [0.5, 0.5, 0] }, { probs: [0.9, 0.1, 0] });
  const js = jsDivergence({ probs: [1, 0] }, { probs: [0, 1] }, { base: 2 }); // disjoint: 1 bit
  // Distances between samples
  const w1 = wasserstein1d([0, 1, 3], [5, 6, 8]); // 5
  const x = tf.randomNormal([200, 2], 0, 1, 'float32', 1);
  const y = tf.randomNormal([200, 2], 1, 1, 'float32', 2);
  const mmd2 = mmd(x, y, { kernel: rbfKernel({ bandwidth: 1 }) }); // unbiased MMD², > 0
  console.log(kl.arraySync(), klPQ.arraySync(), js.arraySync(), w1.arraySync(), mmd2.arraySync());
  tf.dispose([p.loc, p.scale, kl, klPQ, js, w1, x, y, mmd2]);
}]);
