/**
 * Rate maths shared by both samplers: deltas of cumulative counters over real elapsed time.
 * Pure functions, so the rules for resets, gaps and new interfaces are tested on their own.
 */
import type { CpuTimes, NetCounters } from './proc-parse.js';
import type { InterfaceRate } from './types.js';

/** Rounds to one decimal, the precision of the cpu and ram columns. */
export function roundTenth(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * CPU busy percent between two readings of /proc/stat, rounded to 0.1 and held to 0..100.
 * Null when no CPU time passed (or the counters went backwards, which only a reboot-like reset does).
 */
export function cpuBusyPercent(prev: CpuTimes, cur: CpuTimes): number | null {
  const total = cur.total - prev.total;
  if (!(total > 0)) return null;
  const busy = cur.busy - prev.busy;
  return roundTenth(Math.min(100, Math.max(0, (busy / total) * 100)));
}

/**
 * Per-interface bytes/s between two readings, for every interface in `cur` (those gone since
 * `prev` are dropped). Up and down are null for the tick when:
 * - the interface is new (not in `prev`): this tick only primes its counters;
 * - either counter went backwards (reset, 32-bit wrap, interface re-created): a delta would be a
 *   negative or a huge spike, and no honest rate can be told;
 * - `gap` is set or `elapsedS` is not positive: a rate averaged over a suspend is meaningless.
 * Rates are rounded to whole bytes/s.
 */
export function interfaceRates(
  prev: ReadonlyMap<string, NetCounters>,
  cur: readonly NetCounters[],
  elapsedS: number,
  gap: boolean,
): InterfaceRate[] {
  return cur.map(({ name, rx, tx }) => {
    const before = prev.get(name);
    if (!before || gap || !(elapsedS > 0) || rx < before.rx || tx < before.tx) {
      return { name, up: null, down: null };
    }
    return {
      name,
      up: Math.round((tx - before.tx) / elapsedS),
      down: Math.round((rx - before.rx) / elapsedS),
    };
  });
}

/** Counters by interface name, the `prev` of the next `interfaceRates` call. */
export function countersByName(counters: readonly NetCounters[]): Map<string, NetCounters> {
  return new Map(counters.map((c) => [c.name, c]));
}
