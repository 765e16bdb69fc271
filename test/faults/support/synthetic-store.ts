/**
 * Writes a multi-day store in seconds (whole day files built as strings, not sample by sample),
 * in the store's own layout and line format, with values from a seeded generator, and says what
 * an export of all of it must contain.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { STORE_HEADER, formatRowLine } from '../../../src/store/csv-line.js';
import { dayFilePath } from '../../../src/store/paths.js';
import { formatInstant, nextDay, startOfDay } from '../../../src/store/time.js';
import { seededRandom } from './random.js';

export interface SyntheticStoreSpec {
  dir: string;
  host: string;
  tz: string;
  /** First day, YYYY-MM-DD in `tz`. */
  firstDay: string;
  days: number;
  intervalMs: number;
  interfaces: string[];
  seed: number;
}

export interface SyntheticStore {
  rows: number;
  /** Epoch ms of the first and last sample. */
  firstMs: number;
  lastMs: number;
  /** The CSV an export of [firstMs, lastMs] holds: the header, then every line in order. */
  csvSha256: string;
  csvBytes: number;
}

/** The text of one day file (header included), every sample from the day's 00:00 in `tz`. */
function dayText(spec: SyntheticStoreSpec, day: string, random: () => number): { text: string; rows: number; first: number; last: number } {
  const from = startOfDay(day, spec.tz) as number;
  const to = startOfDay(nextDay(day), spec.tz) as number;
  const lines: string[] = [];
  let first = NaN;
  let last = NaN;
  for (let t = from; t < to; t += spec.intervalMs) {
    if (Number.isNaN(first)) first = t;
    last = t;
    const time = formatInstant(t, spec.tz);
    const cpu = Math.floor(random() * 1000) / 10;
    const ram = Math.floor(random() * 100);
    const elapsed = (spec.intervalMs + Math.floor(random() * 9) - 4) / 1000;
    for (const name of spec.interfaces) {
      lines.push(
        formatRowLine({
          time,
          cpu_usage: cpu,
          ram_free: ram,
          network_adapter: name,
          net_usage_up: Math.floor(random() * 5_000_000),
          net_usage_down: Math.floor(random() * 50_000_000),
          host: spec.host,
          elapsed_s: elapsed,
        }),
      );
    }
  }
  return { text: `${STORE_HEADER}\n${lines.join('')}`, rows: lines.length, first, last };
}

/** Writes the day files of `spec` (replacing any) and describes what they hold. */
export async function writeSyntheticStore(spec: SyntheticStoreSpec): Promise<SyntheticStore> {
  const random = seededRandom(spec.seed);
  const hash = createHash('sha256');
  const header = `${STORE_HEADER}\n`;
  hash.update(header);
  let csvBytes = header.length;
  let rows = 0;
  let firstMs = NaN;
  let lastMs = NaN;
  let day = spec.firstDay;
  for (let i = 0; i < spec.days; i++, day = nextDay(day)) {
    const file = dayFilePath(spec.dir, spec.host, day);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const built = dayText(spec, day, random);
    await fs.writeFile(file, built.text);
    const data = built.text.slice(header.length);
    hash.update(data);
    csvBytes += Buffer.byteLength(data);
    rows += built.rows;
    if (Number.isNaN(firstMs)) firstMs = built.first;
    lastMs = built.last;
  }
  return { rows, firstMs, lastMs, csvSha256: hash.digest('hex'), csvBytes };
}
