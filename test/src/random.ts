/**
 * mulberry32: a tiny deterministic PRNG, the same on every platform, so kill moments and fault
 * plans repeat from a printed seed. (packages/aggregates/src/testing.ts has its own copy: a package
 * cannot depend on this test harness.)
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
