/**
 * Export job: the rows of a window, as one CSV in a zip under TMP_DIR/exports.
 *
 * - Three attempts with back-off: what fails here is mostly passing (a full disk being cleaned,
 *   a worker shut down mid-way, which hands the job back by aborting it). Data that cannot be
 *   read as a window fails at once (UnrecoverableError).
 * - Finished jobs (and so their results) stay readable EXPORT_TTL_S, as long as the zip is kept.
 * - Progress: percent of the day files processed.
 * - An empty window is not an error: a zip with just the header, rows 0.
 * - The CSV is the store's own lines where they already are the export's lines (most are:
 *   readWindowText copies them through); only the others are parsed and encoded.
 */
import fsp from 'node:fs/promises';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Config } from '../env/default_env.js';
import { AppError } from '../src/errors.js';
import { exportBaseName, exportPartPath, exportsDir, exportZipPath } from '../src/queue/export-files.js';
import { readWindowBatches, type ReadStats, type ReadWindowOptions } from '../src/store/reader.js';
import { readWindowText } from '../src/store/text-reader.js';
import { parseInstant } from '../src/store/time.js';
import { createRowEncoder, encodeRowBatches } from './export-csv.js';
import { writeCsvZip } from './export-writer.js';
import { retention, type JobHandler, type WorkerContext } from './job-handler.js';
import { createProgressReporter } from './progress.js';

export interface ExportData {
  /** ISO 8601 with offset (normalised when the job was added). */
  start_time: string;
  end_time: string;
  /** Only this host; absent = all hosts. */
  host?: string;
  /** Only these interfaces; absent = all. */
  interfaces?: string[];
}

export interface ExportResult {
  rows: number;
  /** Size of the zip. */
  bytes: number;
  /** Size of the CSV inside it. */
  csv_bytes: number;
  /** The name the download is offered under. */
  file_name: string;
  /** Lines of the store that could not be read (torn or corrupt) and were left out. */
  skipped: number;
}

function windowOf(data: ExportData, tz: string): { start: number; end: number } {
  const start = typeof data?.start_time === 'string' ? parseInstant(data.start_time, tz) : null;
  const end = typeof data?.end_time === 'string' ? parseInstant(data.end_time, tz) : null;
  if (start === null || end === null || start > end) {
    throw new UnrecoverableError(`not a window: start_time ${JSON.stringify(data?.start_time)}, end_time ${JSON.stringify(data?.end_time)}`);
  }
  return { start, end };
}

/**
 * How the window's CSV lines are made. 'text' (the default): store lines already in the export's
 * form are copied through, only others are parsed and encoded. 'rows': every line is parsed
 * into a row and encoded; the same bytes, slower (kept to compare against).
 */
export type ExportReadPath = 'text' | 'rows';

/** The CSV lines (no header) of a window, by either read path. */
export function windowCsvLines(opts: ReadWindowOptions, readPath: ExportReadPath = 'text'): AsyncIterable<string> {
  if (readPath === 'rows') return encodeRowBatches(readWindowBatches(opts), createRowEncoder());
  return readWindowText({ ...opts, encode: createRowEncoder() });
}

/**
 * Runs one export: `config` says where the store and TMP_DIR are; `token` is the worker's lock on
 * the job (checked before the zip is published, so an attempt that lost the job to another
 * worker publishes nothing); `signal` aborts it (the part file is removed and the job is retried
 * later, possibly by another worker).
 */
export async function processExport(
  config: Config,
  job: Job<ExportData, ExportResult>,
  token?: string,
  signal?: AbortSignal,
  readPath: ExportReadPath = 'text',
): Promise<ExportResult> {
  const id = String(job.id);
  const data = job.data;
  const { start, end } = windowOf(data, config.telemetryTz);
  const baseName = exportBaseName(data.host, start, end, config.telemetryTz);
  const stats: ReadStats = { files: 0, rows: 0, skipped: 0 };
  const progress = createProgressReporter(job);
  await fsp.mkdir(exportsDir(config), { recursive: true });

  const window: ReadWindowOptions = {
    dir: config.telemetryDir,
    tz: config.telemetryTz,
    start,
    end,
    host: data.host,
    interfaces: data.interfaces,
    legacyHost: config.hostName,
    stats,
    onDay: (done, total) => progress.report(total > 0 ? Math.round((done / total) * 100) : 0),
  };
  let written;
  try {
    written = await writeCsvZip({
      lines: windowCsvLines(window, readPath),
      entryName: `${baseName}.csv`,
      partPath: exportPartPath(config, id),
      finalPath: exportZipPath(config, id),
      signal,
      // Extending by the export's lock duration (JOB_LOCK_S) both checks and keeps the lock.
      stillOurs: token ? async () => (await job.extendLock(token, config.jobLockS * 1000)) === 1 : undefined,
    });
  } catch (error) {
    // A window the reader refuses (bad host name) fails the same way on every attempt.
    if (error instanceof AppError) throw new UnrecoverableError(error.message);
    throw error;
  }
  await progress.flush(100);
  return {
    rows: stats.rows,
    bytes: written.zipBytes,
    csv_bytes: written.csvBytes,
    file_name: `${baseName}.zip`,
    skipped: stats.skipped,
  };
}

/** The export kind: three attempts with back-off, two at a time per worker (deflate runs off the main thread). */
export const exportJob: JobHandler<ExportData, ExportResult> = {
  kind: 'export',
  queue: 'export',
  jobOptions: (config) => ({ attempts: 3, backoff: { type: 'exponential', delay: 2000 }, ...retention(config.exportTtlS) }),
  workerOptions: { concurrency: 2 },
  createProcessor: (ctx: WorkerContext) => (job, token, signal) => processExport(ctx.config, job, token, signal),
};
