/**
 * Merges several streams of row batches, each in time order, into one stream in time order.
 * Rows with the same time keep the order of their streams, so the same window always reads the
 * same way. A single stream passes through untouched.
 */
import type { RowBatch } from './day-file-reader.js';

const OUT_BATCH_ROWS = 4096;

interface Cursor {
  source: AsyncIterator<RowBatch>;
  batch: RowBatch;
  index: number;
}

async function advance(source: AsyncIterator<RowBatch>): Promise<Cursor | null> {
  for (;;) {
    const next = await source.next();
    if (next.done) return null;
    if (next.value.rows.length > 0) return { source, batch: next.value, index: 0 };
  }
}

/** One stream in time order from `sources`, each in time order. */
export async function* mergeByTime(sources: AsyncIterable<RowBatch>[]): AsyncGenerator<RowBatch> {
  if (sources.length === 1) {
    yield* sources[0] as AsyncIterable<RowBatch>;
    return;
  }
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  try {
    const cursors = (await Promise.all(iterators.map(advance))).filter((c): c is Cursor => c !== null);
    let out: RowBatch = { rows: [], times: [] };
    while (cursors.length > 0) {
      // A handful of hosts: a linear scan for the earliest is cheaper than a heap.
      let best = 0;
      let bestTime = (cursors[0] as Cursor).batch.times[(cursors[0] as Cursor).index] as number;
      for (let i = 1; i < cursors.length; i++) {
        const c = cursors[i] as Cursor;
        const t = c.batch.times[c.index] as number;
        if (t < bestTime) {
          best = i;
          bestTime = t;
        }
      }
      const cursor = cursors[best] as Cursor;
      out.rows.push(cursor.batch.rows[cursor.index] as RowBatch['rows'][number]);
      out.times.push(bestTime);
      if (++cursor.index === cursor.batch.rows.length) {
        const next = await advance(cursor.source);
        if (next === null) cursors.splice(best, 1);
        else cursors[best] = next;
      }
      if (out.rows.length >= OUT_BATCH_ROWS) {
        yield out;
        out = { rows: [], times: [] };
      }
    }
    if (out.rows.length > 0) yield out;
  } finally {
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}
