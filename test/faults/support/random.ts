/**
 * A seeded pseudo-random generator (mulberry32), so a fault test's random choices repeat exactly
 * when it is run again with the seed it printed.
 */

/** Numbers in [0, 1) from `seed`; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed for a run: FAULT_SEED from the environment when given (to replay a failure), else a fresh one. */
export function runSeed(): number {
  const given = process.env.FAULT_SEED;
  if (given !== undefined && given !== '' && Number.isInteger(Number(given))) return Number(given) >>> 0;
  return Math.floor(Math.random() * 2 ** 31);
}

/** Helpers over one generator. */
export class Dice {
  constructor(readonly next: () => number) {}
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}
