/**
 * An absolute schedule: tick k is due at start + k·interval on a monotonic clock, so lateness
 * never accumulates into drift. A tick that overruns makes the ticks it ran into skipped, not
 * queued: the next tick is the first one still due in the future.
 */

/**
 * Waits `ms` milliseconds; resolves early (never rejects) when `signal` aborts. Uses the global
 * setTimeout, read at call time, so fake timers in tests drive it.
 */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `onTick(k, scheduledAt)` for k = 0, 1, 2, … at `start + k * intervalMs`, where start is the
 * call time and `scheduledAt` the due time in `performance.timeOrigin + performance.now()` terms
 * (epoch-like milliseconds from a clock that wall-clock steps do not move). Each tick is awaited
 * before the next; the ticks it overran are skipped. Resolves when `signal` aborts (after the tick in
 * progress finishes); rejects if `onTick` throws.
 */
export async function runSchedule(
  intervalMs: number,
  onTick: (k: number, scheduledAt: number) => unknown | Promise<unknown>,
  signal: AbortSignal,
): Promise<void> {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new RangeError(`intervalMs must be a positive number, got ${intervalMs}`);
  }
  const clock = () => performance.timeOrigin + performance.now();
  const start = clock();
  let k = 0;
  while (!signal.aborted) {
    const due = start + k * intervalMs;
    // Node's timers count whole milliseconds from a loop time that may be stale, so they can fire up
    // to a millisecond or so before `due` by this clock; the extra millisecond makes that rare, as each
    // early wake-up costs a second one. The loop still covers it.
    for (let now = clock(); now < due && !signal.aborted; now = clock()) await sleep(Math.ceil(due - now) + 1, signal);
    if (signal.aborted) break;
    await onTick(k, due);
    // The next tick is the first one not yet due; those passed while this one ran are skipped.
    k = Math.max(k + 1, Math.ceil((clock() - start) / intervalMs));
  }
}
