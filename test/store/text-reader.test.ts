/**
 * The text path (readWindowText, lines copied through) against the row path (readWindowBatches
 * encoded by the export's encoder): same bytes, stats and progress, over a store with every kind
 * of line the reader meets.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalLineAdapterAt } from '../../src/store/canonical-line.js';
import { formatRowLine, STORE_HEADER, LEGACY_HEADER } from '../../src/store/csv-line.js';
import { readWindowBatches, type ReadStats, type ReadWindowOptions } from '../../src/store/reader.js';
import type { TelemetryRow } from '../../src/store/row.js';
import { readWindowText } from '../../src/store/text-reader.js';
import { formatInstant, parseInstant } from '../../src/store/time.js';
import { TORN_LINE_END } from '../../src/store/writer.js';
import { createRowEncoder } from '../../workers/export-csv.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';

type Window = Omit<ReadWindowOptions, 'stats' | 'onDay'>;

interface Read {
  text: string;
  stats: ReadStats;
  progress: string[];
}

async function byRows(opts: Window): Promise<Read> {
  const stats: ReadStats = { files: 0, rows: 0, skipped: 0 };
  const progress: string[] = [];
  const encode = createRowEncoder();
  const chunks: string[] = [];
  for await (const rows of readWindowBatches({ ...opts, stats, onDay: (d, t) => progress.push(`${d}/${t}`) })) chunks.push(encode(rows));
  return { text: chunks.join(''), stats, progress };
}

async function byText(opts: Window): Promise<Read> {
  const stats: ReadStats = { files: 0, rows: 0, skipped: 0 };
  const progress: string[] = [];
  const chunks: string[] = [];
  for await (const chunk of readWindowText({ ...opts, encode: createRowEncoder(), stats, onDay: (d, t) => progress.push(`${d}/${t}`) })) chunks.push(chunk);
  expect(chunks.every((chunk) => chunk.endsWith('\n')), 'every chunk is whole lines').toBe(true);
  return { text: chunks.join(''), stats, progress };
}

/** Both paths over `window`: identical results; returns them for further checks. */
async function expectSame(window: Window, label: string): Promise<Read> {
  const [rows, text] = [await byRows(window), await byText(window)];
  expect(text.text, label).toBe(rows.text);
  expect(text.stats, label).toEqual(rows.stats);
  expect(text.progress, label).toEqual(rows.progress);
  return text;
}

let seed = 12_345;
function random(): number {
  seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
  return seed / 4_294_967_296;
}

const INTERFACES = ['eth0', 'wlan0', 'vEthernet (WSL, "lab")'];

/**
 * Lines the store's writer would write: one sample every `stepMs` from `from` to `to` (exclusive),
 * values rounded as the sampler rounds them, with a few it never writes (long fractions, tiny ones).
 */
function writerLines(host: string, from: number, to: number, stepMs: number, tz: string): Map<string, string> {
  const byDay = new Map<string, string[]>();
  for (let t = from; t < to; t += stepMs) {
    const time = formatInstant(t, tz);
    const day = time.slice(0, 10);
    const lines = byDay.get(day) ?? [];
    INTERFACES.forEach((name, i) => {
      const row: TelemetryRow = {
        time,
        cpu_usage: random() < 0.05 ? null : Math.round(random() * 1000) / 10,
        ram_free: random() < 0.02 ? 0.1 + 0.2 : Math.round(random() * 100),
        network_adapter: name,
        net_usage_up: random() < 0.1 ? null : Math.round(random() * 2e6) + i,
        net_usage_down: random() < 0.01 ? 1e-7 : random() < 0.02 ? random() * 1e6 : Math.round(random() * 2e7),
        host,
        elapsed_s: random() < 0.01 ? null : +(stepMs / 1000 + random() / 100).toFixed(3),
      };
      lines.push(formatRowLine(row));
    });
    byDay.set(day, lines);
  }
  return new Map([...byDay].map(([day, lines]) => [day, lines.join('')]));
}

