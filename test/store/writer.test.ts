import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.js';
import { StoreWriter } from '../../src/store/writer.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { TZ, readAll, sampleRows } from './rows.js';

const HEADER = 'time,cpu_usage,ram_free,network_adapter,net_usage_up,net_usage_down,host,elapsed_s';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('store-writer');
});
afterEach(async () => {
  await removeTempDir(dir);
});

const read = (...parts: string[]) => fs.readFile(path.join(dir, ...parts), 'utf8');

describe('StoreWriter', () => {
  it('writes the header once per file, one line per interface, empty for null', async () => {
    const t0 = Date.parse('2026-12-04T10:00:02Z');
    const writer = new StoreWriter({ dir, host: 'h1', tz: TZ });
    await writer.append(sampleRows(t0, 'h1'));
    await writer.close();
    const again = new StoreWriter({ dir, host: 'h1', tz: TZ });
    await again.append(sampleRows(t0 + 1000, 'h1'));
    await again.close();
    const lines = (await read('h1', '2026-12-04.csv')).split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines.filter((l) => l === HEADER)).toHaveLength(1);
    expect(lines).toHaveLength(6); // header, 2 samples × 2 interfaces, '' after the last '\n'
    expect(lines[1]).toBe(`2026-12-04T14:00:02.000+04:00,${(t0 / 1000) % 101},50,eth0,,${(t0 / 1000) * 100},h1,1.002`);
    expect(lines[5]).toBe('');
    // t0 is a multiple of 7 s, so its up rate is null: an empty field.
    expect((t0 / 1000) % 7).toBe(0);
    expect(lines[1]?.split(',')[4]).toBe('');
  });

  it('files each row by its own day in the zone, so a sample across midnight splits', async () => {
    const beforeMidnight = Date.parse('2026-12-04T19:59:59.900Z'); // 23:59:59.900 in Samara
    const writer = new StoreWriter({ dir, host: 'h1', tz: TZ });
    const rows = [...sampleRows(beforeMidnight, 'h1', ['eth0']), ...sampleRows(beforeMidnight + 200, 'h1', ['eth0'])];
    await writer.append(rows);
    await writer.close();
    expect((await read('h1', '2026-12-04.csv')).split('\n')[1]).toMatch(/^2026-12-04T23:59:59\.900\+04:00,/);
    expect((await read('h1', '2026-12-05.csv')).split('\n')[1]).toMatch(/^2026-12-05T00:00:00\.100\+04:00,/);
  });

  it('quotes fields that need it and reads them back', async () => {
    const writer = new StoreWriter({ dir, host: 'h1', tz: TZ });
    const t0 = Date.parse('2026-12-04T10:00:00Z');
    await writer.append(sampleRows(t0, 'h1', ['Ethernet 2, "main"', 'Беспроводная сеть']));
    await writer.close();
    expect(await read('h1', '2026-12-04.csv')).toContain(',"Ethernet 2, ""main""",');
    const { rows, stats } = await readAll({ dir, tz: TZ, start: t0, end: t0, legacyHost: 'x' });
    expect(rows.map((r) => r.network_adapter)).toEqual(['Ethernet 2, "main"', 'Беспроводная сеть']);
    expect(stats.skipped).toBe(0);
  });

  it('after a torn last line, starts on a fresh line and every whole row stays readable', async () => {
    const t0 = Date.parse('2026-12-04T10:00:00Z');
    const writer = new StoreWriter({ dir, host: 'h1', tz: TZ });
    await writer.append(sampleRows(t0, 'h1'));
    await writer.close();
    // A crash in the middle of a write: the last line cut inside a number ("…,<up>" torn to a prefix).
    const file = path.join(dir, 'h1', '2026-12-04.csv');
    const torn = sampleRows(t0 + 1000, 'h1', ['eth0'])[0];
    await fs.appendFile(file, `${torn?.time},1,50,eth0,12`);

    const { rows: beforeRestart, stats: tornStats } = await readAll({ dir, tz: TZ, start: t0, end: t0 + 10_000, legacyHost: 'x' });
    expect(beforeRestart).toHaveLength(2);
    expect(tornStats.skipped).toBe(1);

    const restarted = new StoreWriter({ dir, host: 'h1', tz: TZ });
    await restarted.append(sampleRows(t0 + 2000, 'h1'));
    await restarted.append(sampleRows(t0 + 3000, 'h1'));
    await restarted.close();
    const { rows, stats } = await readAll({ dir, tz: TZ, start: t0, end: t0 + 10_000, legacyHost: 'x' });
    expect(rows.map((r) => [r.time.slice(11, 19), r.network_adapter])).toEqual([
      ['14:00:00', 'eth0'], ['14:00:00', 'wlan0'], ['14:00:02', 'eth0'], ['14:00:02', 'wlan0'], ['14:00:03', 'eth0'], ['14:00:03', 'wlan0'],
    ]);
    expect(rows[2]).toEqual(sampleRows(t0 + 2000, 'h1')[0]);
    expect(stats.skipped).toBe(1); // the torn line, never read as a row with up = 12
    expect((await read('h1', '2026-12-04.csv')).split('\n').filter((l) => l.startsWith('time,'))).toHaveLength(1);
  });

  it('keeps concurrent appends whole and in call order', async () => {
    const t0 = Date.parse('2026-12-04T10:00:00Z');
    const writer = new StoreWriter({ dir, host: 'h1', tz: TZ });
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer.append(sampleRows(t0 + i * 1000, 'h1'))));
    await writer.close();
    const { rows, stats } = await readAll({ dir, tz: TZ, start: t0, end: t0 + 60_000, legacyHost: 'x' });
    expect(rows).toHaveLength(100);
    expect(rows).toEqual(Array.from({ length: 50 }, (_, i) => sampleRows(t0 + i * 1000, 'h1')).flat());
    expect(stats.skipped).toBe(0);
  });

  it('refuses bad rows and bad host names without writing anything', async () => {
    expect(() => new StoreWriter({ dir, host: '../escape', tz: TZ })).toThrow(BadRequestError);
    const writer = new StoreWriter({ dir, host: 'h1', tz: TZ });
    const good = sampleRows(Date.parse('2026-12-04T10:00:00Z'), 'h1', ['eth0']);
    await expect(writer.append([...good, { ...good[0]!, time: 'yesterday' }])).rejects.toThrow(/time/);
    await expect(writer.append([...good, { ...good[0]!, host: 'h2' }])).rejects.toThrow(/host/);
    await writer.close();
    await expect(fs.readdir(path.join(dir, 'h1'))).rejects.toThrow();
    await expect(writer.append(good)).rejects.toThrow(/close/);
  });
});
