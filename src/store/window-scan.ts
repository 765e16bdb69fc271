/**
 * The line walk both day-file readers share: over the '\n'-ended lines of one block read, find
 * those whose time lies in the window, count the unreadable ones, and notice when the file has
 * gone past the window's end (plus ORDER_SLACK_MS for clocks stepped back), so reading can stop.
 */
import type { LineParser } from './row-parser.js';

/** What one block's walk found. */
export interface BlockScan {
  /** Lines without a readable time, plus lines `visit` could not read. */
  skipped: number;
  /** A line lay beyond the window's end and its slack: nothing later in the file can be in it. */
  past: boolean;
}

/**
 * Calls `visit(text, at, next, ms)` for each line text[at..next) whose time `ms` lies in
 * [start, end]; `visit` returns false for a line it could not read, which is counted as skipped.
 */
export function scanWindowLines(
  text: string,
  parser: LineParser,
  start: number,
  end: number,
  stopAfter: number,
  visit: (text: string, at: number, next: number, ms: number) => boolean,
): BlockScan {
  let skipped = 0;
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
      if (ms > stopAfter) return { skipped, past: true };
      continue;
    }
    if (!visit(text, at, next, ms)) skipped++;
  }
  return { skipped, past: false };
}
