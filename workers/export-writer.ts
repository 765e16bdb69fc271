/**
 * Streams CSV text into a zip holding one CSV entry, written under a temporary name and renamed
 * when complete.
 *
 * The text comes in chunks of whole lines (from readWindowText, or rows encoded in batches by
 * export-csv.ts) and reaches archiver as large Buffers from a pull-based Readable, so reading the
 * store only runs as fast as deflate and the disk take the bytes: memory stays flat however long
 * the window.
 *
 * Deflate runs on libuv's thread pool, but Node's zlib needs the main thread back after every
 * `chunkSize` bytes of output, and reading plus encoding is one long chain of promises that never
 * lets it in. Measured: reading and deflating then take turns (wall time = their sum). Hence
 * three settings that let them overlap (wall time ≈ the slower of the two):
 * - DEFLATE_CHUNK_BYTES: one thread-pool job deflates a whole chunk without coming back;
 * - a macrotask break (setImmediate) after each chunk, so a finished deflate is handed the next
 *   chunk within one chunk's time;
 * - a short look-ahead (SOURCE_BUFFER_BYTES, a few chunks): a long one would let the producer
 *   run for tens of milliseconds without a break.
 */
import fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { csvHeader } from './export-csv.js';

/** Deflate level: zip's default, and what the benchmark compares against (`zip -6`). */
export const ZIP_LEVEL = 6;
const SOURCE_BUFFER_BYTES = 256 * 1024;
const DEFLATE_CHUNK_BYTES = 128 * 1024;

const breakForIo = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ZipWriteResult {
  /** Bytes of CSV written into the entry (uncompressed), header included. */
  csvBytes: number;
  /** Bytes of the finished zip. */
  zipBytes: number;
}

/** The CSV bytes: the header, then one Buffer per chunk of lines. Counts as it goes. */
async function* csvBuffers(lines: AsyncIterable<string>, counts: { csvBytes: number }, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const header = Buffer.from(csvHeader());
  counts.csvBytes += header.length;
  yield header;
  for await (const text of lines) {
    if (text.length === 0) continue;
    signal?.throwIfAborted();
    const chunk = Buffer.from(text);
    counts.csvBytes += chunk.length;
    yield chunk;
    await breakForIo();
  }
}

/** Thrown when another attempt of the same export has taken over the part file or the job. */
export class SupersededError extends Error {
  constructor(what: string) {
    super(`another attempt of this export took over (${what}); this one gives up without touching its files`);
    this.name = 'SupersededError';
  }
}

/**
 * Writes the header and `lines` as entry `entryName` of a zip at `partPath`, then renames it to
 * `finalPath`. On any failure (including `signal` aborting) the part file is removed and the
 * error rethrown.
 *
 * Two attempts of one export can overlap: a worker frozen past its lock (a VM pause) wakes up
 * while another attempt runs or has finished. So an attempt never truncates a part file (it
 * unlinks any old one and creates its own, which the other attempt can go on writing into
 * harmlessly), and it only renames or removes the file at `partPath` while that file is still
 * the one it created (same inode) and `stillOurs` agrees (the job's lock): otherwise it throws
 * SupersededError and leaves the other attempt's files alone.
 */
export async function writeCsvZip(opts: {
  /** The CSV lines after the header, in chunks of whole lines each ended by '\n'. */
  lines: AsyncIterable<string>;
  entryName: string;
  partPath: string;
  finalPath: string;
  signal?: AbortSignal;
  /** Asked just before the rename: false when this attempt no longer owns the export. */
  stillOurs?: () => Promise<boolean>;
}): Promise<ZipWriteResult> {
  await fsp.rm(opts.partPath, { force: true });
  const handle = await fsp.open(opts.partPath, 'wx');
  const { ino, dev } = await handle.stat();
  const isOurFile = async () => {
    const now = await fsp.stat(opts.partPath).catch(() => null);
    return now !== null && now.ino === ino && now.dev === dev;
  };
  const file = handle.createWriteStream();
  const counts = { csvBytes: 0 };
  const chunks = csvBuffers(opts.lines, counts, opts.signal);
  const source = Readable.from(chunks, { objectMode: false, highWaterMark: SOURCE_BUFFER_BYTES });
  const archive = new ZipArchive({ zlib: { level: ZIP_LEVEL, chunkSize: DEFLATE_CHUNK_BYTES } });
  // archiver does not forward an error of an appended stream; fail the whole pipeline with it.
  source.once('error', (error) => archive.destroy(error));
  try {
    archive.append(source, { name: opts.entryName, date: new Date() });
    const finalized = archive.finalize();
    finalized.catch(() => undefined);
    await Promise.all([pipeline(archive, file), finalized]);
    if (!(await isOurFile())) throw new SupersededError('its part file was replaced');
    if (opts.stillOurs && !(await opts.stillOurs())) throw new SupersededError('the job is locked by another worker');
    await fsp.rename(opts.partPath, opts.finalPath);
  } catch (error) {
    source.destroy();
    archive.destroy();
    file.destroy();
    if (await isOurFile()) await fsp.rm(opts.partPath, { force: true });
    throw error;
  }
  const { size } = await fsp.stat(opts.finalPath);
  return { csvBytes: counts.csvBytes, zipBytes: size };
}
