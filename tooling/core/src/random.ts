/**
 * mulberry32: a tiny, fast 32-bit seeded generator for host-side choices (data sets generated in code,
 * batch rows, restarts). Not for tensors: those come from tfjs's seeded ops.
 *
 * @see T. Ettinger, "mulberry32" (public domain), a 32-bit variant in the SplitMix family.
 * @returns a function giving uniform numbers in [0, 1)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
