/** What the host collector prints: one short line per sample, and a summary at the end. */
import type { CollectResult } from '../sampling/collect.js';
import type { TelemetryRow } from '../store/row.js';

/** Bytes per second in the unit that keeps it short: `0 B/s`, `12.3 KB/s`, `4.5 MB/s`. */
export function formatRate(bytesPerS: number | null): string {
  if (bytesPerS === null) return '-';
  const units = ['B/s', 'KB/s', 'MB/s', 'GB/s'];
  let value = bytesPerS;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const percent = (value: number | null) => (value === null ? '-' : `${value.toFixed(1)}%`);

/**
 * One line for one sample's rows: time, cpu, free ram, and the interface that moved the most bytes
 * (up + down); the first interface when none has a rate yet.
 */
export function formatSampleLine(rows: readonly TelemetryRow[]): string {
  const first = rows[0];
  if (first === undefined) return '(no network interfaces)';
  const traffic = (row: TelemetryRow) => (row.net_usage_up ?? -1) + (row.net_usage_down ?? -1);
  const busiest = rows.reduce((best, row) => (traffic(row) > traffic(best) ? row : best), first);
  return (
    `${first.time}  cpu ${percent(first.cpu_usage)}  ram free ${percent(first.ram_free)}  ` +
    `${busiest.network_adapter} up ${formatRate(busiest.net_usage_up)} down ${formatRate(busiest.net_usage_down)}`
  );
}

/** The closing summary: how much was written where, and why it ended. */
export function formatSummary(result: CollectResult, files: readonly string[], failed = false): string {
  const why = failed ? 'failed' : result.stopped ? 'stopped' : 'duration reached';
  const lines = [`${why}: ${result.samples} samples, ${result.rows} rows`];
  if (result.first_time) lines.push(`from ${result.first_time} to ${result.last_time}`);
  lines.push(files.length === 0 ? 'no file written' : `file${files.length > 1 ? 's' : ''}: ${files.join(', ')}`);
  return lines.join('\n');
}
