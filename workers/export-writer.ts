/**
 * Streams rows into a zip holding one CSV entry, written under a temporary name and renamed when
 * complete.
 *
 * Rows go through csv-stringify in batches of BATCH_ROWS (one call per batch, not per row: about
 * ten times faster) and reach archiver as large Buffers from a pull-based Readable, so reading
 * the store only runs as fast as deflate and the disk take the bytes: memory stays flat however
 * long the window. Deflate runs on libuv's thread pool, in parallel with the parsing and
 * stringifying on the main thread.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { stringify } from 'csv-stringify/sync';
import { STORE_COLUMNS, type TelemetryRow } from '../src/store/row.js';

export const BATCH_ROWS = 1000;
/** Deflate level: zip's default, and what the benchmark compares against (`zip -6`). */
export const ZIP_LEVEL = 6;

export interface ZipWriteResult {
  rows: number;
  /** Bytes of CSV written into the entry (uncompressed). */
  csvBytes: number;
  /** Bytes of the finished zip. */
  zipBytes: number;
}

function toRecord(row: TelemetryRow): unknown[] {
  return [row.time, row.cpu_usage, row.ram_free, row.network_adapter, row.net_usage_up, row.net_usage_down, row.host, row.elapsed_s];
}

/** The CSV bytes of `batches`: the header, then one Buffer per BATCH_ROWS rows. Counts as it goes. */
async function* csvChunks(
  batches: AsyncIterable<TelemetryRow[]>,
  counts: { rows: number; csvBytes: number },
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  const header = Buffer.from(STORE_COLUMNS.join(',') + '\n');
  counts.csvBytes += header.length;
  yield header;
  let records: unknown[][] = [];
  const flush = () => {
    const chunk = Buffer.from(stringify(records));
    counts.rows += records.length;
    counts.csvBytes += chunk.length;
    records = [];
    return chunk;
  };
  for await (const rows of batches) {
    for (const row of rows) records.push(toRecord(row));
    if (records.length >= BATCH_ROWS) {
      signal?.throwIfAborted();
      yield flush();
    }
  }
  if (records.length > 0) yield flush();
}

/**
 * Writes the rows of `batches` as entry `entryName` of a zip at `partPath`, then renames it to `finalPath`.
 * On any failure (including `signal` aborting) the part file is removed and the error rethrown.
 */
export async function writeCsvZip(opts: {
  /** The rows, in batches as the store reader yields them. */
  batches: AsyncIterable<TelemetryRow[]>;
  entryName: string;
  partPath: string;
  finalPath: string;
  signal?: AbortSignal;
}): Promise<ZipWriteResult> {
  const counts = { rows: 0, csvBytes: 0 };
  const source = Readable.from(csvChunks(opts.batches, counts, opts.signal), { objectMode: false });
  const archive = new ZipArchive({ zlib: { level: ZIP_LEVEL } });
  const file = fs.createWriteStream(opts.partPath);
  // archiver does not forward an error of an appended stream; fail the whole pipeline with it.
  source.once('error', (error) => archive.destroy(error));
  try {
    archive.append(source, { name: opts.entryName, date: new Date() });
    const finalized = archive.finalize();
    finalized.catch(() => undefined);
    await Promise.all([pipeline(archive, file), finalized]);
    await fsp.rename(opts.partPath, opts.finalPath);
  } catch (error) {
    source.destroy();
    archive.destroy();
    file.destroy();
    await fsp.rm(opts.partPath, { force: true });
    throw error;
  }
  const { size } = await fsp.stat(opts.finalPath);
  return { rows: counts.rows, csvBytes: counts.csvBytes, zipBytes: size };
}
