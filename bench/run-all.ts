/**
 * `npm run bench`: runs every benchmark under bench/ one after the other (never side by side: they
 * would measure each other), then prints one table of each figure beside its reference from the
 * same run and the ratio, and writes it to bench/results/summary.json.
 *
 *   npm run bench [-- --only sampling,export] [-- --quick] [-- --report]
 *
 * Each benchmark writes its own detailed figures to bench/results/<name>.json; the table is read
 * from those files, so a benchmark that fails shows as missing instead of stopping the rest.
 * --quick shortens the runs (for a smoke check; its figures are noisier). --report runs nothing and
 * prints the table from the result files already there.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCHMARKS, type SummaryRow } from './summary-rows.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'bench', 'results');
const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, report: { type: 'boolean', default: false } } });
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((name) => !BENCHMARKS.some((b) => b.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

const started = Date.now();
const runs: { name: string; seconds: number; exitCode: number | null }[] = [];
for (const bench of BENCHMARKS.filter((b) => !values.report && (!only || only.includes(b.name)))) {
  const args = ['--import', 'tsx', path.join('bench', bench.script), ...(values.quick ? bench.quickArgs : bench.args)];
  console.log(`\n=== ${bench.name}: node ${args.join(' ')}`);
  const t0 = Date.now();
  // A benchmark's stale result file must not pass for this run's figures.
  fs.rmSync(path.join(resultsDir, `${bench.name}.json`), { force: true });
  const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  runs.push({ name: bench.name, seconds: Math.round((Date.now() - t0) / 1000), exitCode: run.status });
}

const rows: SummaryRow[] = [];
for (const bench of BENCHMARKS.filter((b) => !only || only.includes(b.name))) {
  const file = path.join(resultsDir, `${bench.name}.json`);
  if (!fs.existsSync(file)) {
    rows.push({ benchmark: bench.name, figure: 'no result (the benchmark failed; see its output above)', ours: '', reference: '', ratio: null, target: '', met: false });
    continue;
  }
  try {
    rows.push(...bench.summarise(JSON.parse(fs.readFileSync(file, 'utf8'))));
  } catch (error) {
    rows.push({ benchmark: bench.name, figure: `unreadable result: ${String(error)}`, ours: '', reference: '', ratio: null, target: '', met: false });
  }
}

printTable(rows);
const summary = {
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version, loadavg_at_end: os.loadavg().map((l) => Math.round(l * 100) / 100) },
  total_seconds: Math.round((Date.now() - started) / 1000),
  runs,
  rows,
};
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(`\n${summary.total_seconds} s in all; load average now ${summary.machine.loadavg_at_end.join(' ')}; wrote bench/results/summary.json`);
process.exit(runs.every((r) => r.exitCode === 0) ? 0 : 1);

function printTable(table: SummaryRow[]): void {
  const header = ['benchmark', 'figure', 'ours', 'reference (same run)', 'ratio', 'target', 'met'];
  const cells = table.map((r) => [
    r.benchmark, r.figure, r.ours, r.reference, r.ratio === null ? '' : `${r.ratio}x`, r.target, r.target ? (r.met ? 'yes' : 'NO') : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join(' | ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}`);
  for (const c of cells) console.log(line(c));
}
