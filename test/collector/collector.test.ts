import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseNetDev } from '../../src/sampling/proc-parse.js';
import { readWindow } from '../../src/store/reader.js';
import type { TelemetryRow } from '../../src/store/row.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { isWellFormed, readDayFiles } from '../sampling/day-files.js';
import { startCollector } from './run-collector.js';

const SAMPLE_LINE = /^\d{4}-\d\d-\d\dT\S+\s+cpu /;
let dir: string;
let env: Record<string, string>;

beforeEach(async () => {
  dir = await makeTempDir('collector');
  env = { TELEMETRY_DIR: dir, HOST_NAME: 'ci-box', TELEMETRY_TZ: 'Europe/Samara' };
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('host collector, run for real', () => {
  it.runIf(process.platform === 'linux')('at 0.5 s for 3 s writes at least 4 samples for every interface, into the configured folder and host', async () => {
    const interfaces = () => parseNetDev(readFileSync('/proc/net/dev', 'latin1')).map((i) => i.name);
    const before = interfaces();
    const { code, stdout, stderr } = await startCollector(['--interval', '0.5', '--duration', '3'], env).done;
    const present = interfaces().filter((name) => before.includes(name)); // there for the whole run
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const files = readDayFiles(dir, 'ci-box');
    expect(files.length).toBeGreaterThan(0);
    expect(files.every(isWellFormed)).toBe(true);
    const rows = files.flatMap((f) => f.rows);
    const perInterface = new Map<string, number>();
    for (const row of rows) perInterface.set(row.network_adapter!, (perInterface.get(row.network_adapter!) ?? 0) + 1);
    expect(present).toContain('lo');
    for (const name of present) expect(perInterface.get(name) ?? 0, name).toBeGreaterThanOrEqual(4);
    for (const row of rows) {
      expect(row.host).toBe('ci-box');
      expect(row.time).toMatch(/\+04:00$/);
      expect(Number(row.elapsed_s)).toBeGreaterThan(0);
    }
    // The store's own reader gives back the same rows, typed, with nothing skipped.
    const stats = { files: 0, rows: 0, skipped: 0 };
    const window = { start: Date.parse(rows[0]!.time!), end: Date.parse(rows.at(-1)!.time!) };
    const read: TelemetryRow[] = [];
    for await (const row of readWindow({ dir, tz: 'Europe/Samara', ...window, host: 'ci-box', legacyHost: 'ci-box', stats })) read.push(row);
    expect(stats.skipped).toBe(0);
    expect(read).toHaveLength(rows.length);
    expect(read.every((r) => typeof r.cpu_usage === 'number' && r.host === 'ci-box')).toBe(true);

    const samples = stdout.split('\n').filter((l) => SAMPLE_LINE.test(l)).length;
    expect(samples).toBeGreaterThanOrEqual(4);
    expect(stdout).toContain(`${samples} samples, ${rows.length} rows`);
    expect(stdout).toContain(path.join(dir, 'ci-box'));
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} mid-run: exit 0, the summary, and a well-formed file holding every sample printed`, async () => {
      const run = startCollector(['--interval', '0.2', '--dir', path.join(dir, 'store'), '--host', 'sig-box'], env);
      await run.linesMatching(SAMPLE_LINE, 3);
      run.child.kill(signal);
      const { code, stdout } = await run.done;
      expect(code).toBe(0);
      expect(stdout).toMatch(/stopped: \d+ samples, \d+ rows/);

      const files = readDayFiles(path.join(dir, 'store'), 'sig-box');
      expect(files.every(isWellFormed)).toBe(true);
      const times = new Set(files.flatMap((f) => f.rows.map((r) => r.time)));
      const printed = stdout.split('\n').filter((l) => SAMPLE_LINE.test(l)).map((l) => l.split(/\s+/)[0]);
      expect(printed.length).toBeGreaterThanOrEqual(3);
      expect([...times]).toEqual(printed);
    });
  }
});

describe('host collector, bad input', () => {
  it('bad or unknown flags: usage on stderr, exit 2, nothing written', async () => {
    const cases = [[], ['--interval', 'fast'], ['--interval', '0.1'], ['--duration', '5', '--interval', '1', '--bogus'], ['--interval', '1', '--host', '../etc']];
    const results = await Promise.all(cases.map((args) => startCollector(args, env).done));
    for (const [i, { code, stderr, stdout }] of results.entries()) {
      expect(code, cases[i]!.join(' ')).toBe(2);
      expect(stderr).toContain('Usage: npm run collector -- --interval <s>');
      expect(stdout).toBe('');
    }
    expect(results[1]!.stderr).toContain('--interval must be a number of seconds, 0.2 to 3600; got "fast"');
    expect(results[3]!.stderr).toMatch(/bogus/);
    expect(readDayFilesOrNone()).toBe(0);
  });

  it('an unwritable store folder: a message naming it, exit 1, before sampling', async () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const { code, stderr, stdout } = await startCollector(['--interval', '0.2', '--dir', blocker], env).done;
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot write to the store folder ${path.join(blocker, 'ci-box')}`);
    expect(stdout).not.toMatch(SAMPLE_LINE);
  });

  it.runIf(existsSync('/usr/bin/prlimit'))('the store filling up mid-run: exit 1, and the summary counts every complete sample on disk', async () => {
    // A file-size limit on the collector (EFBIG after 2000 bytes, a few samples in).
    const run = startCollector(['--interval', '0.2', '--dir', path.join(dir, 'small'), '--host', 'full-box'], env, ['/usr/bin/prlimit', '--fsize=2000']);
    const { code, stdout, stderr } = await run.done;
    expect(code).toBe(1);
    expect(stderr).toContain('collector: writing the store failed: EFBIG');
    const summary = /failed: (\d+) samples, (\d+) rows/.exec(stdout);
    expect(summary).not.toBeNull();
    const text = readFileSync(path.join(dir, 'small', 'full-box', readdirSync(path.join(dir, 'small', 'full-box'))[0]!), 'utf8');
    const completeRows = text.split('\n').length - 2; // minus the header and what follows the last line end
    const [samples, rows] = [Number(summary![1]), Number(summary![2])];
    expect(samples).toBeGreaterThan(0);
    // The failed append can have completed some lines of its sample before the limit tore one.
    expect(completeRows - rows).toBeGreaterThanOrEqual(0);
    expect(completeRows - rows).toBeLessThan(rows / samples);
  });

  it('--help: usage on stdout, exit 0', async () => {
    const { code, stdout } = await startCollector(['--help'], env).done;
    expect(code).toBe(0);
    expect(stdout).toContain(`--dir <path>     store folder (default TELEMETRY_DIR: ${dir})`);
  });
});

function readDayFilesOrNone(): number {
  try {
    return readDayFiles(dir, 'ci-box').length;
  } catch {
    return 0;
  }
}
