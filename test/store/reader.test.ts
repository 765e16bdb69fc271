import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.js';
import { readWindow, readWindowBatches } from '../../src/store/reader.js';
import type { TelemetryRow } from '../../src/store/row.js';
import { parseInstant } from '../../src/store/time.js';
import { StoreWriter } from '../../src/store/writer.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { TZ, readAll, sampleRows } from './rows.js';

const HEADER = 'time,cpu_usage,ram_free,network_adapter,net_usage_up,net_usage_down,host,elapsed_s';
const LEGACY_HEADER = 'time,cpu_usage,ram_free,network_adapter,net_usage_up,net_usage_down';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('store-reader');
});
afterEach(async () => {
  await removeTempDir(dir);
});

/** Writes one sample every `stepMs` from `from` (inclusive) to `to` (exclusive); returns the rows written. */
async function writeSamples(host: string, from: number, to: number, stepMs: number, interfaces?: string[], tz = TZ): Promise<TelemetryRow[]> {
  const writer = new StoreWriter({ dir, host, tz });
  const all: TelemetryRow[] = [];
  let pending: TelemetryRow[] = [];
  for (let t = from; t < to; t += stepMs) {
    const rows = sampleRows(t, host, interfaces, tz);
    pending.push(...rows);
    all.push(...rows);
    if (pending.length >= 1000) {
      await writer.append(pending); // many samples per append: the writer splits them by day
      pending = [];
    }
  }
  await writer.append(pending);
  await writer.close();
  return all;
}

const at = (iso: string) => parseInstant(iso, TZ) as number;
const timeOf = (row: TelemetryRow) => at(row.time);
const inWindow = (rows: TelemetryRow[], start: number, end: number) => rows.filter((r) => timeOf(r) >= start && timeOf(r) <= end);

