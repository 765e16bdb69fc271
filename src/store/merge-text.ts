/**
 * Merges several streams of export CSV text, each in time order, into one in time order, with
 * the same tie rule as mergeByTime (equal times keep the order of their streams), so the text
 * path yields the rows of the row path in the same order.
 *
 * Lines are taken in runs: the earliest stream gives every line up to the next stream's time
 * as one slice. A single stream passes through untouched, and streams that do not overlap in
 * time (hosts that sampled on different days) cost one slice per batch.
 */
import type { TextBatch } from './day-file-text.js';

/** Merged text is handed on in pieces of about this many characters. */
const OUT_CHARS = 256 * 1024;

interface Cursor {
  source: AsyncIterator<TextBatch>;
  batch: TextBatch & { times: number[]; starts: number[] };
  /** The next line to take. */
  index: number;
}

async function advance(source: AsyncIterator<TextBatch>): Promise<Cursor | null> {
  for (;;) {
    const next = await source.next();
    if (next.done) return null;
    const batch = next.value;
    if (batch.rows === 0) continue;
    if (batch.times === undefined || batch.starts === undefined) throw new Error('mergeTextByTime needs indexed batches');
    return { source, batch: batch as Cursor['batch'], index: 0 };
  }
}

/** The time of a cursor's next line. */
const timeOf = (cursor: Cursor) => cursor.batch.times[cursor.index] as number;

/**
 * One stream in time order from `sources`, each in time order; batches from several sources
 * must be indexed (their lines' times and starts). Yields text and row counts only.
 */
export async function* mergeTextByTime(sources: AsyncIterable<TextBatch>[]): AsyncGenerator<{ text: string; rows: number }> {
  if (sources.length === 1) {
    for await (const batch of sources[0] as AsyncIterable<TextBatch>) yield { text: batch.text, rows: batch.rows };
    return;
  }
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  try {
    const cursors = (await Promise.all(iterators.map(advance))).filter((c): c is Cursor => c !== null);
    let pieces: string[] = [];
    let chars = 0;
    let rows = 0;
    while (cursors.length > 0) {
      // The earliest stream (the first of equals), and how far it leads: its lines are taken
      // while earlier than every stream before it and no later than every stream after it.
      let best = 0;
      for (let i = 1; i < cursors.length; i++) if (timeOf(cursors[i] as Cursor) < timeOf(cursors[best] as Cursor)) best = i;
      let before = Infinity;
      let after = Infinity;
      for (let i = 0; i < cursors.length; i++) {
        if (i < best) before = Math.min(before, timeOf(cursors[i] as Cursor));
        else if (i > best) after = Math.min(after, timeOf(cursors[i] as Cursor));
      }
      const cursor = cursors[best] as Cursor;
      const { times, starts, text } = cursor.batch;
      const from = cursor.index;
      let to = from + 1;
      while (to < cursor.batch.rows && (times[to] as number) < before && (times[to] as number) <= after) to++;
      const piece = text.slice(starts[from] as number, starts[to] as number);
      pieces.push(piece);
      chars += piece.length;
      rows += to - from;
      cursor.index = to;
      if (to === cursor.batch.rows) {
        const next = await advance(cursor.source);
        if (next === null) cursors.splice(best, 1);
        else cursors[best] = next;
      }
      if (chars >= OUT_CHARS) {
        yield { text: pieces.join(''), rows };
        pieces = [];
        chars = 0;
        rows = 0;
      }
    }
    if (rows > 0) yield { text: pieces.join(''), rows };
  } finally {
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}
