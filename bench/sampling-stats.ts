/** Summaries of repeated measurements for bench/sampling.ts. */

export interface Spread {
  median: number | null;
  min: number | null;
  mean: number | null;
  /** The individual rounds or windows. */
  values: number[];
}

/** Median, minimum and mean of the finite values (null when there are none). */
export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return { median: null, min: null, mean: null, values: [...values] };
  const mid = finite.length >> 1;
  const median = finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
  return { median, min: finite[0]!, mean: finite.reduce((a, b) => a + b, 0) / finite.length, values: values.map((v) => round(v)!) };
}

/** Rounds to `digits` decimals; null stays null. */
export function round(n: number | null, digits = 3): number | null {
  return n === null || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;
}

/** `a / b` to two decimals, or null without both. */
export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : round(a / b, 2);
}
