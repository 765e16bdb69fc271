/** Known rows for the API tests, written through the real StoreWriter, and an old-layout file. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { legacyDayFilePath } from '../../src/store/paths.js';
import type { TelemetryRow } from '../../src/store/row.js';
import { formatInstant } from '../../src/store/time.js';
import { StoreWriter } from '../../src/store/writer.js';

/** `samples` samples `everyMs` apart from `startMs`, one row per interface, with varied values and some nulls. */
export function makeRows(host: string, startMs: number, samples: number, interfaces: string[], tz = 'Europe/Samara', everyMs = 5000): TelemetryRow[][] {
  const out: TelemetryRow[][] = [];
  for (let k = 0; k < samples; k++) {
    const time = formatInstant(startMs + k * everyMs, tz);
    out.push(
      interfaces.map((name, i) => ({
        time,
        cpu_usage: (k * 7 + i) % 101,
        ram_free: 30 + (k % 5) + 0.5,
        network_adapter: name,
        net_usage_up: k === 0 ? null : k * 1000 + i,
        net_usage_down: k === 0 ? null : k * 2000 + i,
        host,
        elapsed_s: k === 0 ? null : everyMs / 1000,
      })),
    );
  }
  return out;
}

/** Writes the samples through the store's own writer. */
export async function writeSamples(dir: string, host: string, samples: TelemetryRow[][], tz = 'Europe/Samara'): Promise<void> {
  const writer = new StoreWriter({ dir, host, tz });
  for (const rows of samples) await writer.append(rows);
  await writer.close();
}

/** The old tool's file for 2025-03-04: its header, its values, lines ended by a bare \r. */
export const LEGACY_LINES = [
  'time,cpu_usage,ram_free,network_adapter,net_usage_up,net_usage_down',
  '2025-03-04T13:24:50.209867+04:00,4,30,Ethernet 2,0,0',
  '2025-03-04T13:24:50.209867+04:00,4,30,Ethernet 3,310,19173',
  '2025-03-04T13:24:50.209867+04:00,4,30,Loopback Pseudo-Interface 1,0,0',
  '2025-03-04T13:24:55.234402+04:00,5,31,Ethernet 2,0,0',
  '2025-03-04T13:24:55.234402+04:00,5,31,Ethernet 3,273,19361',
  '2025-03-04T13:24:55.234402+04:00,5,31,Loopback Pseudo-Interface 1,0,0',
];

/** Writes LEGACY_LINES where the old tool kept that day: `<dir>/04-03-2025/data.csv`. */
export async function writeLegacyDay(dir: string): Promise<string> {
  const file = legacyDayFilePath(dir, '2025-03-04');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, LEGACY_LINES.map((line) => line + '\r').join(''));
  return file;
}
