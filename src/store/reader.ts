/**
 * Reads a time window of the store: the rows of [start, end] for one host or all, in time order,
 * streamed with flat memory, from the store's layout and the old tool's.
 *
 * Which files: those whose name's day is within the window's days in `tz`, plus one day on each
 * side. The extra day covers files named in another zone than the reader's (a host collector
 * configured with another TELEMETRY_TZ than the service, or old files written before
 * TELEMETRY_TZ changed); it costs two small probes, because a day file is bisected to the
 * window's start and left right after its end, so a file that holds nothing of the window is
 * barely read.
 */
import { BadRequestError } from '../errors.js';
import { openDayFile, readOpenDayFile, type DayFileWindow, type OpenDayFile } from './day-file-reader.js';
import { mergeByTime } from './merge.js';
import { isStoreHostName, listHostDayFiles, listHosts, listLegacyDayFiles, windowDayRange, type DayFile } from './paths.js';
import type { TelemetryRow } from './row.js';

export { listHosts };

export interface ReadStats {
  /** Day files opened. */
  files: number;
  /** Rows yielded. */
  rows: number;
  /** Lines that could not be read (garbage, wrong column count, bad time or number, torn). */
  skipped: number;
}

export interface ReadWindowOptions {
  dir: string;
  tz: string;
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, inclusive. */
  end: number;
  /** undefined = all hosts. */
  host?: string;
  /** undefined = all interfaces. */
  interfaces?: string[];
  /** Host of the old layout's rows (`DD-MM-YYYY/data.csv` has no host column): config.hostName. */
  legacyHost: string;
  /** Filled in while reading. */
  stats?: ReadStats;
  /** Progress: day files processed so far, of all the window needs. */
  onDay?: (done: number, total: number) => void;
}

/** Extra days read on each side of the window, for files named in another zone. */
const ZONE_MARGIN_DAYS = 1;
/** Day files opened ahead of the one being read, per host. */
const OPEN_AHEAD = 2;

/** The range of instants a JavaScript Date (and so a day file name) can hold. */
const isInstant = (ms: number) => Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;

function checkWindow(opts: ReadWindowOptions): void {
  const problems: { field: string; message: string }[] = [];
  if (!isInstant(opts.start)) problems.push({ field: 'start_time', message: 'start_time is not a valid instant' });
  if (!isInstant(opts.end)) problems.push({ field: 'end_time', message: 'end_time is not a valid instant' });
  if (problems.length === 0 && opts.start > opts.end) problems.push({ field: 'start_time', message: 'start_time is after end_time' });
  const host = opts.host;
  if (host !== undefined && host !== opts.legacyHost && !isStoreHostName(host)) {
    problems.push({ field: 'host', message: `host ${JSON.stringify(host)} is not a valid host name` });
  }
  if (problems.length > 0) throw new BadRequestError(problems.map((p) => p.message).join('; '), problems);
}

/** The day files of the window, grouped by source: one list per host folder, one for the old layout. */
async function windowSources(opts: ReadWindowOptions): Promise<DayFile[][]> {
  const { first, last } = windowDayRange(opts.start, opts.end, opts.tz, ZONE_MARGIN_DAYS);
  const hosts = opts.host === undefined ? await listHosts(opts.dir) : isStoreHostName(opts.host) ? [opts.host] : [];
  const sources = await Promise.all(hosts.map((host) => listHostDayFiles(opts.dir, host, first, last)));
  if (opts.host === undefined || opts.host === opts.legacyHost) {
    sources.push(await listLegacyDayFiles(opts.dir, first, last));
  }
  return sources.filter((files) => files.length > 0);
}

/**
 * The rows of the window in batches, in time order (ties: by host name, the old layout last).
 * What readWindow yields row by row; consumers that handle rows in bulk (exports) save the
 * per-row cost of an async iteration.
 */
export async function* readWindowBatches(opts: ReadWindowOptions): AsyncGenerator<TelemetryRow[]> {
  for await (const rows of windowBatches(opts)) {
    if (opts.stats) opts.stats.rows += rows.length;
    yield rows;
  }
}

/** The batches of the window, counting files and skipped lines (rows are counted as handed on). */
async function* windowBatches(opts: ReadWindowOptions): AsyncGenerator<TelemetryRow[]> {
  const plan = await planWindow(opts);
  for await (const batch of mergeByTime(plan.sources.map((files) => plan.readSource(files, readOpenDayFile)))) yield batch.rows;
}

