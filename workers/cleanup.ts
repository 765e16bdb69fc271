/**
 * Cleanup job, run by a job scheduler on the maintenance queue every CLEAR_TEMP_FOLDER_TIMEOUT
 * seconds (the old tool's temp-folder daemon).
 *
 * - Deletes finished exports (`<id>.zip`) older than EXPORT_TTL_S by modification time, which is
 *   when the export finished, so a zip that just finished is never touched.
 * - Deletes orphaned `<id>.zip.part` files older than a day whose export is not active: an
 *   export being written keeps its part file fresh, and a live one is checked in the queue too.
 * - Drops finished jobs older than EXPORT_TTL_S from the three queues: BullMQ's own age-based
 *   removal only runs when another job of the queue finishes, so without this an idle queue
 *   would keep expired jobs for ever.
 * Only TMP_DIR/exports is touched; anything else there is left alone.
 * No retries: the next run comes in a few seconds anyway.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Job, Queue } from 'bullmq';
import type { Config } from '../env/default_env.js';
import { exportsDir, PART_SUFFIX } from '../src/queue/export-files.js';
import { JOB_ID_PATTERN } from '../src/queue/job-view.js';
import type { JobHandler, WorkerContext } from './job-handler.js';

export type CleanupData = Record<string, never>;

export interface CleanupResult {
  /** Files deleted (expired zips and orphaned part files). */
  deleted: number;
  /** Export files kept (not expired, or still being written). */
  kept: number;
  /** Finished jobs older than EXPORT_TTL_S removed from the queues. */
  jobs_removed: number;
}

export const CLEANUP_SCHEDULER_ID = 'cleanup';
const ORPHAN_PART_AGE_MS = 86_400_000;
const CLEAN_BATCH = 1000;

async function isExportActive(exportQueue: Queue, id: string): Promise<boolean> {
  if (!JOB_ID_PATTERN.test(id)) return false;
  const job = await exportQueue.getJob(id);
  return job !== undefined && (await job.getState()) === 'active';
}

async function cleanExportFiles(config: Config, exportQueue: Queue, now: number): Promise<{ deleted: number; kept: number }> {
  const dir = exportsDir(config);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { deleted: 0, kept: 0 };
    throw error;
  }
  let deleted = 0;
  let kept = 0;
  for (const name of names) {
    const isPart = name.endsWith('.zip' + PART_SUFFIX);
    if (!isPart && !name.endsWith('.zip')) continue;
    const file = path.join(dir, name);
    const stat = await fsp.stat(file).catch(() => null);
    if (!stat?.isFile()) continue;
    const age = now - stat.mtimeMs;
    const expired = isPart
      ? age > ORPHAN_PART_AGE_MS && !(await isExportActive(exportQueue, name.slice(0, -('.zip' + PART_SUFFIX).length)))
      : age > config.exportTtlS * 1000;
    if (!expired) {
      kept++;
      continue;
    }
    await fsp.rm(file, { force: true });
    deleted++;
  }
  return { deleted, kept };
}

async function cleanFinishedJobs(queues: Queue[], ttlMs: number): Promise<number> {
  let removed = 0;
  for (const queue of queues) {
    for (const state of ['completed', 'failed'] as const) {
      removed += (await queue.clean(ttlMs, CLEAN_BATCH, state)).length;
    }
  }
  return removed;
}

/** Runs one cleanup pass. */
export async function processCleanup(ctx: WorkerContext, _job?: Job): Promise<CleanupResult> {
  const now = Date.now();
  const files = await cleanExportFiles(ctx.config, ctx.queues.export, now);
  const jobsRemoved = await cleanFinishedJobs(Object.values(ctx.queues), ctx.config.exportTtlS * 1000);
  return { ...files, jobs_removed: jobsRemoved };
}

/**
 * Creates or updates the cleanup scheduler. Idempotent: every process that starts workers calls
 * it, and the scheduler id makes them all share one schedule.
 */
export async function scheduleCleanup(maintenance: Queue, config: Config): Promise<void> {
  await maintenance.upsertJobScheduler(
    CLEANUP_SCHEDULER_ID,
    { every: config.clearTempFolderTimeoutS * 1000 },
    { name: 'cleanup', data: {}, opts: cleanupJob.jobOptions(config) },
  );
}

/** The cleanup kind, on the maintenance queue; its schedule comes from `scheduleCleanup`. */
export const cleanupJob: JobHandler<CleanupData, CleanupResult> = {
  kind: 'cleanup',
  queue: 'maintenance',
  // A run every few seconds: keep the last hundred for inspection, not an hour's worth.
  jobOptions: (config) => ({ attempts: 1, removeOnComplete: { age: config.exportTtlS, count: 100 }, removeOnFail: { age: config.exportTtlS, count: 100 } }),
  workerOptions: { concurrency: 1 },
  createProcessor: (ctx) => (job, _token, _signal) => processCleanup(ctx, job),
};
