/**
 * Appends rows to the store's day files, so that a crash at any moment loses at most the line
 * being written and never corrupts what is already there.
 *
 * - Each append to a file is one `write` of whole lines on a descriptor opened with O_APPEND, so a
 *   crash tears at most the last line.
 * - Before the first append to a file that already has bytes, its last byte is checked: a torn
 *   last line (no line end) is ended first (TORN_LINE_END), so the next row starts on a fresh
 *   line and the reader skips only the torn one.
 * - The header goes in only when the file is empty, in the same write as the first rows.
 */
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { STORE_HEADER, formatRowLine } from './csv-line.js';
import { assertStoreHostName, dayFilePath } from './paths.js';
import type { TelemetryRow } from './row.js';
import { dayKey, parseInstant } from './time.js';

/** An open day file and whether its end must be checked before the next write. */
interface OpenDayFile {
  handle: fs.FileHandle;
  checkEnd: boolean;
}

/**
 * Ends a torn last line before new lines go after it. The extra non-number field makes the torn
 * line unreadable whatever it was cut at (too many or too few fields, or a non-number where a
 * number belongs), so a number cut short ("12345" torn to "12") can never be read as a value.
 */
export const TORN_LINE_END = ',torn-line\n';

/** Day files kept open: today's, and yesterday's for rows that arrive just after midnight. */
const MAX_OPEN_FILES = 2;

export class StoreWriter {
  readonly dir: string;
  readonly host: string;
  readonly tz: string;
  private readonly open = new Map<string, OpenDayFile>();
  /** Appends run one after another, so concurrent calls never interleave within a file. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(opts: { dir: string; host: string; tz: string }) {
    assertStoreHostName(opts.host);
    this.dir = opts.dir;
    this.host = opts.host;
    this.tz = opts.tz;
  }

  /**
   * Appends the rows of one sample, each to the day file of its own time in the writer's zone
   * (so a sample that straddles midnight lands in two files). Throws, writing nothing, when a row
   * has an unparseable time or belongs to another host.
   */
  append(rows: TelemetryRow[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('StoreWriter.append after close'));
    let linesByDay: Map<string, string>;
    try {
      linesByDay = this.groupLines(rows);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.queue.then(() => this.writeGroups(linesByDay));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for pending appends, then closes every open file. Appending afterwards throws. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    const files = [...this.open.values()];
    this.open.clear();
    await Promise.all(files.map((file) => file.handle.close()));
  }

  private groupLines(rows: TelemetryRow[]): Map<string, string> {
    const linesByDay = new Map<string, string>();
    for (const row of rows) {
      const ms = parseInstant(row.time, this.tz);
      if (ms === null) throw new Error(`row time ${JSON.stringify(row.time)} is not an ISO 8601 instant`);
      if (row.host !== this.host) throw new Error(`row host ${JSON.stringify(row.host)} is not this writer's host ${JSON.stringify(this.host)}`);
      const day = dayKey(ms, this.tz);
      linesByDay.set(day, (linesByDay.get(day) ?? '') + formatRowLine(row));
    }
    return linesByDay;
  }

  private async writeGroups(linesByDay: Map<string, string>): Promise<void> {
    for (const [day, lines] of linesByDay) await this.writeToDay(day, lines);
  }

  private async writeToDay(day: string, lines: string): Promise<void> {
    const file = await this.openDay(day);
    let text = lines;
    if (file.checkEnd) {
      text = (await this.endPrefix(file.handle)) + lines;
      file.checkEnd = false;
    }
    try {
      const bytes = Buffer.from(text, 'utf8');
      let written = 0;
      // One write in practice; a short write (disk nearly full) is finished rather than left torn.
      // Synchronous: a sample is a few hundred bytes appended to a local file, tens of microseconds,
      // where a round trip through the thread pool costs about 0.3 ms of CPU, a third of the
      // collector's whole tick (bench/sampling.ts).
      while (written < bytes.length) {
        written += fsSync.writeSync(file.handle.fd, bytes, written, bytes.length - written);
      }
    } catch (error) {
      file.checkEnd = true; // a failed write may have left a partial line
      throw error;
    }
  }

  /** What must precede new lines: the header for an empty file, TORN_LINE_END after a torn last line. */
  private async endPrefix(handle: fs.FileHandle): Promise<string> {
    const { size } = await handle.stat();
    if (size === 0) return `${STORE_HEADER}\n`;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a || last[0] === 0x0d ? '' : TORN_LINE_END;
  }

  private async openDay(day: string): Promise<OpenDayFile> {
    const filePath = dayFilePath(this.dir, this.host, day);
    const existing = this.open.get(filePath);
    if (existing !== undefined) return existing;
    await fs.mkdir(path.dirname(filePath), { recursive: true });
    // 'a+': appends always go to the end (O_APPEND), and the last byte can still be read.
    const handle = await fs.open(filePath, 'a+');
    const file: OpenDayFile = { handle, checkEnd: true };
    this.open.set(filePath, file);
    await this.closeOldest();
    return file;
  }

  private async closeOldest(): Promise<void> {
    while (this.open.size > MAX_OPEN_FILES) {
      const [oldestPath, oldest] = this.open.entries().next().value as [string, OpenDayFile];
      this.open.delete(oldestPath);
      await oldest.handle.close();
    }
  }
}
