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
import { MAX_LINE_CHARS, readLineBlocks } from './line-chunks.js';
import type { DayFile } from './paths.js';
import { LEGACY_HEADER_LINE, LineParser, STORE_HEADER_LINE, type LineFormat } from './row-parser.js';
import type { TelemetryRow } from './row.js';

export const ORDER_SLACK_MS = 10 * 60_000;
/** Below this many bytes between the bounds, reading beats seeking. */
const BISECT_STOP_BYTES = 128 * 1024;
const PROBE_BYTES = 8 * 1024;
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
  const buffer = Buffer.alloc(Math.min(MAX_LINE_CHARS, 4096));
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
  if (first === STORE_HEADER_LINE) return { format: { ...byLayout, columns: 8 }, dataStart: next };
  if (first === LEGACY_HEADER_LINE) return { format: { ...byLayout, columns: 6 }, dataStart: next };
  // No known header (torn by a crash in the file's first write, or not the store's file): every
  // line is read as data in the columns its folder implies; what does not parse is skipped.
  return { format: byLayout, dataStart: 0 };
}

/** The time of the first readable line starting in `buffer` after its first line end, and where that line starts. */
function probeLine(buffer: Buffer, parser: LineParser): { time: number; offset: number } | null {
  const text = buffer.toString('latin1'); // times are ASCII; byte offsets stay char offsets
  let at = 0;
  for (;;) {
    const lf = text.indexOf('\n', at);
    const cr = text.indexOf('\r', at);
    const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (end === -1) return null;
    const lineStart = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
    const comma = text.indexOf(',', lineStart);
    if (comma === -1) return null;
    const time = parser.time(text, lineStart, comma);
    if (time !== null) return { time, offset: lineStart };
    at = lineStart;
  }
}

/** Byte offset of a line start at or before the first line with time >= target (rows in order). */
async function seekTime(handle: fs.FileHandle, from: number, size: number, target: number, parser: LineParser): Promise<number> {
  let lo = from;
  let hi = size;
  const buffer = Buffer.alloc(PROBE_BYTES);
  while (hi - lo > BISECT_STOP_BYTES) {
    const mid = Math.floor((lo + hi) / 2);
    const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, mid);
    const probe = probeLine(buffer.subarray(0, bytesRead), parser);
    if (probe === null) break; // nothing readable here: read from lo, which is always safe
    if (probe.time < target) lo = mid + probe.offset;
    else hi = mid;
  }
  return lo;
}

/**
 * Yields the rows of `file` in [window.start, window.end] in batches, in file order. Never
 * throws for bad content: unreadable lines are counted through `onSkipped`. A missing file
 * (removed since it was listed) reads as empty.
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
    const { size } = await handle.stat();
    const { format, dataStart } = await readHead(handle, file, window);
    const parser = new LineParser(format);
    const from = await seekTime(handle, dataStart, size, window.start - ORDER_SLACK_MS, parser);
    const stopAfter = window.end + ORDER_SLACK_MS;
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