async function writeFile(dir: string, relative: string, text: string): Promise<void> {
  const file = path.join(dir, relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.appendFile(file, text);
}

async function writeHost(dir: string, host: string, from: number, to: number, stepMs: number, tz: string): Promise<void> {
  for (const [day, lines] of writerLines(host, from, to, stepMs, tz)) await writeFile(dir, `${host}/${day}.csv`, `${STORE_HEADER}\n${lines}`);
}

/** Number fields the reader normalises or rejects, beside canonical ones. */
const ODD_NUMBERS = ['12.50', '007', '-0', '-0.5', '1e3', '0.0000001', '0.000001', ' 5', '5 ', '12345678901234567', '123456789012345', '0x10', '.5', '5.', '-', '+5', 'Infinity', 'NaN', '1_000', '0.30000000000000004', '-12', '0', '0.0', '99.9'];

const TZ = 'Europe/Samara';
const at = (iso: string) => parseInstant(iso, TZ) as number;

describe('readWindowText gives the bytes the row path gives', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('store-text');
    // Two hosts sampling across a midnight, one with the same times as the other for a while (ties).
    await writeHost(dir, 'h1', at('2026-12-04T20:00:00'), at('2026-12-05T02:00:00'), 7_000, TZ);
    await writeHost(dir, 'h2', at('2026-12-04T23:00:00'), at('2026-12-05T00:00:00'), 7_000, TZ);
    await writeHost(dir, 'h2', at('2026-12-05T00:00:03'), at('2026-12-05T01:00:00'), 5_000, TZ);
    // A third host whose files hold every odd line there is.
    const t = (hms: string, ms = '000', offset = '+04:00') => `2026-12-04T${hms}.${ms}${offset}`;
    const odd: string[] = [];
    ODD_NUMBERS.forEach((n, i) => {
      const time = t(`23:1${i % 10}:${String(i).padStart(2, '0')}`);
      odd.push(`${time},${n},50,eth0,1,2,h3,1`, `${time},10,50,eth0,${n},2,h3,1`, `${time},10,50,wlan0,1,2,h3,${n}`);
    });
    odd.push(
      '2026-12-04T23:20:00.000+00:00,1,2,eth0,3,4,h3,1', // the store's format in another offset: 03:20 in Samara
      '2026-12-04T19:21:00Z,1,2,eth0,3,4,h3,1', // Z: rewritten as +04:00
      '2026-12-04 23:22:00,1,2,eth0,3,4,h3,1', // no offset: read in the zone
      '2026-12-04T23:23:00.5+04:00,1,2,eth0,3,4,h3,1', // short fraction
      '2026-12-04T23:24:00.99x+04:00,1,2,eth0,3,4,h3,1', // a bad millisecond digit
      '2026-12-04T23:25:00.9,9+04:00,1,2,eth0,3,4,h3,1', // a comma inside a time-shaped field
      '2026-12-04T23:26:00.000+04:00,1,2,"eth0",3,4,h3,1', // quoted, needlessly
      '2026-12-04T23:26:00.000+04:00,1,2,"vEthernet (WSL, ""lab"")",3,4,"h3",1', // quoted, needed
      '2026-12-04T23:26:00.000+04:00,1,2,"broken,3,4,h3,1', // a broken quote
      '2026-12-04T23:27:00.000+04:00,1,2,eth0,3,4,h3', // seven columns
      '2026-12-04T23:27:00.000+04:00,1,2,eth0,3,4,h3,1,9', // nine
      '2026-12-04T23:28:00.000+04:00,1,2,,3,4,,1', // empty names
      '2026-12-04T23:28:00.000+04:00,,,eth0,,,h3,', // all null
      'garbage',
      '',
      '2026-12-04T23:29:00.000+04:00,1,2,eth0,3,4,h3,1\r', // a CRLF line
      '2026-12-04T23:05:00.000+04:00,1,2,eth0,3,4,h3,1', // out of order (a clock stepped back)
      '2026-12-04T23:30:00.000+04:00,1,2,eth0,3,4,h3,1,to', // a torn line, ended by the writer
    );
    await writeFile(dir, 'h3/2026-12-04.csv', `${STORE_HEADER}\n${odd.join('\n')}${TORN_LINE_END}2026-12-04T23:31:00.000+04:00,1,2,eth0,3,4,h3,1\n2026-12-04T23:32:00.000+04:00,1,2,et`);
    // No header: read as data in the store's columns.
    await writeFile(dir, 'h3/2026-12-05.csv', '2026-12-05T00:00:01.000+04:00,1,2,eth0,3,4,h3,1\n2026-12-05T00:00:02.000+04:00,1,2,eth0,3,4,h3,1\n');
    // The old layout: bare \r, offset-less and microsecond times, no host column (rows of h1).
    const legacy = [LEGACY_HEADER, '2026-12-04 23:30:00,12,40,Ethernet,100,200', '2026-12-04T23:59:59.123456,13,41,Wi-Fi,,7', '2026-12-04T23:59:59.5+04:00,1.50,2,eth0,3,4', 'junk,1'];
    await writeFile(dir, '04-12-2026/data.csv', `${legacy.join('\r')}\r`);
    await writeFile(dir, '05-12-2026/data.csv', `${LEGACY_HEADER}\r2026-12-05 00:00:07,14,42,eth0,102,202\r`);
  });
  afterAll(async () => {
    await removeTempDir(dir);
  });

  const windows: [string, string, string][] = [
    ['everything', '2026-12-01T00:00:00', '2026-12-09T00:00:00'],
    ['inside a day', '2026-12-04T23:10:00', '2026-12-04T23:40:00.5'],
    ['across midnight', '2026-12-04T23:50:00', '2026-12-05T00:10:00'],
    ['edges on rows', '2026-12-04T23:00:07', '2026-12-05T00:00:08'],
    ['one instant', '2026-12-05T00:00:03', '2026-12-05T00:00:03'],
    ['nothing stored', '2026-11-01T00:00:00', '2026-11-02T00:00:00'],
  ];
  const filters: Pick<Window, 'host' | 'interfaces'>[] = [
    {},
    { host: 'h1' },
    { host: 'h2' },
    { host: 'h3' },
    { interfaces: ['eth0'] },
    { interfaces: ['vEthernet (WSL, "lab")', 'wlan0'] },
    { host: 'h1', interfaces: ['Ethernet', 'eth0'] },
    { interfaces: [] },
  ];

  it.each(windows)('%s: every host and interface filter', async (label, from, to) => {
    for (const filter of filters) {
      await expectSame({ dir, tz: TZ, start: at(from), end: at(to), legacyHost: 'h1', ...filter }, `${label} ${JSON.stringify(filter)}`);
    }
  });

  it('covers what it means to: odd lines re-encoded, skipped lines counted, hosts merged', async () => {
    const all = await expectSame({ dir, tz: TZ, start: at('2026-12-01'), end: at('2026-12-09'), legacyHost: 'h1' }, 'all');
    expect(all.stats.skipped).toBeGreaterThan(20);
    expect(all.text).toContain('2026-12-04T23:30:00.000+04:00,12,40,Ethernet,100,200,h1,\n'); // old layout, re-encoded
    expect(all.text).toContain(',12.5,50,eth0,1,2,h3,1\n'); // a number normalised
    expect(all.text).toContain(',"vEthernet (WSL, ""lab"")",3,4,h3,1\n'); // quotes as the encoder writes them
    expect(all.text).toContain('2026-12-04T23:21:00.000+04:00,1,2,eth0,3,4,h3,1\n'); // Z rewritten
    const hosts = all.text.split('\n').slice(0, -1).map((line) => line.split(',').at(-2));
    expect(new Set(hosts)).toEqual(new Set(['h1', 'h2', 'h3', ''])); // '': the line with empty names
  });

  it('stops early without leaving files open', async () => {
    const openFiles = async () => {
      const links = await Promise.all((await fs.readdir('/proc/self/fd')).map((fd) => fs.readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return links.filter((link) => link.startsWith(dir)).length;
    };
    const reader = readWindowText({ dir, tz: TZ, start: at('2026-12-01'), end: at('2026-12-09'), legacyHost: 'h1', encode: createRowEncoder() });
    expect((await reader.next()).done).toBe(false);
    expect(await openFiles()).toBeGreaterThan(0);
    await reader.return(undefined);
    expect(await openFiles()).toBe(0);
  });
});

