/** Test helpers for the store: rows of known content, and reading a window into an array. */
import { readWindow, type ReadStats, type ReadWindowOptions } from '../../src/store/reader.js';
import type { TelemetryRow } from '../../src/store/row.js';
import { formatInstant } from '../../src/store/time.js';

export const TZ = 'Europe/Samara';

/** One sample's rows (one per interface) at `ms`, with values derived from the time. */
export function sampleRows(ms: number, host: string, interfaces = ['eth0', 'wlan0'], tz = TZ): TelemetryRow[] {
  const second = Math.floor(ms / 1000);
  return interfaces.map((name, i) => ({
    time: formatInstant(ms, tz),
    cpu_usage: second % 101,
    ram_free: 50 + (i % 2),
    network_adapter: name,
    net_usage_up: second % 7 === 0 ? null : second * 10 + i,
    net_usage_down: second * 100 + i,
    host,
    elapsed_s: 1.002,
  }));
}

/** Every row of the window, and the read stats. */
export async function readAll(opts: Omit<ReadWindowOptions, 'stats'>): Promise<{ rows: TelemetryRow[]; stats: ReadStats }> {
  const stats: ReadStats = { files: 0, rows: 0, skipped: 0 };
  const rows: TelemetryRow[] = [];
  for await (const row of readWindow({ ...opts, stats })) rows.push(row);
  return { rows, stats };
}
