/**
 * Sampling cost: CPU per sample of our /proc sampler, of systeminformation's three calls, of a bare
 * read of the three /proc files, of an idle Node wake-up and of the whole collector process, beside
 * sysstat's sadc, all in one run; and the collector's resident memory after some minutes beside an
 * empty Node process (and one with tsx loaded, to tell tsx's share from ours).
 *
 *   npx tsx bench/sampling.ts [--minutes 2] [--rounds 5] [--samples 12] [--warm-up 15]
 *
 * CPU is measured in rounds of `samples` samples 1 s apart, after `warm-up` samples (Node and tsx
 * settle about 10 s after start), as many rounds as fit in `minutes` (at least `rounds`), so every
 * figure, sadc's included, covers the same stretch of time as the collectors' windows. On a shared
 * virtual machine interference only adds CPU time, so the table shows the median and the minimum. Needs sysstat (`apt-get install -y
 * sysstat`) for the sadc reference. Writes bench/results/sampling.json.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bashTimedCpuMs, processCpuNs, processMemory, runToEnd, sleep, startWatched, type Memory, type Watched } from './sampling-procs.js';
import { ratio, round, spread, type Spread } from './sampling-stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SADC = '/usr/lib/sysstat/sadc';
const options = { minutes: '2', rounds: '5', samples: '12', 'warm-up': '15' };
const { values } = parseArgs({ options: Object.fromEntries(Object.entries(options).map(([k, d]) => [k, { type: 'string', default: d }])) });
const [minutes, rounds, samples, warmUp] = (['minutes', 'rounds', 'samples', 'warm-up'] as const).map((k) => Number(values[k]));
if (!(minutes! > 0) || !(rounds! >= 1) || !(samples! > 1) || !(warmUp! >= 0)) throw new Error('expected --minutes > 0, --rounds >= 1, --samples > 1, --warm-up >= 0');
if (process.platform !== 'linux') throw new Error('this benchmark reads /proc: Linux only');

const work = mkdtempSync(path.join(os.tmpdir(), 'pct-bench-sampling-'));
const clockTick = (await runToEnd('getconf', ['CLK_TCK'], root)).trim();
const node = process.execPath;

// A compiled copy of the collector, to tell tsx's share of the memory from ours.
const buildDir = path.join(root, 'bench', 'results', 'build');
const tscFlags = ['--rootDir', root, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node'];
await runToEnd(path.join(root, 'node_modules', '.bin', 'tsc'), ['--outDir', buildDir, ...tscFlags, 'src/collector/main.ts'], root);

const keepAlive = 'setInterval(() => {}, 1000)';
const collectorArgs = (name: string) => ['--interval', '1', '--dir', path.join(work, name), '--host', 'bench'];
const longRunning: Watched[] = [
  startWatched('collector (tsx)', node, ['--import', 'tsx', 'src/collector/main.ts', ...collectorArgs('tsx')], root),
  startWatched('collector (compiled)', node, [path.join(buildDir, 'src', 'collector', 'main.js'), ...collectorArgs('compiled')], root),
  startWatched('empty node', node, ['-e', keepAlive], root),
  startWatched('empty node + tsx', node, ['--import', 'tsx', '-e', keepAlive], root),
];
const startedAt = performance.now();
const collectors = longRunning.slice(0, 2);
const endAtMs = minutes! * 60_000;
// Rounds that fit between the warm-up and the end (5 s for the probes' own start-up).
const fillRounds = Math.max(rounds!, Math.floor((endAtMs / 1000 - warmUp! - 5) / samples!));
console.log(`sampling bench: ${fillRounds} rounds of ${samples} samples 1 s apart after ${warmUp} warm-up samples; memory after ${minutes} min; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

/** One probe child: per-sample CPU of one way of sampling, per round, in the steady state. */
async function probe(kind: string, roundCount: number, count: number, spacingMs: number, warmUpSamples: number) {
  const args = ['--import', 'tsx', 'bench/sampling-probe.ts', kind, String(roundCount), String(count), String(spacingMs), String(warmUpSamples), clockTick];
  const out = JSON.parse(await runToEnd(node, args, root)) as { rounds: { cpuMsPerSample: number; childProcessesPerSample: number }[] };
  return { cpu: spread(out.rounds.map((r) => r.cpuMsPerSample)), procs: out.rounds[0]!.childProcessesPerSample };
}

/** sadc's CPU per sample per round: (N+1 samples − 1 sample) / N, so its start-up cancels out. */
async function sadcRounds(): Promise<Spread | null> {
  if (!existsSync(SADC)) return null;
  const perSample: number[] = [];
  await sleep(warmUp! * 1000 - (performance.now() - startedAt));
  for (let r = 0; r < rounds! || performance.now() - startedAt + (samples! + 1) * 1000 <= endAtMs; r++) {
    const [many, one] = await Promise.all([
      bashTimedCpuMs(SADC, ['1', String(samples! + 1), path.join(work, `sa-many-${r}`)], root),
      bashTimedCpuMs(SADC, ['1', '1', path.join(work, `sa-one-${r}`)], root),
    ]);
    perSample.push((many - one) / samples!);
  }
  return spread(perSample);
}