describe('readWindowText over large files and time zones', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('store-text-large');
  });
  afterAll(async () => {
    await removeTempDir(dir);
  });

  it('is exact over files several read blocks long, alone and merged', async () => {
    // 2 and 1.3 MB: several 512 KB read blocks, batches that end mid-merge.
    await writeHost(dir, 'big1', at('2026-12-04T00:00:00'), at('2026-12-05T00:00:00'), 10_000, TZ);
    await writeHost(dir, 'big2', at('2026-12-04T00:00:01'), at('2026-12-04T23:00:00'), 15_000, TZ);
    for (const window of [
      { start: at('2026-12-04T00:00:00'), end: at('2026-12-04T23:59:59.999') },
      { start: at('2026-12-04T07:13:01'), end: at('2026-12-04T19:00:00') },
    ]) {
      for (const host of [undefined, 'big1']) {
        const read = await expectSame({ dir, tz: TZ, legacyHost: 'x', host, ...window }, `${host} ${JSON.stringify(window)}`);
        expect(read.stats.rows).toBeGreaterThan(10_000);
        expect(read.text.length).toBeGreaterThan(900 * 1024); // more than one 512 KB read block
      }
    }
  });

  it('is exact across a DST change and for lines in another offset than the zone', async () => {
    // Berlin falls back at 2026-10-25T01:00Z: 02:00-03:00 local twice, +02:00 then +01:00. A
    // second host writes the store's format in UTC (+00:00), in files named by UTC days.
    const berlin = 'Europe/Berlin';
    await writeHost(dir, 'berlin', Date.parse('2026-10-24T21:00:00Z'), Date.parse('2026-10-25T05:00:00Z'), 4_000, berlin);
    await writeHost(dir, 'utc', Date.parse('2026-10-24T21:00:02Z'), Date.parse('2026-10-25T05:00:00Z'), 6_000, 'UTC');
    for (const [from, to] of [
      ['2026-10-25T00:40:00Z', '2026-10-25T01:20:00Z'],
      ['2026-10-25T01:05:00Z', '2026-10-25T01:06:00Z'],
      ['2026-10-24T22:00:00Z', '2026-10-24T22:00:02Z'],
      ['2026-10-24T21:59:58Z', '2026-10-25T03:00:00Z'],
    ] as const) {
      const start = Date.parse(from);
      const end = Date.parse(to);
      const read = await expectSame({ dir, tz: berlin, start, end, legacyHost: 'x', host: undefined }, `${from} .. ${to}`);
      const lines = read.text.split('\n').slice(0, -1);
      const times = lines.map((line) => Date.parse(line.slice(0, 29)));
      expect(times.length).toBeGreaterThan(0);
      expect(times.every((t) => t >= start && t <= end), 'every line in the window by its instant').toBe(true);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(lines.some((line) => line.slice(23, 29) === '+00:00') && lines.some((line) => line.slice(23, 29) !== '+00:00')).toBe(true);
    }
  });
});

