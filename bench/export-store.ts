/**
 * The export benchmark's store, written by the store's own writer (StoreWriter) with values
 * rounded as the sampler rounds them (CPU and RAM to 0.1, rates to whole bytes/s, elapsed
 * seconds to the millisecond), so its lines are byte for byte what a collector writes.
 *
 * Not make-store.ts's store: that one formats elapsed seconds with toFixed(3) ("1.000"), which
 * the writer never writes ("1"), so a quarter of its lines are not in the store's canonical form
 * and an export would have to re-encode them, which no real store asks of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TelemetryRow } from '../src/store/row.js';
import { formatInstant, nextDay, startOfDay } from '../src/store/time.js';
import { StoreWriter } from '../src/store/writer.js';
import { specDays, type BenchStoreSpec } from './make-store.js';

const ROWS_PER_APPEND = 30_000;

const roundTenth = (value: number) => Math.round(value * 10) / 10;

/** Appends every sample of `day` (00:00 to 24:00 in the zone) through a StoreWriter. */
async function writeDay(spec: BenchStoreSpec, day: string, seed: number): Promise<void> {
  const from = startOfDay(day, spec.tz) as number;
  const to = startOfDay(nextDay(day), spec.tz) as number;
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4_294_967_296;
  };
  const writer = new StoreWriter({ dir: spec.dir, host: spec.host, tz: spec.tz });
  let rows: TelemetryRow[] = [];
  for (let t = from; t < to; t += spec.intervalMs) {
    const time = formatInstant(t, spec.tz);
    const cpu = roundTenth(random() * 100);
    const ram = roundTenth(20 + random() * 60);
    const elapsed = Math.round((spec.intervalMs / 1000 + (random() - 0.5) * 0.004) * 1000) / 1000;
    for (const name of spec.interfaces) {
      const up = Math.round(random() * 2_000_000);
      const down = Math.round(random() * 20_000_000);
      rows.push({ time, cpu_usage: cpu, ram_free: ram, network_adapter: name, net_usage_up: up, net_usage_down: down, host: spec.host, elapsed_s: elapsed });
    }
    if (rows.length >= ROWS_PER_APPEND) {
      await writer.append(rows);
      rows = [];
    }
  }
  await writer.append(rows);
  await writer.close();
}

/**
 * Makes sure `spec.dir` holds the store the spec describes, written by StoreWriter; a marker
 * records the spec once every day is complete, so an interrupted build starts over.
 */
export async function ensureExportBenchStore(spec: BenchStoreSpec, log: (line: string) => void = () => {}): Promise<string[]> {
  const marker = path.join(spec.dir, '.export-bench-store.json');
  const wanted = JSON.stringify({ ...spec, dir: undefined, writer: 'StoreWriter', values: 'sampler-rounded' });
  const days = specDays(spec);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === wanted) return days;
  fs.rmSync(spec.dir, { recursive: true, force: true });
  for (const [index, day] of days.entries()) {
    const started = performance.now();
    await writeDay(spec, day, index + 1);
    log(`wrote ${spec.host}/${day}.csv in ${Math.round(performance.now() - started)} ms`);
  }
  fs.writeFileSync(marker, wanted);
  return days;
}
