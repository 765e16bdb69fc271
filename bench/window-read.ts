/**
 * Window read: a 1-hour and a 1-day window from a 30-day store (1 s × 3 interfaces, about
 * 259,200 rows and 19 MB a day), beside awk filtering the same day file in the same run.
 *
 * Targets: the 1-day window within 3× of awk; the 1-hour window no slower with 30 days stored
 * than with 1. Also shown: readWindowBatches (what an export uses), mawk, and the peak RSS of a
 * fresh process reading 1 hour, 1 day and 7 days (memory must not grow with the window).
 *
 *   npx tsx bench/window-read.ts [--runs 7] [--store tmp/bench-store]
 * Writes bench/results/window-read.json. The store is generated on first use (about a minute)
 * and kept under tmp/ (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadWindowOptions } from '../src/store/reader.js';
import { formatInstant, nextDay, startOfDay } from '../src/store/time.js';
import { DEFAULT_SPEC, ensureBenchStore, type BenchStoreSpec } from './make-store.js';
import { hasCommand, round, summarise, timeAwk, timeReadBatches, timeReadWindow, type Timing } from './window-read-tools.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(flag('--runs') ?? 7);
const spec: BenchStoreSpec = { ...DEFAULT_SPEC, dir: path.resolve(flag('--store') ?? DEFAULT_SPEC.dir) };

const days = ensureBenchStore(spec, (line) => console.log(line));
const day = days[Math.floor(days.length / 2)] as string;
const dayFile = path.join(spec.dir, spec.host, `${day}.csv`);

// A store holding only that day, sharing the file (a hard link: same bytes, same page cache).
const oneDayDir = `${spec.dir}-1d`;
fs.rmSync(oneDayDir, { recursive: true, force: true });
fs.mkdirSync(path.join(oneDayDir, spec.host), { recursive: true });
fs.linkSync(dayFile, path.join(oneDayDir, spec.host, `${day}.csv`));

const dayStart = startOfDay(day, spec.tz) as number;
const dayEnd = (startOfDay(nextDay(day), spec.tz) as number) - 1;
const hourStart = dayStart + 12 * 3_600_000;
const hourEnd = hourStart + 3_600_000 - 1;
const options = (dir: string, start: number, end: number): ReadWindowOptions => ({ dir, tz: spec.tz, start, end, legacyHost: 'nobody' });
const iso = (ms: number) => formatInstant(ms, spec.tz);

interface Case {
  name: string;
  ours: Timing;
  batches: Timing;
  awk: Timing;
  mawk: Timing | null;
  rows: number;
  awkRows: number;
}

async function measure(name: string, dir: string, start: number, end: number, files: string[], repeat: number): Promise<Case> {
  const opts = options(dir, start, end);
  const [, rows] = await timeReadWindow(opts); // warm-up: page cache, JIT
  const [, awkRows] = timeAwk('awk', files, iso(start), iso(end), true);
  const ours: number[] = [];
  const batches: number[] = [];
  const awk: number[] = [];
  const mawk: number[] = [];
  const withMawk = hasCommand('mawk');
  for (let i = 0; i < repeat; i++) {
    // Interleaved, so a burst of load on the machine hits every contender alike.
    ours.push((await timeReadWindow(opts))[0]);
    batches.push((await timeReadBatches(opts))[0]);
    awk.push(timeAwk('awk', files, iso(start), iso(end))[0]);
    if (withMawk) mawk.push(timeAwk('mawk', files, iso(start), iso(end))[0]);
  }
  return { name, ours: summarise(ours), batches: summarise(batches), awk: summarise(awk), mawk: withMawk ? summarise(mawk) : null, rows, awkRows };
}

const cases: Case[] = [];
cases.push(await measure('1-day window, 30 days stored', spec.dir, dayStart, dayEnd, [dayFile], runs));
cases.push(await measure('1-hour window, 30 days stored', spec.dir, hourStart, hourEnd, [dayFile], runs * 3));
cases.push(await measure('1-hour window, 1 day stored', oneDayDir, hourStart, hourEnd, [dayFile], runs * 3));

// Flat memory: peak RSS of a fresh process reading an empty window, 1 hour, 1 day, 7 days.
const weekFirst = days[Math.max(0, days.indexOf(day) - 6)] as string;
const weekStart = startOfDay(weekFirst, spec.tz) as number;
interface RssRun { rows: number; ms: number; peakRssMb: number }
function rssRun(start: number, end: number, nodeFlags: string[] = []): RssRun {
  const script = [...nodeFlags, '--import', 'tsx', path.join(here, 'window-read-rss.ts'), spec.dir, spec.tz, `${start}`, `${end}`];
  const child = spawnSync(process.execPath, script, { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`window-read-rss failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as RssRun;
}
const memory = {
  emptyWindow: rssRun(0, 1),
  hour: rssRun(hourStart, hourEnd),
  day: rssRun(dayStart, dayEnd),
  week: rssRun(weekStart, dayEnd),
  // The proof that memory is bounded, not just lazily collected: the same 7 days in a 32 MB heap.
  weekIn32MbHeap: rssRun(weekStart, dayEnd, ['--max-old-space-size=32']),
};

const ratio = (a: number, b: number) => round(a / b, 2);
console.log(`\nWindow read, ${spec.days}-day store at ${spec.intervalMs / 1000} s × ${spec.interfaces.length} interfaces; day ${day} (${round(fs.statSync(dayFile).size / 1_048_576)} MB); median of runs, ms`);
const header = ['case', 'rows', 'readWindow', 'batches', 'awk', 'mawk', 'readWindow/awk', 'batches/awk'];
const table = cases.map((c) => [c.name, `${c.rows}`, `${c.ours.medianMs}`, `${c.batches.medianMs}`, `${c.awk.medianMs}`, c.mawk ? `${c.mawk.medianMs}` : '-',
  `${ratio(c.ours.medianMs, c.awk.medianMs)}×`, `${ratio(c.batches.medianMs, c.awk.medianMs)}×`]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
for (const row of [header, ...table]) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  '));

const [dayCase, hour30, hour1] = cases as [Case, Case, Case];
const hourRatio = ratio(hour30.ours.medianMs, hour1.ours.medianMs);
const dayRatio = ratio(dayCase.ours.medianMs, dayCase.awk.medianMs);
console.log(`\n1-day window: readWindow ${dayRatio}× awk (target ≤ 3×): ${dayRatio <= 3 ? 'met' : 'MISSED'}; fastest runs: ${dayCase.ours.minMs} vs ${dayCase.awk.minMs} ms, ${ratio(dayCase.ours.minMs, dayCase.awk.minMs)}×`);
console.log(
  `1-hour window: 30 days stored ${hour30.ours.medianMs} ms vs 1 day stored ${hour1.ours.medianMs} ms, ratio ${hourRatio} (target: no slower, ≤ 1.1 for noise): ` +
    `${hourRatio <= 1.1 ? 'met' : 'MISSED'}; fastest runs: ${hour30.ours.minMs} vs ${hour1.ours.minMs} ms`,
);
console.log(`Rows match awk: ${cases.every((c) => c.rows === c.awkRows) ? 'yes' : `NO (${cases.map((c) => `${c.rows}/${c.awkRows}`).join(', ')})`}`);
console.log(
  `Peak RSS of a fresh process reading (rows counted, not kept): empty window ${memory.emptyWindow.peakRssMb} MB, 1 hour ${memory.hour.peakRssMb} MB, ` +
    `1 day ${memory.day.peakRssMb} MB, 7 days ${memory.week.peakRssMb} MB (${memory.week.rows} rows in ${memory.week.ms} ms); ` +
    `7 days with the heap capped at 32 MB: ${memory.weekIn32MbHeap.rows} rows, peak RSS ${memory.weekIn32MbHeap.peakRssMb} MB`,
);

fs.mkdirSync(path.join(here, 'results'), { recursive: true });
const result = {
  bench: 'window-read',
  at: new Date().toISOString(),
  node: process.version,
  store: { days: spec.days, intervalMs: spec.intervalMs, interfaces: spec.interfaces.length, day, dayFileBytes: fs.statSync(dayFile).size },
  cases,
  targets: {
    dayWindowVsAwk: { ratio: dayRatio, target: 3, met: dayRatio <= 3 },
    hourWindow30dVs1d: { ratio: hourRatio, target: 1.1, met: hourRatio <= 1.1 },
  },
  memory,
};
fs.writeFileSync(path.join(here, 'results', 'window-read.json'), `${JSON.stringify(result, null, 2)}\n`);
fs.rmSync(oneDayDir, { recursive: true, force: true });
console.log(`\nwrote ${path.relative(process.cwd(), path.join(here, 'results', 'window-read.json'))}`);