describe('canonical lines', () => {
  it('takes the lines the store writer writes as canonical, so they are copied', () => {
    const lines = writerLines('host-1', at('2026-12-04T10:00:00'), at('2026-12-04T11:00:00'), 1_000, TZ).get('2026-12-04') as string;
    let copied = 0;
    let total = 0;
    for (let from = 0; from < lines.length; ) {
      const to = lines.indexOf('\n', from);
      const adapterAt = canonicalLineAdapterAt(lines, from, to);
      total++;
      if (adapterAt !== -1) {
        copied++;
        expect(lines.slice(adapterAt, lines.indexOf(',', adapterAt))).toMatch(/^(eth0|wlan0)$/);
      }
      from = to + 1;
    }
    // Not copied: the quoted interface name, and the odd number with more than 15 digits or below 1e-6.
    expect(copied / total).toBeGreaterThan(0.6);
    expect(total).toBe(3600 * 3);
  });

  it('gives the row path\'s bytes for thousands of random number fields', async () => {
    const dir = await makeTempDir('store-text-numbers');
    try {
      const pieces = ['0', '1', '9', '00', '05', '10', '.', '-', 'e', '+', ' ', '0000000', '123456789'];
      const field = () => {
        if (random() < 0.3) return String(random() < 0.5 ? random() * 10 ** Math.floor(random() * 25 - 10) : Math.round(random() * 1e6) / 10 ** Math.floor(random() * 8));
        let text = '';
        for (let n = 1 + Math.floor(random() * 5); n > 0; n--) text += pieces[Math.floor(random() * pieces.length)];
        return text;
      };
      const lines: string[] = [STORE_HEADER];
      for (let i = 0; i < 3000; i++) {
        const time = formatInstant(at('2026-12-04T10:00:00') + i * 1000, TZ);
        lines.push(`${time},${field()},${field()},eth0,${field()},${field()},h1,${field()}`);
      }
      await writeFile(dir, 'h1/2026-12-04.csv', `${lines.join('\n')}\n`);
      const read = await expectSame({ dir, tz: TZ, start: at('2026-12-04'), end: at('2026-12-05'), legacyHost: 'x' }, 'numbers');
      expect(read.stats.rows).toBeGreaterThan(300);
      expect(read.stats.skipped).toBeGreaterThan(300);
    } finally {
      await removeTempDir(dir);
    }
  });
});
