import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSchedule } from '../../src/sampling/schedule.js';

const clock = () => performance.timeOrigin + performance.now();

/** A tick that takes `ms` of (fake) time, as a slow sample or a slow disk would. */
const busyFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('runSchedule', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs 10,000 ticks on the absolute grid and ends within one interval of start + n·interval', async () => {
    const interval = 1000;
    const n = 10_000;
    const controller = new AbortController();
    const ticks: { k: number; due: number; at: number }[] = [];
    // Every tick takes a varying 0–40 % of the interval: a schedule that waits `interval` after each
    // tick would drift by about n × 20 % of an interval and fail the end check.
    let seed = 7;
    const nextWork = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return (seed / 2 ** 31) * 0.4 * interval;
    };
    const start = clock();
    const done = runSchedule(
      interval,
      async (k, due) => {
        ticks.push({ k, due, at: clock() });
        if (k === n) return controller.abort();
        await busyFor(nextWork());
      },
      controller.signal,
    );
    let end = Number.NaN;
    void done.then(() => (end = clock()));
    await vi.advanceTimersByTimeAsync(n * interval + interval);
    await done;

    expect(ticks).toHaveLength(n + 1);
    expect(ticks.map((t) => t.k)).toEqual(Array.from({ length: n + 1 }, (_, k) => k));
    for (const t of ticks) {
      expect(t.due).toBeCloseTo(start + t.k * interval, 3);
      expect(t.at).toBeGreaterThanOrEqual(t.due);
      expect(t.at - t.due).toBeLessThan(interval);
    }
    expect(Math.abs(end - (start + n * interval))).toBeLessThan(interval);
  });

  it('skips the ticks an overrunning tick ran into instead of piling them up', async () => {
    const interval = 500;
    const controller = new AbortController();
    const ticks: { k: number; at: number }[] = [];
    const start = clock();
    const done = runSchedule(
      interval,
      async (k) => {
        ticks.push({ k, at: clock() });
        if (k === 3) await busyFor(2.5 * interval); // runs past the due times of ticks 4 and 5
        if (k >= 8) controller.abort();
      },
      controller.signal,
    );
    await vi.advanceTimersByTimeAsync(20 * interval);
    await done;

    expect(ticks.map((t) => t.k)).toEqual([0, 1, 2, 3, 6, 7, 8]);
    // Tick 6 waits for its own due time (a timer's millisecond late at most) rather than running at
    // once when tick 3 ends, at 5.5 intervals.
    expect(ticks[4]!.at - start).toBeGreaterThanOrEqual(6 * interval);
    expect(ticks[4]!.at - start).toBeLessThanOrEqual(6 * interval + 2);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.at - ticks[i - 1]!.at).toBeGreaterThanOrEqual(interval);
  });

  it('stops while waiting as soon as the signal aborts, and after the tick in progress when aborted inside it', async () => {
    const waiting = new AbortController();
    let count = 0;
    const idle = runSchedule(60_000, () => void count++, waiting.signal);
    await vi.advanceTimersByTimeAsync(1000);
    waiting.abort();
    await vi.advanceTimersByTimeAsync(0);
    await idle;
    expect(count).toBe(1); // only tick 0, at start

    const busy = new AbortController();
    const finished: number[] = [];
    const running = runSchedule(
      100,
      async (k) => {
        if (k === 2) busy.abort();
        await busyFor(50);
        finished.push(k);
      },
      busy.signal,
    );
    await vi.advanceTimersByTimeAsync(2000);
    await running;
    expect(finished).toEqual([0, 1, 2]);
  });

  it('does not tick at all when the signal is already aborted', async () => {
    let count = 0;
    await runSchedule(100, () => void count++, AbortSignal.abort());
    expect(count).toBe(0);
  });

  it('rejects with the error a tick throws, and refuses a non-positive interval', async () => {
    const failing = runSchedule(
      100,
      (k) => {
        if (k === 1) throw new Error('disk full');
      },
      new AbortController().signal,
    );
    const assertion = expect(failing).rejects.toThrow('disk full');
    await vi.advanceTimersByTimeAsync(200);
    await assertion;
    await expect(runSchedule(0, () => {}, new AbortController().signal)).rejects.toThrow(RangeError);
    await expect(runSchedule(Number.NaN, () => {}, new AbortController().signal)).rejects.toThrow(RangeError);
  });
});
