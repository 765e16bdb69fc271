/** Reads a host's day files straight off the disk, to check what the collector wrote byte for byte. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { STORE_COLUMNS } from '../../src/store/row.js';

export interface DayFileContent {
  file: string;
  text: string;
  rows: Record<string, string>[];
}

/** Every `<dir>/<host>/*.csv`, in name order, split into rows keyed by the header. */
export function readDayFiles(dir: string, host: string): DayFileContent[] {
  const hostDir = path.join(dir, host);
  return readdirSync(hostDir)
    .filter((name) => name.endsWith('.csv'))
    .sort()
    .map((name) => {
      const file = path.join(hostDir, name);
      const text = readFileSync(file, 'utf8');
      const [header, ...lines] = text.split('\n');
      if (header !== STORE_COLUMNS.join(',')) throw new Error(`${file}: unexpected header ${JSON.stringify(header)}`);
      const rows = lines
        .filter((line) => line !== '')
        .map((line) => Object.fromEntries(line.split(',').map((value, i) => [STORE_COLUMNS[i] ?? `extra${i}`, value])));
      return { file, text, rows };
    });
}

/** A file is well formed when it has the header, ends with a line end, and every line has every column. */
export function isWellFormed(content: DayFileContent): boolean {
  return (
    content.text.endsWith('\n') &&
    content.rows.every((row) => Object.keys(row).length === STORE_COLUMNS.length && /^\d{4}-\d\d-\d\dT/.test(row.time ?? ''))
  );
}
