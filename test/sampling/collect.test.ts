import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, sampleToRows } from '../../src/sampling/collect.js';
import { ProcSampler, type ProcSnapshot } from '../../src/sampling/proc-sampler.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { isWellFormed, readDayFiles } from './day-files.js';
import { meminfoText, netDevText, statText } from './proc-text.js';

const tz = 'Europe/Samara';
let dir: string;

beforeEach(async () => {
  dir = await makeTempDir('collect');
});
afterEach(async () => {
  await removeTempDir(dir);
});

/** A real ProcSampler over scripted /proc text: eth0 receives 1000 bytes more each tick. */
function scriptedSampler(): ProcSampler {
  let tick = 0;
  const read = (): ProcSnapshot => {
    tick += 1;
    return {
      stat: statText({ user: 100 * tick, system: 0, idle: 300 * tick }),
      meminfo: meminfoText(1000, 420),
      netdev: netDevText([['lo', 0, 0], ['eth0', 1000 * tick, 0]]),
    };
  };
  return new ProcSampler({ read });
}

describe('collect', () => {
  it('primes on tick 0, then writes one row per interface per tick until the duration is covered', async () => {
    const seen: number[] = [];
    const result = await collect({
      intervalS: 0.2,
      durationS: 1,
      host: 'box-1',
      tz,
      dir,
      signal: new AbortController().signal,
      sampler: scriptedSampler(),
      onSample: (rows, totals) => seen.push(rows.length, totals.samples),
    });

    // Ticks at 0.2 … 1.0 s: five samples, fewer only if a starved machine made the schedule skip one.
    expect(result.samples).toBeGreaterThanOrEqual(4);
    expect(result.samples).toBeLessThanOrEqual(5);
    expect(result).toMatchObject({ rows: 2 * result.samples, stopped: false });
    expect(seen).toEqual(Array.from({ length: result.samples }, (_, i) => [2, i + 1]).flat());
    const files = readDayFiles(dir, 'box-1');
    const rows = files.flatMap((f) => f.rows);
    expect(files.every(isWellFormed)).toBe(true);
    expect(rows).toHaveLength(result.rows);
    expect(rows[0]!.time).toBe(result.first_time);
    expect(rows.at(-1)!.time).toBe(result.last_time);
    expect(rows[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+04:00$/);
    for (const row of rows) {
      expect(row).toMatchObject({ cpu_usage: '25', ram_free: '42', host: 'box-1' });
      expect(Number(row.elapsed_s)).toBeGreaterThan(0.1);
      expect(row.elapsed_s).toMatch(/^\d+(\.\d{1,3})?$/);
    }
    const eth0 = rows.filter((r) => r.network_adapter === 'eth0');
    expect(eth0).toHaveLength(result.samples);
    for (const row of eth0) {
      expect(row.net_usage_up).toBe('0');
      // 1000 more bytes per read, over the real elapsed time of that tick.
      const expected = 1000 / Number(row.elapsed_s);
      expect(Math.abs(Number(row.net_usage_down) - expected)).toBeLessThanOrEqual(expected * 0.01 + 1);
    }
  });

  it('with the real sampler, stops on abort after writing the tick in progress and leaves no descriptor open', async () => {
    const openFds = () => (process.platform === 'linux' ? readdirSync('/proc/self/fd').length : 0);
    const fdsBefore = openFds();
    const controller = new AbortController();
    const result = await collect({
      intervalS: 0.2,
      host: 'box-2',
      tz,
      dir,
      signal: controller.signal,
      onSample: (_rows, totals) => {
        if (totals.samples === 3) controller.abort();
      },
    });
    expect(result).toMatchObject({ samples: 3, stopped: true });
    const rows = readDayFiles(dir, 'box-2').flatMap((f) => f.rows);
    expect(rows).toHaveLength(result.rows);
    expect(rows.filter((r) => r.network_adapter === 'lo')).toHaveLength(3);
    expect(openFds()).toBe(fdsBefore); // a worker runs many collections in one process
  });

  it('writes nothing when aborted before it starts', async () => {
    const result = await collect({ intervalS: 1, host: 'box-3', tz, dir, signal: AbortSignal.abort() });
    expect(result).toEqual({ samples: 0, rows: 0, first_time: null, last_time: null, stopped: true });
  });

  it('refuses a bad interval, duration or host before touching the store', async () => {
    const signal = new AbortController().signal;
    await expect(collect({ intervalS: 0, host: 'h', tz, dir, signal })).rejects.toThrow(/intervalS/);
    await expect(collect({ intervalS: 1, durationS: -1, host: 'h', tz, dir, signal })).rejects.toThrow(/durationS/);
    await expect(collect({ intervalS: 1, host: '../up', tz, dir, signal })).rejects.toThrow();
    expect(readDayFilesOrEmpty()).toEqual([]);
  });
});

function readDayFilesOrEmpty(): string[] {
  try {
    return readDayFiles(dir, 'h').map((f) => f.file);
  } catch {
    return [];
  }
}

describe('sampleToRows', () => {
  it('keeps nulls and rounds elapsed seconds to the millisecond', () => {
    const rows = sampleToRows(
      { time: Date.UTC(2026, 11, 4, 16, 15, 0, 123), cpu: null, ramFree: 50.5, elapsedS: 1.23456, interfaces: [{ name: 'eth0', up: null, down: 7 }] },
      'h',
      tz,
    );
    expect(rows).toEqual([
      { time: '2026-12-04T20:15:00.123+04:00', cpu_usage: null, ram_free: 50.5, network_adapter: 'eth0', net_usage_up: null, net_usage_down: 7, host: 'h', elapsed_s: 1.235 },
    ]);
  });
});
