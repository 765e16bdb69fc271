/**
 * Writes a synthetic store for the window-read and export benchmarks, fast: day files built as strings and
 * written whole (the StoreWriter's per-sample appends would take minutes for 30 days).
 *
 * Layout and format are the store's: <dir>/<host>/<YYYY-MM-DD>.csv, the store header, one row per
 * interface per sample, times in TELEMETRY_TZ with offset. Values are pseudo-random but fixed.
 *
 *   npx tsx bench/make-store.ts [--dir tmp/bench-store] [--days 30] [--interval-ms 1000]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STORE_HEADER, formatRowLine } from '../src/store/csv-line.js';
import { dayKey, formatInstant, nextDay, startOfDay } from '../src/store/time.js';

export interface BenchStoreSpec {
  dir: string;
  host: string;
  tz: string;
  /** First day, YYYY-MM-DD. */
  firstDay: string;
  days: number;
  intervalMs: number;
  interfaces: string[];
}

export const DEFAULT_SPEC: BenchStoreSpec = {
  dir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'tmp', 'bench-store'),
  host: 'bench-host',
  tz: 'Europe/Samara',
  firstDay: '2026-10-20',
  days: 30,
  intervalMs: 1000,
  interfaces: ['eth0', 'wlan0', 'docker0'],
};

/** The days the spec covers, in order. */
export function specDays(spec: BenchStoreSpec): string[] {
  const days = [spec.firstDay];
  while (days.length < spec.days) days.push(nextDay(days[days.length - 1] as string));
  return days;
}

const roundTenth = (value: number) => Math.round(value * 10) / 10;

/**
 * Builds one day file's text: every sample from 00:00 to the end of `day` in the zone, with
 * values rounded as the sampler rounds them (CPU and RAM to 0.1, rates to whole bytes/s, elapsed
 * seconds to the millisecond) and lines formatted by the writer's own formatRowLine, so they are
 * byte for byte what a collector writes (an export copies such lines through).
 */
function dayFileText(spec: BenchStoreSpec, day: string, seed: number): string {
  const from = startOfDay(day, spec.tz) as number;
  const to = startOfDay(nextDay(day), spec.tz) as number;
  const parts: string[] = [`${STORE_HEADER}\n`];
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4_294_967_296;
  };
  for (let t = from; t < to; t += spec.intervalMs) {
    const time = formatInstant(t, spec.tz);
    const cpu = roundTenth(random() * 100);
    const ram = roundTenth(20 + random() * 60);
    const elapsed = Math.round((spec.intervalMs / 1000 + (random() - 0.5) * 0.004) * 1000) / 1000;
    for (const name of spec.interfaces) {
      const up = Math.round(random() * 2_000_000);
      const down = Math.round(random() * 20_000_000);
      parts.push(formatRowLine({ time, cpu_usage: cpu, ram_free: ram, network_adapter: name, net_usage_up: up, net_usage_down: down, host: spec.host, elapsed_s: elapsed }));
    }
  }
  return parts.join('');
}

/**
 * Makes sure `spec.dir` holds the store the spec describes; files already there with the
 * right name are kept (a marker file records the spec they were built from).
 */
export function ensureBenchStore(spec: BenchStoreSpec, log: (line: string) => void = () => {}): string[] {
  const marker = path.join(spec.dir, '.bench-spec.json');
  const wanted = JSON.stringify({ ...spec, dir: undefined, lineFormat: 3 }); // bump when the lines written change
  const hostDir = path.join(spec.dir, spec.host);
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== wanted) {
    fs.rmSync(spec.dir, { recursive: true, force: true });
  }
  fs.mkdirSync(hostDir, { recursive: true });
  const days = specDays(spec);
  days.forEach((day, index) => {
    const file = path.join(hostDir, `${day}.csv`);
    if (fs.existsSync(file)) return;
    const started = performance.now();
    fs.writeFileSync(`${file}.part`, dayFileText(spec, day, index + 1));
    fs.renameSync(`${file}.part`, file);
    log(`wrote ${path.relative(process.cwd(), file)} in ${Math.round(performance.now() - started)} ms`);
  });
  fs.writeFileSync(marker, wanted);
  return days;
}

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const spec: BenchStoreSpec = {
    ...DEFAULT_SPEC,
    dir: path.resolve(flag(args, '--dir') ?? DEFAULT_SPEC.dir),
    days: Number(flag(args, '--days') ?? DEFAULT_SPEC.days),
    intervalMs: Number(flag(args, '--interval-ms') ?? DEFAULT_SPEC.intervalMs),
  };
  const days = ensureBenchStore(spec, console.log);
  console.log(`${spec.dir}: ${days.length} days from ${days[0]} (${dayKey(startOfDay(days[0] as string, spec.tz) as number, spec.tz)})`);
}
