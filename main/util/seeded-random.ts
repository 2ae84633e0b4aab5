/**
 * mulberry32: a small, fast 32-bit PRNG with a good spread, returning floats in [0, 1). One
 * definition for everything that must be reproducible from a seed (seeded model weights,
 * cross-validation folds, map subsamples), so the same seed means the same numbers everywhere.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
