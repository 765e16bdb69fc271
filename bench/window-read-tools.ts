/** Measuring helpers for the window-read benchmark: timed runs, awk as the reference, peak RSS. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { readWindow, readWindowBatches, type ReadWindowOptions } from '../src/store/reader.js';

export interface Timing {
  medianMs: number;
  minMs: number;
  runs: number;
}

export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { medianMs: round(median), minMs: round(sorted[0] as number), runs: sorted.length };
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Rows read through readWindow, one by one as the API reads them; returns [ms, rows]. */
export async function timeReadWindow(opts: ReadWindowOptions): Promise<[number, number]> {
  const started = performance.now();
  let rows = 0;
  for await (const row of readWindow(opts)) if (row.time) rows++;
  return [performance.now() - started, rows];
}

/** Rows read through readWindowBatches, as an export reads them; returns [ms, rows]. */
export async function timeReadBatches(opts: ReadWindowOptions): Promise<[number, number]> {
  const started = performance.now();
  let rows = 0;
  for await (const batch of readWindowBatches(opts)) rows += batch.length;
  return [performance.now() - started, rows];
}

/**
 * `awk -F, '$1 >= s && $1 <= e' files > /dev/null`: string comparison of the ISO time, which is
 * right here because every time in these files has the same offset. Returns [ms, rows matched
 * (counted in a separate, untimed run)].
 */
export function timeAwk(awk: string, files: string[], from: string, to: string, count = false): [number, number] {
  const program = `$1 >= "${from}" && $1 <= "${to}"${count ? ' { n++ } END { print n + 0 }' : ''}`;
  const devNull = fs.openSync('/dev/null', 'w');
  try {
    const started = performance.now();
    const result = spawnSync(awk, ['-F,', program, ...files], { stdio: ['ignore', count ? 'pipe' : devNull, 'inherit'], encoding: 'utf8' });
    const elapsed = performance.now() - started;
    if (result.status !== 0) throw new Error(`${awk} exited with ${result.status}`);
    return [elapsed, count ? Number(result.stdout.trim()) : -1];
  } finally {
    fs.closeSync(devNull);
  }
}

/** True when `command` runs here. */
export function hasCommand(command: string): boolean {
  return spawnSync(command, ['-W', 'version'], { stdio: 'ignore' }).error === undefined;
}

/** Runs `work` while sampling RSS every 10 ms; returns its result and the peak RSS in MB. */
export async function withPeakRss<T>(work: () => Promise<T>): Promise<[T, number]> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return [result, round(peak / 1_048_576)];
  } finally {
    clearInterval(timer);
  }
}
