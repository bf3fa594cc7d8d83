/**
 * The 2-D densities of the flows-2d example, generated in code from seeded JS generators (no Node imports):
 * `densities[name](n, seed)` gives n points as [x, y] pairs, the same on every machine.
 */
import { mulberry32 } from '@genmod-internal/core';

const rng = mulberry32;
const gauss = (u: () => number) => () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

export const densities: Record<string, (n: number, seed: number) => number[][]> = {
  'TWO MOONS': (n, seed) => {
    const u = rng(seed);
    const g = gauss(u);
    return Array.from({ length: n }, (_, i) => {
      const t = Math.PI * u();
      const [x, y] = i % 2 ? [1 - Math.cos(t), 0.5 - Math.sin(t)] : [Math.cos(t), Math.sin(t)];
      // centred and scaled to roughly unit spread (population mean (0.5, 0.25))
      return [(x + 0.05 * g() - 0.5) * 1.6, (y + 0.05 * g() - 0.25) * 1.6];
    });
  },
  'RING OF 8 GAUSSIANS': (n, seed) => {
    const u = rng(seed);
    const g = gauss(u);
    return Array.from({ length: n }, () => {
      const k = Math.floor(8 * u());
      const a = (2 * Math.PI * k) / 8;
      return [2 * Math.cos(a) + 0.15 * g(), 2 * Math.sin(a) + 0.15 * g()];
    });
  },
  CHECKERBOARD: (n, seed) => {
    const u = rng(seed);
    return Array.from({ length: n }, () => {
      // 4 × 4 board on [−2, 2]², mass on the squares whose indices sum to an even number
      const i = Math.floor(4 * u());
      const j = 2 * Math.floor(2 * u()) + (i % 2);
      return [-2 + i + u(), -2 + j + u()];
    });
  },
};
