/**
 * Reads a file from a byte offset as batches of whole lines, with flat memory: one chunk at a
 * time. Lines may end in '\n', '\r\n' or a bare '\r' (the old tool's files).
 */
import type { FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 512 * 1024;
/** A "line" longer than this is garbage (no sane row is): dropped rather than held in memory. */
export const MAX_LINE_CHARS = 64 * 1024;

export interface LineBatch {
  /** Complete lines, without their line ends. */
  lines: string[];
  /** Over-long line fragments dropped in this batch, to count as skipped. */
  dropped: number;
  /** At end of file: the last line when it has no line end (a torn write), else undefined. */
  unterminated?: string;
}

/** Splits text into lines on '\n', '\r\n' or '\r'; one split call for the common cases. */
function splitLines(text: string): string[] {
  if (text.indexOf('\r') === -1) return text.split('\n');
  if (text.indexOf('\n') === -1) return text.split('\r');
  return text.replaceAll('\r\n', '\n').split(/[\r\n]/);
}

/**
 * Yields the lines of `handle` from byte `from` (a line start) to its end, one chunk's worth at a
 * time. The consumer may stop early (return from its loop) without reading the rest.
 */
export async function* readLineBatches(handle: FileHandle, from: number): AsyncGenerator<LineBatch> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const decoder = new StringDecoder('utf8');
  let position = from;
  let carry = '';
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    let text = carry + decoder.write(buffer.subarray(0, bytesRead));
    // A '\r' at the very end may be the first half of '\r\n': decide when the next chunk comes.
    let held = '';
    if (text.charCodeAt(text.length - 1) === 13) {
      held = '\r';
      text = text.slice(0, -1);
    }
    const lines = splitLines(text);
    carry = (lines.pop() ?? '') + held;
    let dropped = 0;
    if (carry.length > MAX_LINE_CHARS) {
      carry = '';
      dropped = 1;
    }
    if (lines.length > 0 || dropped > 0) yield { lines, dropped };
  }
  const rest = carry + decoder.end();
  if (rest === '') return;
  // A held '\r' at end of file ends the last line; anything else after the last line end is torn.
  if (rest.charCodeAt(rest.length - 1) === 13) {
    yield { lines: splitLines(rest.slice(0, -1)), dropped: 0 };
  } else {
    const lines = splitLines(rest);
    const unterminated = lines.pop();
    yield { lines, dropped: 0, unterminated };
  }
}
