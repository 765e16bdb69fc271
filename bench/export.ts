/**
 * Export benchmark: the export job's processor over a 1-day and a 7-day window of a store at
 * 1 s × 3 interfaces, beside `zip -6` compressing the very same CSV bytes, in the same run.
 *
 * The store comes from bench/make-store.ts, whose lines are byte for byte what a collector writes.
 *
 * Each export runs in a child process of its own so its peak RSS (process.resourceUsage().maxRSS)
 * is the export's alone. The reference is zip's wall time for compressing the CSV the export
 * produced (extracted from its zip, so the bytes are identical), read from the page cache.
 * Targets: the whole export at most 1.5× zip's time; peak RSS flat (within 50 MB) from 1 to 7 days.
 *
 * Two more runs of the 1-day window show what the export's choices save: the row path (every
 * store line parsed into a row and encoded again, instead of copied through; skip it with
 * --no-row-path), and csv-stringify called on every record instead of the export's encoder
 * (skip it with --no-stringify).
 *
 * The machine may be shared: each figure is the best of --reps runs (2 by default), and the load
 * average is printed beside them.
 *
 *   npx tsx bench/export.ts [--reps N] [--no-row-path] [--no-stringify]     (writes bench/results/export.json)
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../env/default_env.js';
import { exportPartPath, exportZipPath } from '../src/queue/export-files.js';
import { readWindowBatches, type ReadStats } from '../src/store/reader.js';
import { formatInstant, nextDay, parseInstant, startOfDay } from '../src/store/time.js';
import { encodeRowBatches, stringifyRows } from '../workers/export-csv.js';
import { writeCsvZip } from '../workers/export-writer.js';
import { processExport, type ExportData, type ExportResult } from '../workers/export.js';
import { DEFAULT_SPEC, ensureBenchStore, type BenchStoreSpec } from './make-store.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const WORK = path.join(ROOT, 'tmp', 'bench-export');
const SPEC: BenchStoreSpec = { ...DEFAULT_SPEC, dir: path.join(WORK, 'store'), days: 8 };
const MB = 1024 * 1024;
const ENCODER_LABELS: Record<string, string> = {
  default: 'export (lines copied)',
  'row-path': 'rows parsed+encoded',
  'stringify-per-record': 'csv-stringify/row',
};

interface ChildReport {
  wallMs: number;
  /** CPU of the export (user + system, all threads, deflate included). */
  cpuMs: number;
  /** CPU of the main thread alone (reading, encoding, archiver's glue); the rest is deflate and I/O. */
  mainMs: number;
  result: ExportResult;
  zipPath: string;
  baselineRssKb: number;
  maxRssKb: number;
}

/** CPU time of this process's main thread (Linux: /proc/self/task/<pid>/stat, in clock ticks of 10 ms). */
function mainThreadCpuMs(): number {
  const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime
}

