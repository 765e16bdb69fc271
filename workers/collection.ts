/**
 * Collection job: samples this host into the store until its duration ends or it is stopped.
 *
 * - No retries: a collection that failed would resume with a gap anyway, and bad data
 *   (UnrecoverableError) would fail the same way again. A worker that dies mid-run still hands
 *   the job back through BullMQ's stalled-job check (maxStalledCount 1) and sampling resumes.
 * - Lock twice JOB_LOCK_S, 2 min by default (renewed every half of it while the processor runs):
 *   a Redis outage shorter than that does not make a long collection look stalled and run twice.
 * - Stop: a stop key polled every second plus a pub/sub message (collection-stop.ts), or the
 *   process shutting down; either aborts `collect`, which writes what it sampled and returns,
 *   so the job completes with `stopped: true` and says who stopped it. The same poll stops a
 *   run whose job is no longer its own: gone from Redis, or its lock lost in an outage longer
 *   than the lock (BullMQ's stalled check then runs the job again, from one worker only).
 * - Progress: percent of the duration, or {samples, rows} when open-ended, at most once a second.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { HOST_NAME_PATTERN } from '../env/default_env.js';
import { confirmCollectionLock, releaseCollectionLock } from '../src/queue/collection-lock.js';
import { clearCollectionStop, isCollectionStopRequested } from '../src/queue/collection-stop.js';
import { collectionLockKey } from '../src/queue/queues.js';
import { collect, type CollectResult } from '../src/sampling/collect.js';
import { MAX_DURATION_S, MAX_INTERVAL_S, MIN_INTERVAL_S } from '../src/sampling/limits.js';
import { retention, type JobHandler, type WorkerContext } from './job-handler.js';
import { createProgressReporter } from './progress.js';

export interface CollectionData {
  /** Seconds between samples, 0.2 to 3600. */
  interval_s: number;
  /** Seconds to run, at most 7 days; absent = until stopped. */
  duration_s?: number;
  label?: string;
  /** The host the collection is filed under (and locked for). */
  host: string;
}

/**
 * 'lost': the job is no longer this run's: gone from Redis (restarted without its data: nobody
 * could see or stop it, and it would hold the worker's collection slot for ever), or its lock
 * expired during a Redis outage longer than the lock, so BullMQ hands it to a worker again and
 * this run going on would sample the host twice.
 */
export type StopReason = 'request' | 'shutdown' | 'lost';

export interface CollectionResult extends CollectResult {
  /** Why it stopped early: a DELETE, or the worker process shutting down; null when it ran its course. */
  stopped_by: StopReason | null;
}

const STOP_POLL_MS = 1000;

function checkData(data: CollectionData, hostName: string): void {
  const { interval_s: interval, duration_s: duration, host } = data ?? {};
  if (typeof interval !== 'number' || !(interval >= MIN_INTERVAL_S && interval <= MAX_INTERVAL_S)) {
    throw new UnrecoverableError(`interval_s must be a number from ${MIN_INTERVAL_S} to ${MAX_INTERVAL_S}, got ${JSON.stringify(interval)}`);
  }
  if (duration !== undefined && (typeof duration !== 'number' || !(duration > 0 && duration <= MAX_DURATION_S))) {
    throw new UnrecoverableError(`duration_s must be a number up to ${MAX_DURATION_S}, got ${JSON.stringify(duration)}`);
  }
  if (typeof host !== 'string' || !HOST_NAME_PATTERN.test(host)) {
    throw new UnrecoverableError(`host must be a host name, got ${JSON.stringify(host)}`);
  }
  // A worker can only sample the machine it runs on; filing its figures under another host's
  // name would be silently wrong.
  if (host !== hostName) {
    throw new UnrecoverableError(`collection for host ${host} was picked up by a worker on ${hostName}; run a worker on ${host}`);
  }
}

/** Aborts once, remembering the first reason. */
class StopTrigger {
  private readonly controller = new AbortController();
  reason: StopReason | null = null;
  readonly signal = this.controller.signal;
  fire(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort();
  }
}

function progressOf(data: CollectionData, startedAt: number, totals: { samples: number; rows: number }): number | object {
  if (data.duration_s === undefined) return { samples: totals.samples, rows: totals.rows };
  return Math.min(100, Math.round(((Date.now() - startedAt) / (data.duration_s * 10)) * 10) / 10);
}

