/**
 * Where the store keeps its files, and which files a time window needs: decided from names alone.
 *
 * New layout: `<dir>/<host>/<YYYY-MM-DD>.csv`, the day in TELEMETRY_TZ, so names sort in time order.
 * Old tool's layout: `<dir>/<DD-MM-YYYY>/data.csv`, the day in the old tool's zone (its container
 * ran with TZ=Europe/Samara, which is also TELEMETRY_TZ's default), no host column.
 */
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { HOST_NAME_PATTERN } from '../../env/default_env.js';
import { BadRequestError } from '../errors.js';
import { dayKey, nextDay, previousDay } from './time.js';

const DAY_FILE_NAME = /^(\d{4}-\d{2}-\d{2})\.csv$/;
const LEGACY_FOLDER_NAME = /^(\d{2})-(\d{2})-(\d{4})$/;
const DAY_KEY = /^\d{4}-\d{2}-\d{2}$/;

/** Which layout a day file is in: decides the columns expected when its header is missing. */
export type DayFileLayout = 'store' | 'legacy';

export interface DayFile {
  /** `YYYY-MM-DD`, the day the file's name says. */
  day: string;
  path: string;
  layout: DayFileLayout;
  /** The host of the folder; for the old layout, undefined (rows belong to the legacy host). */
  host: string | undefined;
}

/**
 * True when `host` can name a folder of the store: the safe alphabet of HOST_NAME_PATTERN, and
 * not shaped like an old-layout day folder (`DD-MM-YYYY`), which would be read as one.
 */
export function isStoreHostName(host: string): boolean {
  return HOST_NAME_PATTERN.test(host) && !LEGACY_FOLDER_NAME.test(host) && host !== '.' && host !== '..';
}

/** Throws a 400 naming the field `host` unless `host` can name a folder of the store. */
export function assertStoreHostName(host: string): void {
  if (!isStoreHostName(host)) {
    const message = `host ${JSON.stringify(host)} is not a valid host name: expected letters, digits, dot, dash or underscore (at most 128), not a DD-MM-YYYY date`;
    throw new BadRequestError(message, [{ field: 'host', message }]);
  }
}

function assertDayKey(day: string): void {
  if (!DAY_KEY.test(day)) throw new RangeError(`day ${JSON.stringify(day)} is not YYYY-MM-DD`);
}

/** `<dir>/<host>/<YYYY-MM-DD>.csv`; throws for a host name that could leave `dir`. */
export function dayFilePath(dir: string, host: string, day: string): string {
  assertStoreHostName(host);
  assertDayKey(day);
  return path.join(dir, host, `${day}.csv`);
}

/** The old tool's `<dir>/<DD-MM-YYYY>/data.csv` for `day` (`YYYY-MM-DD`). */
export function legacyDayFilePath(dir: string, day: string): string {
  assertDayKey(day);
  return path.join(dir, `${day.slice(8, 10)}-${day.slice(5, 7)}-${day.slice(0, 4)}`, 'data.csv');
}

/**
 * The day range whose files can hold rows of [start, end]: the days of `start` and `end` in `tz`,
 * widened by `marginDays` on each side (see readWindow for when that is needed).
 */
export function windowDayRange(start: number, end: number, tz: string, marginDays = 0): { first: string; last: string } {
  let first = dayKey(start, tz);
  let last = dayKey(end, tz);
  for (let i = 0; i < marginDays; i++) {
    first = previousDay(first);
    last = nextDay(last);
  }
  return { first, last };
}

/** The entries of `dir`; none when it does not exist (an empty store, a host with no files yet). */
async function readDirEntries(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

/** The day files of `host` whose day is in [first, last] (`YYYY-MM-DD`), oldest first. */
export async function listHostDayFiles(dir: string, host: string, first: string, last: string): Promise<DayFile[]> {
  assertStoreHostName(host);
  const files: DayFile[] = [];
  for (const entry of await readDirEntries(path.join(dir, host))) {
    const day = DAY_FILE_NAME.exec(entry.name)?.[1];
    if (day !== undefined && day >= first && day <= last && !entry.isDirectory()) {
      files.push({ day, path: path.join(dir, host, entry.name), layout: 'store', host });
    }
  }
  return files.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** The old layout's day files whose day is in [first, last] (`YYYY-MM-DD`), oldest first. */
export async function listLegacyDayFiles(dir: string, first: string, last: string): Promise<DayFile[]> {
  const files: DayFile[] = [];
  for (const entry of await readDirEntries(dir)) {
    const match = LEGACY_FOLDER_NAME.exec(entry.name);
    if (match === null) continue;
    const day = `${match[3]}-${match[2]}-${match[1]}`;
    if (day >= first && day <= last) files.push({ day, path: path.join(dir, entry.name, 'data.csv'), layout: 'legacy', host: undefined });
  }
  return files.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** True when `target` (a symlink, say a host folder mounted from elsewhere) leads to a folder. */
async function isFolder(target: string): Promise<boolean> {
  try {
    return (await fs.stat(target)).isDirectory();
  } catch {
    return false;
  }
}

/** The hosts that have a folder in the store, sorted (old-layout day folders are not hosts). */
export async function listHosts(dir: string): Promise<string[]> {
  const entries = await readDirEntries(dir);
  const hosts: string[] = [];
  for (const entry of entries) {
    if (!isStoreHostName(entry.name)) continue;
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await isFolder(path.join(dir, entry.name))))) hosts.push(entry.name);
  }
  return hosts.sort();
}
