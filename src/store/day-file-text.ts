/**
 * Reads the lines of an opened day file that fall in a window as the CSV text an export writes
 * for them, without making a row of every line: lines already in canonical form
 * (canonical-line.ts: the store writer's own lines) are copied through, a run of consecutive
 * ones as one slice of the read block; any other line is parsed into a row and encoded by the
 * caller's encoder, exactly as the row path would. Same lines, order, filtering and skipped
 * count as readOpenDayFile: both walk their lines with scanWindowLines (window-scan.ts).
 */
import { canonicalLineAdapterAt } from './canonical-line.js';
import { ORDER_SLACK_MS, type DayFileWindow, type OpenDayFile } from './day-file-reader.js';
import { readLineBlocks } from './line-chunks.js';
import type { TelemetryRow } from './row.js';
import { scanWindowLines } from './window-scan.js';

/** Encodes rows as export CSV lines, each ended by '\n'. */
export type RowsEncoder = (rows: readonly TelemetryRow[]) => string;

/** Export CSV lines of a window, each ended by '\n'. */
export interface TextBatch {
  text: string;
  /** Lines in `text`. */
  rows: number;
  /** When read indexed (for a merge): the epoch ms of each line. */
  times?: number[];
  /** When read indexed: where each line starts in `text`, then text.length. */
  starts?: number[];
}

/** Collects the output lines of one block: runs of copied lines as slices, other rows encoded. */
class TextBatchBuilder {
  private pieces: string[] = [];
  private length = 0;
  private rows = 0;
  private times: number[] = [];
  private starts: number[] = [];
  private pending: TelemetryRow[] = [];
  private runText = '';
  private runFrom = 0;
  private runTo = -1;

  constructor(
    private readonly encode: RowsEncoder,
    private readonly indexed: boolean,
  ) {}

  /** Copies the line text[from..to] (its '\n' included) as it is. */
  copy(text: string, from: number, to: number, ms: number): void {
    if (this.pending.length > 0) this.flushPending();
    if (this.runTo !== from || this.runText !== text) {
      this.closeRun();
      this.runText = text;
      this.runFrom = from;
    }
    this.runTo = to + 1;
    this.add(ms, to + 1 - from);
  }

  /** Adds the encoded line of `row`. */
  encoded(row: TelemetryRow, ms: number): void {
    this.closeRun();
    if (!this.indexed) {
      this.pending.push(row); // encoded in bulk: cheaper per row
      this.rows++;
      return;
    }
    const line = this.encode([row]);
    this.pieces.push(line);
    this.add(ms, line.length);
  }

  /** The batch so far (null when empty); the builder starts afresh. */
  take(): TextBatch | null {
    this.closeRun();
    if (this.pending.length > 0) this.flushPending();
    if (this.rows === 0) return null;
    const batch: TextBatch = { text: this.pieces.length === 1 ? (this.pieces[0] as string) : this.pieces.join(''), rows: this.rows };
    if (this.indexed) {
      this.starts.push(this.length);
      batch.times = this.times;
      batch.starts = this.starts;
    }
    this.pieces = [];
    this.length = 0;
    this.rows = 0;
    this.times = [];
    this.starts = [];
    return batch;
  }

  private add(ms: number, lineLength: number): void {
    if (this.indexed) {
      this.times.push(ms);
      this.starts.push(this.length);
    }
    this.length += lineLength;
    this.rows++;
  }

  private closeRun(): void {
    if (this.runTo === -1) return;
    this.pieces.push(this.runText.slice(this.runFrom, this.runTo));
    this.runText = '';
    this.runTo = -1;
  }

  private flushPending(): void {
    this.pieces.push(this.encode(this.pending));
    this.pending = [];
  }
}

/**
 * Yields the export CSV lines of an opened day file in [window.start, window.end], in file
 * order, one batch per block read, and closes the file. With `indexed`, batches carry each
 * line's time and start (what a merge of several files needs). Never throws for bad content:
 * unreadable lines are counted through `onSkipped`.
 */
export async function* readOpenDayFileText(file: OpenDayFile, window: DayFileWindow, encode: RowsEncoder, indexed: boolean): AsyncGenerator<TextBatch> {
  const { parser, handle } = file;
  const { start, end, interfaces } = window;
  const canCopy = parser.format.columns === 8;
  const out = new TextBatchBuilder(encode, indexed);
  const visit = (text: string, at: number, next: number, ms: number): boolean => {
    const adapterAt = canCopy ? canonicalLineAdapterAt(text, at, next) : -1;
    if (adapterAt !== -1) {
      if (interfaces === undefined || interfaces.has(text.slice(adapterAt, text.indexOf(',', adapterAt)))) out.copy(text, at, next, ms);
      return true;
    }
    const row = parser.row(text, at, next, ms);
    if (row === null) return false;
    if (interfaces === undefined || interfaces.has(row.network_adapter)) out.encoded(row, ms);
    return true;
  };
  try {
    for await (const block of readLineBlocks(handle, file.from)) {
      const { skipped, past } = scanWindowLines(block.text, parser, start, end, end + ORDER_SLACK_MS, visit);
      const unreadable = skipped + block.dropped + (block.unterminated !== undefined ? 1 : 0);
      if (unreadable > 0) window.onSkipped(unreadable);
      const batch = out.take();
      if (batch !== null) yield batch;
      if (past) return;
    }
  } finally {
    await handle.close();
  }
}