/** Child side: one export, timed, then its figures as JSON on stdout. */
async function runChild(startTime: string, endTime: string, prefix: string, encoder: string): Promise<void> {
  const config = loadConfig({
    QUEUE_PREFIX: prefix,
    TELEMETRY_DIR: SPEC.dir,
    TMP_DIR: path.join(WORK, 'tmp'),
    TELEMETRY_TZ: SPEC.tz,
    HOST_NAME: SPEC.host,
  });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('export', { connection: redis, prefix });
  const job = await queue.add('export', { start_time: startTime, end_time: endTime, host: SPEC.host });
  const baselineRssKb = process.resourceUsage().maxRSS;
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuMs();
  const startedAt = performance.now();
  const result =
    encoder === 'stringify-per-record'
      ? await exportWithStringify(config, job)
      : await processExport(config, job, undefined, undefined, encoder === 'row-path' ? 'rows' : 'text');
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const mainMs = mainThreadCpuMs() - mainBefore;
  const report: ChildReport = {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainMs,
    result,
    zipPath: exportZipPath(config, String(job.id)),
    baselineRssKb,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/**
 * What the processor does, but with csv-stringify called on every record: the alternative the
 * export's encoder replaces (workers/export-csv.ts), measured for comparison.
 */
async function exportWithStringify(config: Config, job: Job<ExportData>): Promise<ExportResult> {
  const tz = config.telemetryTz;
  const start = parseInstant(job.data.start_time, tz) as number;
  const end = parseInstant(job.data.end_time, tz) as number;
  const stats: ReadStats = { files: 0, rows: 0, skipped: 0 };
  const batches = readWindowBatches({ dir: config.telemetryDir, tz, start, end, host: job.data.host, legacyHost: config.hostName, stats });
  const written = await writeCsvZip({
    lines: encodeRowBatches(batches, stringifyRows),
    entryName: 'export.csv',
    partPath: exportPartPath(config, String(job.id)),
    finalPath: exportZipPath(config, String(job.id)),
  });
  return { rows: stats.rows, bytes: written.zipBytes, csv_bytes: written.csvBytes, file_name: 'export.zip', skipped: stats.skipped };
}

function runExportChild(startTime: string, endTime: string, encoder = 'default'): Promise<ChildReport> {
  const prefix = `pct-bench-export-${process.pid}`;
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [fileURLToPath(import.meta.url), '--child', startTime, endTime, prefix, encoder], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`export child exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) as string) as ChildReport);
    });
  });
}

/** Wall and CPU ms of `zip -6` over `csv` (already in the page cache: it was just written). */
function timeZip(csv: string): { ms: number; cpuMs: number; bytes: number } {
  const out = `${csv}.ref.zip`;
  fs.rmSync(out, { force: true });
  execFileSync('cat', [csv], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the cache
  const startedAt = performance.now();
  const zip = spawnSync('/usr/bin/time', ['-f', '%U %S', 'zip', '-6', '-q', '-j', out, csv], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - startedAt;
  if (zip.status !== 0) throw new Error(`zip failed: ${zip.stderr?.toString()}`);
  const [user, system] = zip.stderr.toString().trim().split(/\s+/).slice(-2).map(Number);
  const bytes = fs.statSync(out).size;
  fs.rmSync(out);
  return { ms, cpuMs: ((user ?? 0) + (system ?? 0)) * 1000, bytes };
}

async function runBench(withRowPath: boolean, withStringify: boolean, reps: number): Promise<void> {
  fs.mkdirSync(WORK, { recursive: true });
  const loadBefore = os.loadavg()[0] as number;
  console.log(`store: ${SPEC.days} days at ${SPEC.intervalMs} ms × ${SPEC.interfaces.length} interfaces in ${path.relative(ROOT, SPEC.dir)}`);
  const days = ensureBenchStore(SPEC, (line) => console.log(`  ${line}`));
  const dayStart = (day: string) => startOfDay(day, SPEC.tz) as number;
  const windows = [
    { label: '1 day', from: dayStart(days[1] as string), to: dayStart(nextDay(days[1] as string)) - 1 },
    { label: '7 days', from: dayStart(days[0] as string), to: dayStart(days[7] as string) - 1 },
  ];

  const rows: Record<string, unknown>[] = [];
  const runs = [
    ...windows.map((window) => ({ ...window, encoder: 'default' })),
    ...(withRowPath ? [{ ...(windows[0] as (typeof windows)[number]), encoder: 'row-path' }] : []),
    ...(withStringify ? [{ ...(windows[0] as (typeof windows)[number]), encoder: 'stringify-per-record' }] : []),
  ];
  for (const window of runs) {
    // Best of `reps` for both sides: the machine is shared, and a slow outlier says nothing about either.
    const reports: ChildReport[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const previous = reports.at(-1);
      if (previous) fs.rmSync(previous.zipPath, { force: true });
      reports.push(await runExportChild(formatInstant(window.from, SPEC.tz), formatInstant(window.to, SPEC.tz), window.encoder));
    }
    const first = reports.at(-1) as ChildReport;
    const csv = path.join(WORK, `window-${window.label.replace(' ', '')}.csv`);
    fs.writeFileSync(csv, execFileSync('unzip', ['-p', first.zipPath], { maxBuffer: 1024 * MB }));
    fs.rmSync(first.zipPath);
    const zips = Array.from({ length: reps }, () => timeZip(csv));
    fs.rmSync(csv);
    const wallMs = Math.min(...reports.map((r) => r.wallMs));
    const cpuMs = Math.min(...reports.map((r) => r.cpuMs));
    const mainMs = Math.min(...reports.map((r) => r.mainMs));
    const zipMs = Math.min(...zips.map((z) => z.ms));
    const zipCpuMs = Math.min(...zips.map((z) => z.cpuMs));
    rows.push({
      window: window.label,
      encoder: ENCODER_LABELS[window.encoder],
      rows: first.result.rows,
      csv_mb: +(first.result.csv_bytes / MB).toFixed(1),
      export_s: +(wallMs / 1000).toFixed(2),
      export_rows_per_s: Math.round(first.result.rows / (wallMs / 1000)),
      zip6_s: +(zipMs / 1000).toFixed(2),
      zip6_rows_per_s: Math.round(first.result.rows / (zipMs / 1000)),
      ratio_to_zip: +(wallMs / zipMs).toFixed(2),
      export_cpu_s: +(cpuMs / 1000).toFixed(2),
      zip6_cpu_s: +(zipCpuMs / 1000).toFixed(2),
      cpu_ratio: +(cpuMs / zipCpuMs).toFixed(2),
      // With a core free for each, the export's wall time is about the larger of these two.
      main_thread_s: +(mainMs / 1000).toFixed(2),
      off_main_cpu_s: +(Math.max(0, cpuMs - mainMs) / 1000).toFixed(2),
      export_zip_mb: +(first.result.bytes / MB).toFixed(1),
      zip6_zip_mb: +((zips[0]?.bytes ?? 0) / MB).toFixed(1),
      peak_rss_mb: +(Math.max(...reports.map((r) => r.maxRssKb)) / 1024).toFixed(1),
      rss_before_export_mb: +(first.baselineRssKb / 1024).toFixed(1),
    });
  }
  console.table(rows);
  const load = { before: +loadBefore.toFixed(2), after: +(os.loadavg()[0] as number).toFixed(2), cores: os.cpus().length };
  console.log(`load average (1 min) before ${load.before}, after ${load.after}, on ${load.cores} cores; best of ${reps} runs each`);
  const [one, seven] = rows as { peak_rss_mb: number; ratio_to_zip: number }[]; // the two default runs come first
  const rssGrowth = +((seven?.peak_rss_mb ?? 0) - (one?.peak_rss_mb ?? 0)).toFixed(1);
  const worstRatio = Math.max(one?.ratio_to_zip ?? 0, seven?.ratio_to_zip ?? 0);
  console.log(`peak RSS 7 days − 1 day: ${rssGrowth} MB (target ≤ 50 MB) ${rssGrowth <= 50 ? 'OK' : 'MISSED'}`);
  console.log(`worst export / zip -6 time: ${worstRatio}× (target ≤ 1.5×) ${worstRatio <= 1.5 ? 'OK' : 'MISSED'}`);
  fs.mkdirSync(path.join(HERE, 'results'), { recursive: true });
  const out = path.join(HERE, 'results', 'export.json');
  fs.writeFileSync(out, JSON.stringify({ when: new Date().toISOString(), spec: { ...SPEC, dir: undefined }, reps, load, windows: rows, rss_growth_mb: rssGrowth, worst_ratio_to_zip: worstRatio }, null, 2));
  console.log(`figures written to ${path.relative(ROOT, out)}`);
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await runChild(args[1] as string, args[2] as string, args[3] as string, args[4] as string);
} else {
  const repsAt = args.indexOf('--reps');
  await runBench(!args.includes('--no-row-path'), !args.includes('--no-stringify'), repsAt === -1 ? 2 : Math.max(1, Number(args[repsAt + 1]) || 1));
}
