/**
 * Small reads that find where a window lies in a day file without reading the file: its header,
 * the times of its first and last lines, and a bisection on byte offsets to a time.
 *
 * The bisection relies on a file's rows being in time order, which the writer gives (it appends
 * samples as they are taken); callers keep a slack around the window for clocks stepped back.
 */
import type { FileHandle } from 'node:fs/promises';
import { LEGACY_HEADER, STORE_HEADER } from './csv-line.js';
import type { DayFileLayout } from './paths.js';
import type { LineParser } from './row-parser.js';

/** One probe read; enough for the header line and many rows after it. */
export const PROBE_BYTES = 8 * 1024;
/** Below this many bytes between the bounds, reading beats seeking. */
const BISECT_STOP_BYTES = 128 * 1024;

/** Reads up to PROBE_BYTES at `position` into `buffer`; the bytes read. */
export async function probeAt(handle: FileHandle, buffer: Buffer, position: number): Promise<Buffer> {
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * The columns a file's lines have and the byte offset of its first data line, from its first
 * bytes. A file without a known header (torn by a crash in its first write, or not the store's
 * file) is read as data from its first byte, in the columns its folder implies; what does not
 * parse is skipped.
 */
export function readHeader(head: Buffer, layout: DayFileLayout): { columns: 6 | 8; dataStart: number } {
  const byLayout = layout === 'store' ? 8 : 6;
  const lf = head.indexOf(0x0a);
  const cr = head.indexOf(0x0d);
  const lineEnd = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
  if (lineEnd === -1) return { columns: byLayout, dataStart: 0 };
  let first = head.toString('utf8', 0, lineEnd);
  if (first.charCodeAt(0) === 0xfeff) first = first.slice(1); // a byte-order mark from an editor
  const next = lineEnd + (head[lineEnd] === 0x0d && head[lineEnd + 1] === 0x0a ? 2 : 1);
  if (first === STORE_HEADER) return { columns: 8, dataStart: next };
  if (first === LEGACY_HEADER) return { columns: 6, dataStart: next };
  return { columns: byLayout, dataStart: 0 };
}

/**
 * Times of the readable lines in `buffer` (a probe read at some offset), with where each line
 * starts. Unless `atLineStart`, the text before the first line end is a partial line and is
 * left out; so is a last line without a line end. With `firstOnly`, stops at the first time.
 */
export function lineTimes(buffer: Buffer, parser: LineParser, atLineStart: boolean, firstOnly: boolean): { time: number; offset: number }[] {
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

/** Time of the last whole readable line of the file, or null: one read of its tail. */
export async function lastLineTime(handle: FileHandle, dataStart: number, size: number, parser: LineParser): Promise<number | null> {
  const tailStart = Math.max(dataStart, size - PROBE_BYTES);
  const tail = await probeAt(handle, Buffer.alloc(PROBE_BYTES), tailStart);
  return lineTimes(tail, parser, tailStart === dataStart, false).at(-1)?.time ?? null;
}

/** Byte offset of a line start at or before the first line with time >= target (rows in order). */
export async function seekTime(handle: FileHandle, from: number, size: number, target: number, parser: LineParser): Promise<number> {
  let lo = from;
  let hi = size;
  const buffer = Buffer.alloc(PROBE_BYTES);
  while (hi - lo > BISECT_STOP_BYTES) {
    const mid = Math.floor((lo + hi) / 2);
    const found = lineTimes(await probeAt(handle, buffer, mid), parser, false, true)[0];
    if (found === undefined) break; // nothing readable here: read from lo, which is always safe
    if (found.time < target) lo = mid + found.offset;
    else hi = mid;
  }
  return lo;
}