/**
 * The once-a-second check of a running collection: a stop request, or a job that is no longer
 * this run's (see StopReason); null to go on. Without `token` (a processor called directly) the
 * job's lock is not checked.
 */
async function stopReasonNow(ctx: WorkerContext, id: string, token: string | undefined): Promise<StopReason | null> {
  const jobKey = ctx.queues.collection.toKey(id);
  const [stopRequested, known, lockHolder] = await Promise.all([
    isCollectionStopRequested(ctx.redis, ctx.config.queuePrefix, id),
    ctx.redis.exists(jobKey),
    token === undefined ? Promise.resolve(undefined) : ctx.redis.get(`${jobKey}:lock`),
  ]);
  if (stopRequested) return 'request';
  if (known === 0) {
    ctx.log(`[worker] collection ${id} is no longer in Redis (restarted without its data?); stopping it`);
    return 'lost';
  }
  if (token !== undefined && lockHolder !== token) {
    ctx.log(`[worker] collection ${id} lost its lock (Redis away longer than it lasts); stopping so it is not sampled twice`);
    return 'lost';
  }
  return null;
}

/** Runs one collection job; see the file comment for how it stops. `token`: the job's lock, as BullMQ hands it to the processor. */
export async function processCollection(
  ctx: WorkerContext,
  job: Job<CollectionData, CollectionResult>,
  signal?: AbortSignal,
  token?: string,
): Promise<CollectionResult> {
  const { config, redis } = ctx;
  const id = String(job.id);
  const data = job.data;
  checkData(data, config.hostName);
  const lockKey = collectionLockKey(config.queuePrefix, data.host);
  if (!(await confirmCollectionLock(redis, lockKey, id))) {
    throw new UnrecoverableError(`another collection already runs on host ${data.host}`);
  }

  const stop = new StopTrigger();
  const onShutdown = () => stop.fire('shutdown');
  signal?.addEventListener('abort', onShutdown);
  ctx.shutdown.addEventListener('abort', onShutdown);
  if (signal?.aborted || ctx.shutdown.aborted) onShutdown();
  const unwatch = ctx.stops.watch(id, () => stop.fire('request'));
  let polling = false;
  const poll = setInterval(() => {
    if (polling) return;
    polling = true;
    (stop.reason ? Promise.resolve(null) : stopReasonNow(ctx, id, token))
      .then((reason) => reason && stop.fire(reason))
      .catch(() => undefined)
      .finally(() => (polling = false));
  }, STOP_POLL_MS);

  const progress = createProgressReporter(job);
  const startedAt = Date.now();
  try {
    if (await isCollectionStopRequested(redis, config.queuePrefix, id)) stop.fire('request');
    if (stop.signal.aborted) {
      return { samples: 0, rows: 0, first_time: null, last_time: null, stopped: true, stopped_by: stop.reason };
    }
    let result: CollectResult;
    try {
      result = await collect({
        intervalS: data.interval_s,
        durationS: data.duration_s,
        host: data.host,
        tz: config.telemetryTz,
        dir: config.telemetryDir,
        signal: stop.signal,
        onSample: (_rows, totals) => progress.report(progressOf(data, startedAt, totals)),
      });
    } catch (error) {
      // Unwritable store, sampler failure: the same run would fail the same way again.
      throw new UnrecoverableError(`collection failed: ${(error as Error).message}`);
    }
    await progress.flush(
      data.duration_s === undefined || result.stopped ? progressOf(data, startedAt, result) : 100,
    );
    return { ...result, stopped_by: result.stopped ? (stop.reason ?? 'request') : null };
  } finally {
    clearInterval(poll);
    unwatch();
    signal?.removeEventListener('abort', onShutdown);
    ctx.shutdown.removeEventListener('abort', onShutdown);
    await Promise.allSettled([
      clearCollectionStop(redis, config.queuePrefix, id),
      releaseCollectionLock(redis, lockKey, id),
    ]);
  }
}

/** The collection kind: no retries, a long lock, one at a time per worker (see the file comment). */
export const collectionJob: JobHandler<CollectionData, CollectionResult> = {
  kind: 'collection',
  queue: 'collection',
  jobOptions: (config) => ({ attempts: 1, ...retention(config.exportTtlS) }),
  workerOptions: { concurrency: 1, lockScale: 2, maxStalledCount: 1 },
  createProcessor: (ctx) => (job, token, signal) => processCollection(ctx, job, signal, token),
};
