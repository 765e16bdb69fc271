/**
 * Reads the rows of one day file that fall in a window, touching little more of the file than
 * those rows: it bisects on byte offsets to the window's start and stops after its end.
 *
 * That relies on a file's rows being in time order, which the writer gives (it appends samples
 * as they are taken). A clock stepped back by NTP can break the order by a few seconds, so both
 * the seek and the early stop keep a slack of ORDER_SLACK_MS beyond the window; the rows
 * themselves are always filtered by their exact time.
 */
import fs from 'node:fs/promises';
import { readLineBlocks } from './line-chunks.js';
import type { DayFile } from './paths.js';
import { LEGACY_HEADER, STORE_HEADER } from './csv-line.js';
import { LineParser, type LineFormat } from './row-parser.js';
import type { TelemetryRow } from './row.js';

export const ORDER_SLACK_MS = 10 * 60_000;
/** Below this many bytes between the bounds, reading beats seeking. */
const BISECT_STOP_BYTES = 128 * 1024;
const PROBE_BYTES = 8 * 1024;
/** Enough for a header line (82 bytes) and then some. */
const HEAD_BYTES = 4096;
const BATCH_ROWS = 4096;

export interface RowBatch {
  rows: TelemetryRow[];
  /** Epoch ms of each row, same order. */
  times: number[];
}

export interface DayFileWindow {
  start: number;
  end: number;
  tz: string;
  legacyHost: string;
  /** Only rows of these interfaces, when given. */
  interfaces: ReadonlySet<string> | undefined;
  /** Called with the number of lines that could not be read. */
  onSkipped: (count: number) => void;
}

/** Header and line format of a file, and the byte offset of its first data line. */
async function readHead(handle: fs.FileHandle, file: DayFile, window: DayFileWindow): Promise<{ format: LineFormat; dataStart: number }> {
  const buffer = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
  const head = buffer.subarray(0, bytesRead);
  const lf = head.indexOf(0x0a);
  const cr = head.indexOf(0x0d);
  const lineEnd = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
  const byLayout: LineFormat = { columns: file.layout === 'store' ? 8 : 6, legacyHost: window.legacyHost, tz: window.tz };
  if (lineEnd === -1) return { format: byLayout, dataStart: 0 };
  let first = head.toString('utf8', 0, lineEnd);
  if (first.charCodeAt(0) === 0xfeff) first = first.slice(1);
  const next = lineEnd + (head[lineEnd] === 0x0d && head[lineEnd + 1] === 0x0a ? 2 : 1);
  if (first === STORE_HEADER) return { format: { ...byLayout, columns: 8 }, dataStart: next };
  if (first === LEGACY_HEADER) return { format: { ...byLayout, columns: 6 }, dataStart: next };
  // No known header (torn by a crash in the file's first write, or not the store's file): every
  // line is read as data in the columns its folder implies; what does not parse is skipped.
  return { format: byLayout, dataStart: 0 };
}

/**
 * Times of the readable lines in `buffer` (a probe read at some offset), with where each line
 * starts. Unless `atLineStart`, the text before the first line end is a partial line and is
 * left out; so is a last line without a line end. With `firstOnly`, stops at the first time.
 */
function lineTimes(buffer: Buffer, parser: LineParser, atLineStart: boolean, firstOnly: boolean): { time: number; offset: number }[] {
  const text = buffer.toString('latin1'); // times are ASCII; byte offsets stay char offsets
  const found: { time: number; offset: number }[] = [];
  let lineStart = atLineStart ? 0 : -1;
  for (let at = 0; ; ) {
    const lf = text.indexOf('\n', at);
    const cr = text.indexOf('\r', at);
    const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (end === -1) return found;
    if (lineStart !== -1 && end > lineStart) {
      const time = parser.time(text, lineStart, end);
      if (time !== null) {
        found.push({ time, offset: lineStart });
        if (firstOnly) return found;
      }
    }
    at = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
    lineStart = at;
  }
}

async function probe(handle: fs.FileHandle, buffer: Buffer, position: number): Promise<Buffer> {
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * The times of the first and last whole lines of the file (null when none reads): two small
 * reads that tell whether a file can hold anything of the window at all.
 */
async function timeBounds(handle: fs.FileHandle, dataStart: number, size: number, parser: LineParser): Promise<{ first: number | null; last: number | null }> {
  const buffer = Buffer.alloc(PROBE_BYTES);
  const first = lineTimes(await probe(handle, buffer, dataStart), parser, true, true)[0]?.time ?? null;
  const tailStart = Math.max(dataStart, size - PROBE_BYTES);
  const last = lineTimes(await probe(handle, buffer, tailStart), parser, tailStart === dataStart, false).at(-1)?.time ?? null;
  return { first, last };
}

/** Byte offset of a line start at or before the first line with time >= target (rows in order). */
async function seekTime(handle: fs.FileHandle, from: number, size: number, target: number, parser: LineParser): Promise<number> {
  let lo = from;
  let hi = size;
  const buffer = Buffer.alloc(PROBE_BYTES);
  while (hi - lo > BISECT_STOP_BYTES) {
    const mid = Math.floor((lo + hi) / 2);
    const found = lineTimes(await probe(handle, buffer, mid), parser, false, true)[0];
    if (found === undefined) break; // nothing readable here: read from lo, which is always safe
    if (found.time < target) lo = mid + found.offset;
    else hi = mid;
  }
  return lo;
}

/**
 * Yields the rows of `file` in [window.start, window.end] in batches, in file order. Never
 * throws for bad content: unreadable lines are counted through `onSkipped`. A missing file
 * (removed since it was listed) or a folder in its place reads as empty.
 */
export async function* readDayFileRows(file: DayFile, window: DayFileWindow): AsyncGenerator<RowBatch> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file.path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return; // a folder with a day file's name: nothing to read
    const size = info.size;
    const { format, dataStart } = await readHead(handle, file, window);
    const parser = new LineParser(format);
    const stopAfter = window.end + ORDER_SLACK_MS;
    const bounds = await timeBounds(handle, dataStart, size, parser);
    // Wholly after or before the window (a neighbouring day): nothing to read.
    if (bounds.first !== null && bounds.first > stopAfter) return;
    if (bounds.last !== null && bounds.last < window.start - ORDER_SLACK_MS) return;
    const from = await seekTime(handle, dataStart, size, window.start - ORDER_SLACK_MS, parser);
    const { start, end, interfaces } = window;
    let batch: RowBatch = { rows: [], times: [] };
    for await (const block of readLineBlocks(handle, from)) {
      const text = block.text;
      let skipped = block.dropped + (block.unterminated !== undefined ? 1 : 0);
      let past = false;
      for (let at = 0, next = 0; at < text.length; at = next + 1) {
        next = text.indexOf('\n', at);
        if (next === at) continue; // empty line
        const ms = parser.time(text, at, next);
        if (ms === null) {
          skipped++;
          continue;
        }
        if (ms < start) continue;
        if (ms > end) {
          if (ms > stopAfter) {
            past = true;
            break;
          }
          continue;
        }
        const row = parser.row(text, at, next, ms);
        if (row === null) {
          skipped++;
          continue;
        }
        if (interfaces !== undefined && !interfaces.has(row.network_adapter)) continue;
        batch.rows.push(row);
        batch.times.push(ms);
      }
      if (skipped > 0) window.onSkipped(skipped);
      if (batch.rows.length >= BATCH_ROWS || (past && batch.rows.length > 0)) {
        yield batch;
        batch = { rows: [], times: [] };
      }
      if (past) return;
    }
    if (batch.rows.length > 0) yield batch;
  } finally {
    await handle.close();
  }
}
