import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.js';
import { dayFilePath, legacyDayFilePath, listHostDayFiles, listHosts, listLegacyDayFiles, windowDayRange } from '../../src/store/paths.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('store-paths');
});
afterEach(async () => {
  await removeTempDir(dir);
});

async function touch(...parts: string[]): Promise<void> {
  const file = path.join(dir, ...parts);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, '');
}

describe('day file paths', () => {
  it('names day files by host and day, and the old layout by DD-MM-YYYY', () => {
    expect(dayFilePath(dir, 'host-1', '2026-12-04')).toBe(path.join(dir, 'host-1', '2026-12-04.csv'));
    expect(legacyDayFilePath(dir, '2026-12-04')).toBe(path.join(dir, '04-12-2026', 'data.csv'));
  });

  it('refuses host names that could leave the store or pass for an old day folder', () => {
    for (const host of ['..', '.', '../etc', 'a/b', 'a\\b', '', '-x', '04-12-2026', 'x'.repeat(129), 'a b']) {
      expect(() => dayFilePath(dir, host, '2026-12-04'), host).toThrow(BadRequestError);
    }
    expect(() => dayFilePath(dir, 'h', '2026-12-04/../../x')).toThrow(RangeError);
  });
});

describe('day files of a window', () => {
  it('lists the days of a window in the zone, across midnight and month ends, oldest first', async () => {
    for (const day of ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03']) await touch('h1', `${day}.csv`);
    await touch('h1', 'notes.txt');
    await touch('h1', '2026-12-01.csv.part');
    // 2026-11-30 22:00 to 2026-12-01 01:00 in Samara (+04:00), given in UTC.
    const range = windowDayRange(Date.parse('2026-11-30T18:00:00Z'), Date.parse('2026-11-30T21:00:00Z'), 'Europe/Samara');
    expect(range).toEqual({ first: '2026-11-30', last: '2026-12-01' });
    const files = await listHostDayFiles(dir, 'h1', range.first, range.last);
    expect(files.map((f) => f.day)).toEqual(['2026-11-30', '2026-12-01']);
    expect(files[0]).toMatchObject({ layout: 'store', host: 'h1', path: path.join(dir, 'h1', '2026-11-30.csv') });
    const wide = windowDayRange(Date.parse('2026-11-30T18:00:00Z'), Date.parse('2026-11-30T21:00:00Z'), 'Europe/Samara', 1);
    expect(wide).toEqual({ first: '2026-11-29', last: '2026-12-02' });
  });

  it('lists old-layout folders by the date they name, not by their name order', async () => {
    for (const day of ['30-11-2026', '01-12-2026', '31-12-2025', '02-12-2026']) await touch(day, 'data.csv');
    const files = await listLegacyDayFiles(dir, '2026-11-30', '2026-12-01');
    expect(files.map((f) => f.path)).toEqual([path.join(dir, '30-11-2026', 'data.csv'), path.join(dir, '01-12-2026', 'data.csv')]);
    expect(files.every((f) => f.layout === 'legacy' && f.host === undefined)).toBe(true);
  });

  it('lists hosts: folders with a valid name that are not old day folders', async () => {
    await touch('beta', '2026-12-01.csv');
    await touch('alpha', '2026-12-01.csv');
    await touch('01-12-2026', 'data.csv');
    await touch('stray.csv');
    await fs.mkdir(path.join(dir, '..', `${path.basename(dir)}-mounted`), { recursive: true });
    await fs.symlink(path.join(dir, '..', `${path.basename(dir)}-mounted`), path.join(dir, 'gamma'));
    await fs.symlink(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    expect(await listHosts(dir)).toEqual(['alpha', 'beta', 'gamma']);
    await fs.rm(path.join(dir, '..', `${path.basename(dir)}-mounted`), { recursive: true });
    expect(await listHosts(path.join(dir, 'missing'))).toEqual([]);
    expect(await listHostDayFiles(dir, 'nobody', '2026-01-01', '2027-01-01')).toEqual([]);
  });
});
