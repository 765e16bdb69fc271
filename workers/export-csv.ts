/**
 * The CSV text of exported rows, as csv-stringify writes it, at a fraction of its cost.
 *
 * Calling csv-stringify for every row, even in batches of a thousand, costs more than reading
 * the store and deflating together (bench/export.ts measures both: about 4× slower per row than
 * this), which would put the export far over its time target. Yet the only fields that can ever
 * need CSV quoting are the two text columns, interface and host, and a store has a handful of
 * those. So csv-stringify encodes each distinct text value once (memoised), and lines are
 * assembled around them: numbers are written as csv-stringify casts them (`'' + value`, null as
 * empty) and times need no quoting (the reader only yields times it parsed as ISO 8601: digits,
 * `-:.+TZ` and space). test/workers/export-csv.test.ts checks the output is byte for byte what
 * csv-stringify gives for the same records.
 */
import { stringify } from 'csv-stringify/sync';
import { STORE_COLUMNS, type TelemetryRow } from '../src/store/row.js';

/** Enough for any real store's interfaces and hosts; past it values are encoded uncached. */
const MAX_CACHED_TEXTS = 10_000;

export type RowEncoder = (rows: readonly TelemetryRow[]) => string;

/** The header line of an export: the store's columns. */
export function csvHeader(): string {
  return stringify([STORE_COLUMNS as unknown as string[]]);
}

/** The record csv-stringify is given for a row (what the fast encoder must match). */
export function rowRecord(row: TelemetryRow): unknown[] {
  return [row.time, row.cpu_usage, row.ram_free, row.network_adapter, row.net_usage_up, row.net_usage_down, row.host, row.elapsed_s];
}

/** Encodes rows by calling csv-stringify on every record (the reference; slow). */
export const stringifyRows: RowEncoder = (rows) => stringify(rows.map(rowRecord));

/** A fast encoder with its own cache of csv-stringify-encoded text values. */
export function createRowEncoder(): RowEncoder {
  const texts = new Map<string, string>();
  const text = (value: string): string => {
    let encoded = texts.get(value);
    if (encoded === undefined) {
      encoded = stringify([[value]]).slice(0, -1);
      if (texts.size < MAX_CACHED_TEXTS) texts.set(value, encoded);
    }
    return encoded;
  };
  const num = (value: number | null): string => (value === null || value === undefined ? '' : '' + value);
  return (rows) => {
    let out = '';
    for (const row of rows) {
      out +=
        `${row.time},${num(row.cpu_usage)},${num(row.ram_free)},${text(row.network_adapter)},` +
        `${num(row.net_usage_up)},${num(row.net_usage_down)},${text(row.host)},${num(row.elapsed_s)}\n`;
    }
    return out;
  };
}

/** Rows per chunk of encoded text: large enough for a cheap encoder call, small enough to overlap with deflate. */
export const BATCH_ROWS = 1000;

/**
 * The CSV lines of row batches as the export writes them (no header), in chunks of about
 * BATCH_ROWS rows: the row path, for readers that give rows (readWindowText gives the same text
 * without making rows).
 */
export async function* encodeRowBatches(batches: AsyncIterable<readonly TelemetryRow[]>, encode: RowEncoder = createRowEncoder()): AsyncGenerator<string> {
  let pending: TelemetryRow[] = [];
  for await (const rows of batches) {
    if (pending.length === 0 && rows.length >= BATCH_ROWS) pending = rows as TelemetryRow[];
    else for (const row of rows) pending.push(row);
    if (pending.length >= BATCH_ROWS) {
      yield encode(pending);
      pending = [];
    }
  }
  if (pending.length > 0) yield encode(pending);
}
