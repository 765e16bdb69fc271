/**
 * Reads a time window of the store straight as export CSV text: the lines readWindowBatches'
 * rows would encode to, in the same order, without making a row object of every line.
 *
 * The store's own lines already are those CSV lines (same columns, same number and time
 * formatting), so in-window lines in canonical form are copied through (canonical-line.ts);
 * other lines (the old layout, times in another format, quoted fields, numbers the parser
 * normalises) are parsed and encoded with the caller's encoder, the one the row path would use.
 * One source (one host): its blocks pass through whole; several: merged by time (merge-text.ts).
 */
import { readOpenDayFileText, type RowsEncoder } from './day-file-text.js';
import { mergeTextByTime } from './merge-text.js';
import { planWindow, type ReadWindowOptions } from './reader.js';

export type { RowsEncoder } from './day-file-text.js';

export interface ReadWindowTextOptions extends ReadWindowOptions {
  /**
   * Encodes rows as export CSV lines, each ended by '\n'; used for the lines that are not
   * canonical. Copied lines are exactly what it writes for their rows (see canonical-line.ts).
   */
  encode: RowsEncoder;
}

/**
 * Streams the window [start, end] (epoch ms, inclusive) as chunks of whole CSV lines (no
 * header), each ended by '\n': the same lines, order, filtering, stats (files, rows, skipped)
 * and onDay progress as readWindowBatches with `encode` applied to its rows. Throws
 * BadRequestError for a bad window or host name (on the first `next()`).
 */
export async function* readWindowText(opts: ReadWindowTextOptions): AsyncGenerator<string> {
  const plan = await planWindow(opts);
  const indexed = plan.sources.length > 1; // a merge needs each line's time and start
  const streams = plan.sources.map((files) =>
    plan.readSource(files, (file, window) => readOpenDayFileText(file, window, opts.encode, indexed)),
  );
  for await (const chunk of mergeTextByTime(streams)) {
    if (opts.stats) opts.stats.rows += chunk.rows;
    yield chunk.text;
  }
}
