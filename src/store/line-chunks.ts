/**
 * Reads a file from a byte offset as blocks of whole lines, with flat memory: one chunk at a
 * time. Lines may end in '\n', '\r\n' or a bare '\r' (the old tool's files); blocks come with
 * every line ended by '\n', so the parser looks for one character only.
 */
import type { FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 512 * 1024;
/** A "line" longer than this is garbage (no sane row is): dropped rather than held in memory. */
export const MAX_LINE_CHARS = 64 * 1024;

export interface LineBlock {
  /** Complete lines, each ended by '\n' (possibly empty). */
  text: string;
  /** Over-long line fragments dropped in this block, to count as skipped. */
  dropped: number;
  /** At end of file: the last line when it has no line end (a torn write), else undefined. */
  unterminated?: string;
}

/** '\r\n' and bare '\r' become '\n'; text without '\r' (the store's own files) is left as is. */
function normaliseLineEnds(text: string): string {
  if (text.indexOf('\r') === -1) return text;
  return text.replaceAll('\r\n', '\n').replaceAll('\r', '\n');
}

/**
 * Yields the lines of `handle` from byte `from` (a line start) to its end, a chunk's worth at a
 * time. The consumer may stop early (return from its loop) without reading the rest.
 */
export async function* readLineBlocks(handle: FileHandle, from: number): AsyncGenerator<LineBlock> {
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
    text = normaliseLineEnds(text);
    const cut = text.lastIndexOf('\n') + 1;
    carry = text.slice(cut) + held;
    let dropped = 0;
    if (carry.length > MAX_LINE_CHARS) {
      carry = '';
      dropped = 1;
    }
    if (cut > 0 || dropped > 0) yield { text: cut === text.length ? text : text.slice(0, cut), dropped };
  }
  const rest = normaliseLineEnds(carry + decoder.end());
  if (rest === '') return;
  // A held '\r' at end of file ends the last line; anything else after the last line end is torn.
  const cut = rest.lastIndexOf('\n') + 1;
  yield { text: rest.slice(0, cut), dropped: 0, unterminated: cut === rest.length ? undefined : rest.slice(cut) };
}
