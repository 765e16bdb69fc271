/**
 * One CSV line of the store and back, by hand: a row is eight short fields, and a general CSV
 * library costs more per row than the whole rest of the read.
 */
import { LEGACY_COLUMNS, STORE_COLUMNS, type TelemetryRow } from './row.js';

/** The store's header line, without its line end. */
export const STORE_HEADER = STORE_COLUMNS.join(',');

/** The old tool's header line (`DD-MM-YYYY/data.csv`), without its line end. */
export const LEGACY_HEADER = LEGACY_COLUMNS.join(',');

function needsQuotes(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return true; // , " \n \r
  }
  return false;
}

/** A text field, quoted (with doubled quotes) only when it holds a comma, quote or line end. */
export function csvText(value: string): string {
  return needsQuotes(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A number field: empty for null and for anything not finite, which must never reach a file. */
export function csvNumber(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '' : String(value);
}

/** The row as one line of the store's columns, ended by '\n'. */
export function formatRowLine(row: TelemetryRow): string {
  return (
    `${csvText(row.time)},${csvNumber(row.cpu_usage)},${csvNumber(row.ram_free)},${csvText(row.network_adapter)},` +
    `${csvNumber(row.net_usage_up)},${csvNumber(row.net_usage_down)},${csvText(row.host)},${csvNumber(row.elapsed_s)}\n`
  );
}

/**
 * The fields of one line (no line end). Fast path: no quote, a plain split. Quoted fields follow
 * RFC 4180; a line with a broken quote gives null.
 */
export function splitCsvLine(line: string): string[] | null {
  if (line.indexOf('"') === -1) return line.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote === -1) return null;
        value += line.slice(from, quote);
        if (line.charCodeAt(quote + 1) === 34) {
          value += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line.charCodeAt(i) !== 44) return null;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      const value = line.slice(i, end);
      if (value.indexOf('"') !== -1) return null;
      fields.push(value);
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}