/** The day files of a window, ready to stream in whatever form a reader wants. */
export interface WindowPlan {
  /** One list of day files per source (host folder, old layout), each in day order. */
  sources: DayFile[][];
  /**
   * Streams the files of one source in order through `readFile`, opening (and probing) the next
   * ones while the current one streams; counts files opened and reports progress per file.
   */
  readSource<T>(files: DayFile[], readFile: (file: OpenDayFile, window: DayFileWindow) => AsyncIterable<T>): AsyncGenerator<T>;
}

/**
 * Checks the window (BadRequestError for a bad window or host name), lists its day files and
 * reports progress 0 of their number. Skipped lines are counted in `opts.stats`; rows are not
 * (each reader counts them as it hands them on).
 */
export async function planWindow(opts: ReadWindowOptions): Promise<WindowPlan> {
  checkWindow(opts);
  const stats = opts.stats ?? { files: 0, rows: 0, skipped: 0 };
  const sources = await windowSources(opts);
  const total = sources.reduce((sum, files) => sum + files.length, 0);
  let done = 0;
  const window: DayFileWindow = {
    start: opts.start,
    end: opts.end,
    tz: opts.tz,
    legacyHost: opts.legacyHost,
    interfaces: opts.interfaces === undefined ? undefined : new Set(opts.interfaces),
    onSkipped: (count) => {
      stats.skipped += count;
    },
  };
  opts.onDay?.(0, total);
  async function* readSource<T>(files: DayFile[], readFile: (file: OpenDayFile, window: DayFileWindow) => AsyncIterable<T>): AsyncGenerator<T> {
    // The next files are opened (and probed) while the current one streams: for a short window
    // the neighbouring days' probes then cost no waiting.
    const opening: Promise<OpenDayFile | null>[] = [];
    let next = 0;
    try {
      while (next < files.length || opening.length > 0) {
        while (opening.length <= OPEN_AHEAD && next < files.length) {
          stats.files++;
          const pending = openDayFile(files[next++] as DayFile, window);
          pending.catch(() => undefined); // awaited in turn below; not an unhandled rejection meanwhile
          opening.push(pending);
        }
        const file = await opening.shift();
        if (file) yield* readFile(file, window);
        opts.onDay?.(++done, total);
      }
    } finally {
      // Stopped early: close what was opened ahead.
      for (const pending of opening) await (await pending.catch(() => null))?.handle.close();
    }
  }
  return { sources, readSource };
}

/**
 * Yields the rows of batches one by one. A hand-written iterator rather than `yield*` in an async
 * generator: a row already in memory is handed over in one resolved promise, without the
 * generator's extra queueing per value, which is most of the cost of a row read this way.
 */
class RowIterator implements AsyncGenerator<TelemetryRow, undefined> {
  private rows: TelemetryRow[] = [];
  private index = 0;

  constructor(
    private readonly batches: AsyncGenerator<TelemetryRow[]>,
    private readonly stats: ReadStats | undefined,
  ) {}

  next(): Promise<IteratorResult<TelemetryRow, undefined>> {
    if (this.index < this.rows.length) {
      if (this.stats) this.stats.rows++;
      return Promise.resolve({ value: this.rows[this.index++] as TelemetryRow, done: false });
    }
    return this.refill();
  }

  private async refill(): Promise<IteratorResult<TelemetryRow, undefined>> {
    for (;;) {
      const next = await this.batches.next();
      if (next.done) return { value: undefined, done: true };
      if (next.value.length > 0) {
        this.rows = next.value;
        this.index = 1;
        if (this.stats) this.stats.rows++;
        return { value: next.value[0] as TelemetryRow, done: false };
      }
    }
  }

  async return(): Promise<IteratorResult<TelemetryRow, undefined>> {
    this.rows = [];
    await this.batches.return(undefined);
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<TelemetryRow, undefined>> {
    this.rows = [];
    await this.batches.return(undefined);
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Streams the rows of [start, end] (epoch ms, inclusive) for one host or all, in time order,
 * opening only the day files that can overlap the window. Never throws for bad file content:
 * lines it cannot read are counted in `stats.skipped`. Throws BadRequestError for a bad window
 * or host name (on the first `next()`).
 */
export function readWindow(opts: ReadWindowOptions): AsyncGenerator<TelemetryRow> {
  return new RowIterator(windowBatches(opts), opts.stats);
}
