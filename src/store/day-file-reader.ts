/**
 * Reads the rows of one day file that fall in a window, touching little more of the file than
 * those rows: two small probes tell whether the file holds anything of the window at all, a
 * bisection on byte offsets finds the window's start, and reading stops after its end.
 *
 * Opening (with the probes) is apart from streaming so a reader can open the next files while
 * it streams the current one. The probes rely on a file's rows being in time order, which the
 * writer gives; a clock stepped back by NTP can break the order by a few seconds, so seek and
 * stop keep a slack of ORDER_SLACK_MS beyond the window. Rows are always filtered by exact time.
 */
import fs from 'node:fs/promises';
import { PROBE_BYTES, lastLineTime, lineTimes, probeAt, readHeader, seekTime } from './day-file-probe.js';
import { readLineBlocks } from './line-chunks.js';
import type { DayFile } from './paths.js';
import { LineParser } from './row-parser.js';
import type { TelemetryRow } from './row.js';
import { scanWindowLines } from './window-scan.js';

export const ORDER_SLACK_MS = 10 * 60_000;
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

/** A day file opened at the line where reading the window starts. */
export interface OpenDayFile {
  handle: fs.FileHandle;
  parser: LineParser;
  from: number;
}

/**
 * Opens `file` and finds where the window starts in it; null (and nothing left open) when the
 * file holds nothing of the window, is missing (removed since it was listed) or is a folder.
 */
export async function openDayFile(file: DayFile, window: DayFileWindow): Promise<OpenDayFile | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file.path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let keep = false;
  try {
    const info = await handle.stat();
    if (!info.isFile()) return null;
    const head = await probeAt(handle, Buffer.alloc(PROBE_BYTES), 0);
    const { columns, dataStart } = readHeader(head, file.layout);
    const parser = new LineParser({ columns, legacyHost: window.legacyHost, tz: window.tz });
    const seekTarget = window.start - ORDER_SLACK_MS;
    // Wholly after or before the window (a neighbouring day): nothing to read.
    const first = lineTimes(head.subarray(dataStart), parser, true, true)[0]?.time ?? null;
    if (first !== null && first > window.end + ORDER_SLACK_MS) return null;
    const last = await lastLineTime(handle, dataStart, info.size, parser);
    if (last !== null && last < seekTarget) return null;
    const from = first !== null && first >= seekTarget ? dataStart : await seekTime(handle, dataStart, info.size, seekTarget, parser);
    keep = true;
    return { handle, parser, from };
  } finally {
    if (!keep) await handle.close();
  }
}

/**
 * Yields the rows of an opened day file in [window.start, window.end] in batches, in file
 * order, and closes it. Never throws for bad content: unreadable lines are counted through
 * `onSkipped`.
 */
export async function* readOpenDayFile(file: OpenDayFile, window: DayFileWindow): AsyncGenerator<RowBatch> {
  const { parser, handle } = file;
  const { start, end, interfaces } = window;
  let batch: RowBatch = { rows: [], times: [] };
  const visit = (text: string, at: number, next: number, ms: number): boolean => {
    const row = parser.row(text, at, next, ms);
    if (row === null) return false;
    if (interfaces !== undefined && !interfaces.has(row.network_adapter)) return true;
    batch.rows.push(row);
    batch.times.push(ms);
    return true;
  };
  try {
    for await (const block of readLineBlocks(handle, file.from)) {
      const { skipped, past } = scanWindowLines(block.text, parser, start, end, end + ORDER_SLACK_MS, visit);
      const unreadable = skipped + block.dropped + (block.unterminated !== undefined ? 1 : 0);
      if (unreadable > 0) window.onSkipped(unreadable);
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
