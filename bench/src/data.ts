// Data the bench workloads share with the PyTorch peer's recipes (bench_torch.py).
import { mulberry32 } from '@genmod-internal/core';

/**
 * The peer's two_moons(n, noise = 0.05): two half circles plus Gaussian noise, the first moon then the second
 * (batches are taken in order, as the peer does), standardized per column with numpy's std (ddof = 0). Drawn
 * with a seeded host RNG, so the recipe is the peer's but the numbers are not numpy's.
 */
export function twoMoons(n: number, seed = 2, noise = 0.05): Float32Array {
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const n1 = Math.floor(n / 2);
  const x = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = u() * Math.PI;
    const [a, b] = i < n1 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    x[2 * i] = a + noise * normal();
    x[2 * i + 1] = b + noise * normal();
  }
  for (const d of [0, 1]) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[2 * i + d]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[2 * i + d]! - m) ** 2;
    const sd = Math.sqrt(v / n);
    for (let i = 0; i < n; i++) x[2 * i + d] = (x[2 * i + d]! - m) / sd;
  }
  return Float32Array.from(x);
}