/** The collectors' CPU per sample in consecutive windows of `samples` seconds after the warm-up. */
async function collectorWindows(): Promise<Spread[]> {
  const snapshot = () => collectors.map((w) => ({ ns: processCpuNs(w.child.pid!), lines: w.sampleLines() }));
  await sleep(warmUp! * 1000 - (performance.now() - startedAt));
  const perWindow: number[][] = collectors.map(() => []);
  let before = snapshot();
  while (performance.now() - startedAt + samples! * 1000 <= endAtMs) {
    await sleep(samples! * 1000);
    const after = snapshot();
    after.forEach((a, i) => perWindow[i]!.push((a.ns - before[i]!.ns) / 1e6 / Math.max(1, a.lines - before[i]!.lines)));
    before = after;
  }
  return perWindow.map(spread);
}

const windows = collectorWindows();
// The back-to-back runs are short and busy: they go during the warm-up, outside every measured window.
const tight = (async () => ({ bare: await probe('bare', 5, 2000, 0, 500), sampler: await probe('sampler', 5, 2000, 0, 500) }))();
const [noop, bare, sampler, si, sadc] = await Promise.all([
  probe('noop', fillRounds, samples!, 1000, warmUp!),
  probe('bare', fillRounds, samples!, 1000, warmUp!),
  probe('sampler', fillRounds, samples!, 1000, warmUp!),
  probe('si', fillRounds, samples!, 1000, warmUp!),
  sadcRounds(),
]);
const { bare: bareTight, sampler: samplerTight } = await tight;
const [collectorTsx, collectorCompiled] = await windows;

await sleep(endAtMs - (performance.now() - startedAt));
const memory = new Map<string, Memory>(longRunning.map((w) => [w.name, processMemory(w.child.pid!)]));
for (const w of longRunning) w.child.kill('SIGTERM');
const exits = await Promise.all(longRunning.map((w) => w.exited));
rmSync(work, { recursive: true, force: true });

const ref = sadc?.median ?? null;
const cpuRows: [string, Spread, number][] = [
  ['Node wake-up once a second, no work (floor)', noop.cpu, 0],
  ['bare read of /proc/stat, meminfo, net/dev', bare.cpu, 0],
  ['pc-telemetry /proc sampler', sampler.cpu, 0],
  ['systeminformation currentLoad+mem+networkStats', si.cpu, si.procs],
  ['collector process, whole tick (tsx)', collectorTsx!, 0],
  ['collector process, whole tick (compiled)', collectorCompiled!, 0],
  ['back to back: bare read', bareTight.cpu, 0],
  ['back to back: /proc sampler', samplerTight.cpu, 0],
];
if (sadc) cpuRows.unshift(['sadc (sysstat), reference', sadc, 0]);
else console.log('sadc missing (apt-get install -y sysstat): no reference');
const cell = (v: unknown, width: number) => String(v ?? '-').padStart(width);
console.log('\nCPU per sample (ms; median and minimum of the rounds; same run)');
console.log(`${'what'.padEnd(50)}${cell('median', 9)}${cell('min', 8)}${cell('x sadc', 8)}${cell('procs/tick', 12)}`);
for (const [what, s, procs] of cpuRows) {
  console.log(`${what.padEnd(50)}${cell(round(s.median), 9)}${cell(round(s.min), 8)}${cell(ratio(s.median, ref), 8)}${cell(procs, 12)}`);
}

const emptyRss = memory.get('empty node')!.rssMb;
const above = (name: string) => round(memory.get(name)!.rssMb - emptyRss, 1)!;
console.log(`\nResident memory after ${minutes} min (MB; anon = private heap and stacks, file = pages of the node binary, ICU data included)`);
console.log(`${'process'.padEnd(24)}${cell('RSS', 8)}${cell('anon', 8)}${cell('file', 8)}${cell('peak', 8)}${cell('children', 10)}${cell('RSS - empty node', 18)}`);
for (const [name, m] of memory) {
  console.log(`${name.padEnd(24)}${cell(m.rssMb, 8)}${cell(m.anonMb, 8)}${cell(m.fileMb, 8)}${cell(m.peakMb, 8)}${cell(m.childrenRssMb, 10)}${cell(above(name), 18)}`);
}
const targets = {
  samplerCpuAtMostSadc: ref === null ? null : sampler.cpu.median! <= ref,
  collectorCompiledCpuAtMostSadc: ref === null ? null : collectorCompiled!.median! <= ref,
  collectorTsxCpuAtMostSadc: ref === null ? null : collectorTsx!.median! <= ref,
  collectorCompiledRssWithin15Mb: above('collector (compiled)') <= 15,
  collectorTsxRssWithin15Mb: above('collector (tsx)') <= 15,
};
console.log(`\ntsx alone adds ${above('empty node + tsx')} MB over empty node; the collector adds ${above('collector (tsx)')} MB run with tsx, ${above('collector (compiled)')} MB compiled (target <= 15)`);
console.log(`targets: ${JSON.stringify(targets)}`);
console.log(`collectors' exit codes on SIGTERM: ${exits.slice(0, 2).map((e) => e.code).join(', ')}`);

mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
const results = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, loadavgAtEnd: os.loadavg(), node: process.version },
  settings: { rounds: fillRounds, samplesPerRound: samples, warmUpSamples: warmUp, minutes, spacingMs: 1000 },
  cpuMsPerSample: Object.fromEntries(cpuRows.map(([what, s, procs]) => [what, { ...s, vsSadc: ratio(s.median, ref), childProcessesPerTick: procs }])),
  memoryMb: Object.fromEntries(memory),
  rssAboveEmptyNodeMb: { collectorTsx: above('collector (tsx)'), collectorCompiled: above('collector (compiled)'), tsxAlone: above('empty node + tsx') },
  targets,
};
writeFileSync(path.join(root, 'bench', 'results', 'sampling.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/results/sampling.json');