async function writeFile(relative: string, text: string): Promise<void> {
  const file = path.join(dir, relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}

describe('readWindow round trips', () => {
  it('returns exactly the rows of a window that cuts inside a day, ends inclusive', async () => {
    const written = await writeSamples('h1', at('2026-12-04T10:00:00'), at('2026-12-04T11:00:00'), 10_000);
    const start = at('2026-12-04T10:20:00');
    const end = at('2026-12-04T10:30:00');
    const { rows, stats } = await readAll({ dir, tz: TZ, start, end, legacyHost: 'h1' });
    expect(rows).toEqual(inWindow(written, start, end));
    expect(rows).toHaveLength(61 * 2);
    expect(rows[0]?.time).toBe('2026-12-04T10:20:00.000+04:00');
    expect(rows.at(-1)?.time).toBe('2026-12-04T10:30:00.000+04:00');
    expect(stats).toEqual({ files: expect.any(Number), rows: 122, skipped: 0 });
  });

  it('crosses midnight in the zone, with the window given in Z or another offset', async () => {
    const written = await writeSamples('h1', at('2026-12-04T23:00:00'), at('2026-12-05T01:00:00'), 30_000);
    expect((await fs.readdir(path.join(dir, 'h1'))).sort()).toEqual(['2026-12-04.csv', '2026-12-05.csv']);
    const expected = inWindow(written, at('2026-12-04T23:30:00'), at('2026-12-05T00:30:00'));
    for (const [start, end] of [
      ['2026-12-04T19:30:00Z', '2026-12-04T20:30:00Z'],
      ['2026-12-04T14:30:00-05:00', '2026-12-04T15:30:00-05:00'],
      ['2026-12-04T23:30:00+04:00', '2026-12-05T00:30:00.000+04:00'],
    ] as const) {
      const { rows } = await readAll({ dir, tz: TZ, start: at(start), end: at(end), legacyHost: 'h1' });
      expect(rows, `${start} .. ${end}`).toEqual(expected);
    }
    expect(expected.map((r) => r.time.slice(0, 10))).toContain('2026-12-05');
  });

  it('crosses a month end and a year end', async () => {
    const written = await writeSamples('h1', at('2026-12-31T22:00:00'), at('2027-01-01T02:00:00'), 60_000);
    const { rows } = await readAll({ dir, tz: TZ, start: at('2026-12-31T23:58:00'), end: at('2027-01-01T00:02:00'), legacyHost: 'h1' });
    expect(rows).toEqual(inWindow(written, at('2026-12-31T23:58:00'), at('2027-01-01T00:02:00')));
    expect(rows.map((r) => r.time.slice(0, 16)).filter((_, i) => i % 2 === 0)).toEqual([
      '2026-12-31T23:58', '2026-12-31T23:59', '2027-01-01T00:00', '2027-01-01T00:01', '2027-01-01T00:02',
    ]);
  });

  it('finds the window in a large day file (bisecting) exactly as a full scan would', async () => {
    // ~2 MB day file, several read chunks long.
    const written = await writeSamples('h1', at('2026-11-30T00:00:00'), at('2026-12-01T00:00:00'), 6_000, ['eth0', 'wlan0', 'lo']);
    const windows = [
      ['2026-11-30T00:00:00', '2026-11-30T00:00:00'],
      ['2026-11-30T07:13:01', '2026-11-30T07:13:59'],
      ['2026-11-30T12:00:00', '2026-11-30T13:00:00'],
      ['2026-11-30T23:59:54', '2026-12-01T05:00:00'],
      ['2026-11-29T20:00:00', '2026-11-30T00:00:05'],
      ['2026-11-30T00:00:00', '2026-11-30T23:59:59.999'],
    ];
    for (const [from, to] of windows) {
      const start = at(from as string);
      const end = at(to as string);
      const { rows, stats } = await readAll({ dir, tz: TZ, start, end, legacyHost: 'x' });
      expect(rows, `${from} .. ${to}`).toEqual(inWindow(written, start, end));
      expect(stats.skipped).toBe(0);
    }
  });

  it('is exact across a DST change, where the offset in the file changes', async () => {
    // Berlin falls back at 2026-10-25T01:00Z: 02:00-03:00 local happens twice, +02:00 then +01:00.
    const berlin = 'Europe/Berlin';
    const written = await writeSamples('h1', Date.parse('2026-10-24T22:00:00Z'), Date.parse('2026-10-25T04:00:00Z'), 5_000, ['eth0', 'wlan0', 'lo'], berlin);
    expect(written.some((r) => r.time.endsWith('+02:00')) && written.some((r) => r.time.endsWith('+01:00'))).toBe(true);
    for (const [from, to] of [['2026-10-25T00:40:00Z', '2026-10-25T01:20:00Z'], ['2026-10-25T01:05:00Z', '2026-10-25T01:06:00Z']]) {
      const start = Date.parse(from as string);
      const end = Date.parse(to as string);
      const { rows } = await readAll({ dir, tz: berlin, start, end, legacyHost: 'x' });
      expect(rows, `${from} .. ${to}`).toEqual(written.filter((r) => Date.parse(r.time) >= start && Date.parse(r.time) <= end));
      expect(rows.length).toBeGreaterThan(0);
    }
  });

  it('counts the rows handed over, also when the reader stops early', async () => {
    await writeSamples('h1', at('2026-12-04T10:00:00'), at('2026-12-04T10:10:00'), 1_000);
    const stats = { files: 0, rows: 0, skipped: 0 };
    const seen: TelemetryRow[] = [];
    for await (const row of readWindow({ dir, tz: TZ, start: 0, end: at('2027-01-01'), legacyHost: 'x', stats })) {
      seen.push(row);
      if (seen.length === 3) break;
    }
    expect(stats).toEqual({ files: 1, rows: 3, skipped: 0 });
  });

  it('reads the same rows in batches as row by row', async () => {
    const written = await writeSamples('h1', at('2026-12-04T10:00:00'), at('2026-12-04T14:00:00'), 2_000);
    const batched: TelemetryRow[] = [];
    for await (const batch of readWindowBatches({ dir, tz: TZ, start: 0, end: Date.now() * 2, legacyHost: 'x' })) batched.push(...batch);
    expect(batched).toEqual(written);
  });
});

describe('the old layout', () => {
  it('reads DD-MM-YYYY/data.csv with bare \\r line ends and offset-less times as the legacy host', async () => {
    await writeFile(
      '30-11-2026/data.csv',
      `${LEGACY_HEADER}\r2026-11-30T23:59:55,12,40,Ethernet,100,200\r2026-11-30T23:59:55,12,40,Wi-Fi,,7\r` +
        `2026-11-30T23:59:59.5+04:00,13,41,Ethernet,101,201\r`,
    );
    await writeFile('01-12-2026/data.csv', `${LEGACY_HEADER}\r2026-12-01T00:00:04.250000+04:00,14,42,Ethernet,102,202\r`);
    await writeFile('02-12-2026/data.csv', `${LEGACY_HEADER}\r2026-12-02 00:00:04,15,43,Ethernet,103,203\r`);
    const { rows, stats } = await readAll({ dir, tz: TZ, start: at('2026-11-30T23:59:55'), end: at('2026-12-01T00:00:05'), legacyHost: 'old-pc' });
    expect(rows).toEqual([
      { time: '2026-11-30T23:59:55.000+04:00', cpu_usage: 12, ram_free: 40, network_adapter: 'Ethernet', net_usage_up: 100, net_usage_down: 200, host: 'old-pc', elapsed_s: null },
      { time: '2026-11-30T23:59:55.000+04:00', cpu_usage: 12, ram_free: 40, network_adapter: 'Wi-Fi', net_usage_up: null, net_usage_down: 7, host: 'old-pc', elapsed_s: null },
      { time: '2026-11-30T23:59:59.500+04:00', cpu_usage: 13, ram_free: 41, network_adapter: 'Ethernet', net_usage_up: 101, net_usage_down: 201, host: 'old-pc', elapsed_s: null },
      { time: '2026-12-01T00:00:04.250+04:00', cpu_usage: 14, ram_free: 42, network_adapter: 'Ethernet', net_usage_up: 102, net_usage_down: 202, host: 'old-pc', elapsed_s: null },
    ]);
    expect(stats.skipped).toBe(0);
    // The old rows belong to the legacy host only.
    expect((await readAll({ dir, tz: TZ, start: 0, end: at('2027-01-01'), legacyHost: 'old-pc', host: 'other' })).rows).toEqual([]);
    expect((await readAll({ dir, tz: TZ, start: 0, end: at('2027-01-01'), legacyHost: 'old-pc', host: 'old-pc' })).rows).toHaveLength(5);
  });

  it('reads \\r\\n line ends too, and merges the old layout with the store in time order', async () => {
    await writeFile('04-12-2026/data.csv', `${LEGACY_HEADER}\r\n2026-12-04T10:00:01+04:00,1,2,eth0,3,4\r\n2026-12-04T10:00:03+04:00,1,2,eth0,3,4\r\n`);
    await writeSamples('pc', at('2026-12-04T10:00:00'), at('2026-12-04T10:00:05'), 2_000, ['eth0']);
    const { rows } = await readAll({ dir, tz: TZ, start: at('2026-12-04'), end: at('2026-12-05'), legacyHost: 'pc', host: 'pc' });
    expect(rows.map((r) => [r.time.slice(11, 19), r.elapsed_s === null ? 'old' : 'new'])).toEqual([
      ['10:00:00', 'new'], ['10:00:01', 'old'], ['10:00:02', 'new'], ['10:00:03', 'old'], ['10:00:04', 'new'],
    ]);
  });
});

describe('what cannot be read is skipped and counted, never thrown', () => {
  it('skips garbage lines, wrong column counts, bad times and numbers, a torn last line', async () => {
    const ok = (s: number) => `2026-12-04T10:00:0${s}.000+04:00,10,50,eth0,1,2,h1,1`;
    await writeFile(
      'h1/2026-12-04.csv',
      [HEADER, ok(1), 'garbage', '\u0000\u0001binary', ok(2), '2026-12-04T10:00:03.000+04:00,10,50,eth0,1,2', '2026-12-04T10:00:03.000+04:00,10,50,eth0,1,2,h1,1,extra',
        'not-a-time,10,50,eth0,1,2,h1,1', '2026-12-04T10:00:04.000+04:00,ten,50,eth0,1,2,h1,1', '2026-12-04T10:00:04.000+04:00,10,50,"broken,1,2,h1,1', '', ok(5),
        '2026-12-04T10:00:06.000+04:00,10,50,eth0,1'].join('\n'),
    );
    const { rows, stats } = await readAll({ dir, tz: TZ, start: at('2026-12-04'), end: at('2026-12-05'), legacyHost: 'x' });
    expect(rows.map((r) => r.time.slice(17, 19))).toEqual(['01', '02', '05']);
    expect(stats.skipped).toBe(8); // every bad line above but the empty one
  });

  it('skips a time in the store format with a bad digit anywhere, the last millisecond digit included', async () => {
    const line = (time: string) => `${time},10,50,eth0,1,2,h1,1`;
    await writeFile(
      'h1/2026-12-04.csv',
      [HEADER, line('2026-12-04T10:00:01.000+04:00'), line('2026-12-04T10:00:02.99x+04:00'), line('2026-12-04T10:00:03.9x9+04:00'),
        line('2026-12-04T10:0x:04.000+04:00'), line('2026-12-04T1x:00:05.000+04:00'), line('2026-12-04T10:00:06.000+04:00'), ''].join('\n'),
    );
    const { rows, stats } = await readAll({ dir, tz: TZ, start: at('2026-12-04'), end: at('2026-12-05'), legacyHost: 'x' });
    expect(rows.map((r) => r.time)).toEqual(['2026-12-04T10:00:01.000+04:00', '2026-12-04T10:00:06.000+04:00']);
    expect(stats.skipped).toBe(4);
  });

  it('reads a file without a header as data in its folder layout, skipping what does not parse', async () => {
    await writeFile('h1/2026-12-04.csv', `time,cpu_usa\n2026-12-04T10:00:01.000+04:00,10,50,eth0,1,2,h1,1\n2026-12-04T10:00:02.000+04:00,10,50,eth0,1,2\n`);
    await writeFile('05-12-2026/data.csv', '2026-12-05T10:00:01+04:00,1,2,eth0,3,4\r');
    const { rows, stats } = await readAll({ dir, tz: TZ, start: at('2026-12-04'), end: at('2026-12-06'), legacyHost: 'h1' });
    expect(rows.map((r) => r.time)).toEqual(['2026-12-04T10:00:01.000+04:00', '2026-12-05T10:00:01.000+04:00']);
    expect(stats.skipped).toBe(2); // the torn header, the 6-column line in an 8-column file
  });

  it('reads a folder where a day file should be as empty', async () => {
    await fs.mkdir(path.join(dir, 'h1', '2026-12-04.csv'), { recursive: true });
    await fs.mkdir(path.join(dir, '04-12-2026', 'data.csv'), { recursive: true });
    const { rows, stats } = await readAll({ dir, tz: TZ, start: at('2026-12-04'), end: at('2026-12-05'), legacyHost: 'x' });
    expect(rows).toEqual([]);
    expect(stats.skipped).toBe(0);
  });

  it('drops an over-long line without holding it, and reads on', async () => {
    await writeFile('h1/2026-12-04.csv', `${HEADER}\n${'x'.repeat(300_000)}\n2026-12-04T10:00:01.000+04:00,10,50,eth0,1,2,h1,1\n`);
    const { rows, stats } = await readAll({ dir, tz: TZ, start: at('2026-12-04'), end: at('2026-12-05'), legacyHost: 'x' });
    expect(rows).toHaveLength(1);
    expect(stats.skipped).toBeGreaterThanOrEqual(1);
  });

  it('refuses a bad window or host name with an error naming the field', async () => {
    const read = (opts: { start: number; end: number; host?: string }) => readAll({ dir, tz: TZ, legacyHost: 'x', ...opts });
    await expect(read({ start: 10, end: 5 })).rejects.toThrow(BadRequestError);
    await expect(read({ start: Number.NaN, end: 5 })).rejects.toMatchObject({ details: [{ field: 'start_time' }] });
    await expect(read({ start: 0, end: 1e300 })).rejects.toMatchObject({ details: [{ field: 'end_time' }] });
    await expect(read({ start: 0, end: 5, host: '../etc' })).rejects.toMatchObject({ details: [{ field: 'host' }] });
  });
});

describe('files named in another zone', () => {
  it('finds rows in a neighbouring day file written by a writer in another zone', async () => {
    // Written with TELEMETRY_TZ=UTC: 2026-12-04T21:00Z..23:00Z lands in 2026-12-04.csv, though
    // in Samara (the reader's zone) those times are on 2026-12-05.
    const written = await writeSamples('h1', Date.parse('2026-12-04T21:00:00Z'), Date.parse('2026-12-04T23:00:00Z'), 60_000, ['eth0'], 'UTC');
    expect(await fs.readdir(path.join(dir, 'h1'))).toEqual(['2026-12-04.csv']);
    const start = at('2026-12-05T01:30:00');
    const end = at('2026-12-05T02:30:00');
    const { rows } = await readAll({ dir, tz: TZ, start, end, legacyHost: 'x' });
    expect(rows).toEqual(written.filter((r) => Date.parse(r.time) >= start && Date.parse(r.time) <= end));
    expect(rows).toHaveLength(61);
  });
});

describe('open files', () => {
  it('closes every file, also those opened ahead, when the reader stops early', async () => {
    for (const day of ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05']) {
      await writeSamples('h1', at(`${day}T12:00:00`), at(`${day}T12:00:10`), 1_000);
    }
    const openDayFiles = async () => {
      const links = await Promise.all((await fs.readdir('/proc/self/fd')).map((fd) => fs.readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return links.filter((link) => link.startsWith(dir)).length;
    };
    let seen = 0;
    let openWhileReading = 0;
    for await (const row of readWindow({ dir, tz: TZ, start: at('2026-12-01'), end: at('2026-12-06'), legacyHost: 'x' })) {
      if (row && ++seen === 5) {
        openWhileReading = await openDayFiles();
        break;
      }
    }
    expect(openWhileReading).toBeGreaterThan(1); // the file being read and those opened ahead
    expect(await openDayFiles()).toBe(0);
  });
});

describe('filters and merging', () => {
  it('filters by interfaces and by host; all hosts merge in time order', async () => {
    const start = at('2026-12-04T10:00:00');
    const a = await writeSamples('alpha', start, start + 10_000, 2_000, ['eth0', 'wlan0']);
    const b = await writeSamples('beta', start + 1_000, start + 10_000, 2_000, ['eth0']);
    const c = await writeSamples('gamma', start, start + 10_000, 5_000, ['lo']);
    const window = { dir, tz: TZ, start, end: start + 60_000, legacyHost: 'x' };

    const all = (await readAll(window)).rows;
    expect(all).toHaveLength(a.length + b.length + c.length);
    const times = all.map(timeOf);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // Same time on two hosts: host name order, so the same window always reads the same.
    expect(all.slice(0, 3).map((r) => `${r.host}/${r.network_adapter}`)).toEqual(['alpha/eth0', 'alpha/wlan0', 'gamma/lo']);

    expect((await readAll({ ...window, host: 'beta' })).rows).toEqual(b);
    expect((await readAll({ ...window, interfaces: ['wlan0', 'lo'] })).rows.map((r) => r.network_adapter).sort()).toEqual(
      [...a.filter((r) => r.network_adapter === 'wlan0'), ...c].map((r) => r.network_adapter).sort(),
    );
    expect((await readAll({ ...window, host: 'alpha', interfaces: ['lo'] })).rows).toEqual([]);
  });

  it('gives no rows for a window with no files, or an empty or missing store', async () => {
    await writeSamples('h1', at('2026-12-04T10:00:00'), at('2026-12-04T10:01:00'), 10_000);
    expect((await readAll({ dir, tz: TZ, start: at('2026-06-01'), end: at('2026-06-02'), legacyHost: 'x' })).rows).toEqual([]);
    expect((await readAll({ dir, tz: TZ, start: at('2026-12-04T11:00:00'), end: at('2026-12-04T12:00:00'), legacyHost: 'x' })).rows).toEqual([]);
    expect((await readAll({ dir: path.join(dir, 'missing'), tz: TZ, start: 0, end: Date.now(), legacyHost: 'x' })).rows).toEqual([]);
  });

  it('reports progress per day file and opens only the days of the window, plus one on each side', async () => {
    for (const day of ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']) {
      await writeSamples('h1', at(`${day}T12:00:00`), at(`${day}T12:00:03`), 1_000, ['eth0']);
    }
    const progress: [number, number][] = [];
    const stats = { files: 0, rows: 0, skipped: 0 };
    const rows: TelemetryRow[] = [];
    for await (const row of readWindow({ dir, tz: TZ, start: at('2026-12-03T00:00:00'), end: at('2026-12-04T23:59:59'), legacyHost: 'x', stats, onDay: (d, t) => progress.push([d, t]) })) {
      rows.push(row);
    }
    expect(rows.map((r) => r.time.slice(0, 10))).toEqual(['2026-12-03', '2026-12-03', '2026-12-03', '2026-12-04', '2026-12-04', '2026-12-04']);
    expect(progress).toEqual([[0, 4], [1, 4], [2, 4], [3, 4], [4, 4]]);
    expect(stats).toEqual({ files: 4, rows: 6, skipped: 0 });
  });
});
