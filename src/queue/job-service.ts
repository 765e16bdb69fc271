/**
 * What the API calls to start, stop and read jobs. Every method throws AppError subclasses from
 * src/errors.ts, and answers within 2 s: while Redis is away it throws ServiceUnavailableError
 * (503) at once, and recovers by itself when Redis returns (see redis.ts and redis-guard.ts).
 *
 * Choices a client can rely on:
 * - Job ids are `col-…` / `exp-…` (cleanup jobs: BullMQ's `repeat:cleanup:…`); anything outside
 *   JOB_ID_PATTERN is 404 before it reaches Redis.
 * - DELETE of a collection that already finished returns it unchanged (DELETE is idempotent);
 *   of a waiting one removes it from the queue and returns it with state 'removed' (it is gone
 *   after that); of an active one asks its worker to stop and waits up to STOP_WAIT_MS for it
 *   to complete, then returns its view (completed with its result, or still active).
 */
import fsp from 'node:fs/promises';
import type { Job, JobState } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../env/default_env.js';
import { collectionJob } from '../../workers/collection.js';
import { exportJob } from '../../workers/export.js';
import { ConflictError, GoneError, NotAllowedError, NotFoundError } from '../errors.js';
import { formatInstant } from '../store/time.js';
import { confirmCollectionLock, releaseCollectionLock, tryCollectionLock } from './collection-lock.js';
import { clearCollectionStop, requestCollectionStop } from './collection-stop.js';
import { exportZipPath } from './export-files.js';
import { JOB_ID_PATTERN, JOB_KINDS, kindFromId, newJobId, toJobView, type JobKind, type JobView } from './job-view.js';
import { closeQueues, collectionLockKey, openQueues, QUEUE_OF_KIND, type Queues } from './queues.js';
import { closeRedis, createRedis } from './redis.js';
import { pingWithin, withRedis } from './redis-guard.js';
import { parseCollectionRequest, parseExportRequest } from './requests.js';

/** States in which a collection holds its host. */
const UNFINISHED: ReadonlySet<string> = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
const STOP_WAIT_MS = 800;
const LIST_LIMIT = 100;

/** The job side of the API: one per API process, owning its connection and queues. */
export class JobService {
  private readonly redis: Redis;
  private readonly queues: Queues;

  /** Opens its own `client` connection and the three queues; `close` releases them. */
  constructor(private readonly config: Config) {
    this.redis = createRedis(config, 'client', 'pct-api');
    this.queues = openQueues(this.redis, config.queuePrefix);
  }

  /** Adds a collection of this host. 405 in DOCKER_MODE; 409 with `{job}` while one waits or runs. */
  async startCollection(body: { interval_s?: number; duration_s?: number; label?: string }): Promise<JobView> {
    if (this.config.dockerMode) {
      throw new NotAllowedError(
        'Collections cannot be started from the API in DOCKER_MODE: a container does not see the host. ' +
          'Run the host collector on the host instead: npm run collector -- --interval 5',
      );
    }
    const data = parseCollectionRequest(body, this.config.hostName);
    return withRedis(this.redis, async () => {
      const id = newJobId('collection');
      const lockKey = collectionLockKey(this.config.queuePrefix, data.host);
      await this.takeHostLock(lockKey, id, data.host);
      try {
        const job = await this.queues.collection.add('collection', data, { ...collectionJob.jobOptions(this.config), jobId: id });
        await confirmCollectionLock(this.redis, lockKey, id);
        return this.view(job, 'collection', 'waiting');
      } catch (error) {
        await releaseCollectionLock(this.redis, lockKey, id).catch(() => undefined);
        throw error;
      }
    });
  }

  /** Takes the host's collection lock for `id`, or throws 409 naming the collection holding it. */
  private async takeHostLock(lockKey: string, id: string, host: string): Promise<void> {
    let staleHolder = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const outcome = await tryCollectionLock(this.redis, lockKey, id, staleHolder);
      if (outcome.acquired) return;
      const holder = await this.queues.collection.getJob(outcome.holder);
      const state = holder ? await holder.getState() : undefined;
      if (holder && state && UNFINISHED.has(state)) throw this.collectionConflict(this.view(holder, 'collection', state), host);
      if (!holder && outcome.provisional) throw this.collectionConflict(this.startingView(outcome.holder, host), host);
      staleHolder = outcome.holder; // finished, failed or gone: take it over
    }
    throw new ConflictError(`Another collection is being started on host ${host}; retry in a moment`);
  }

  private collectionConflict(job: JobView, host: string): ConflictError {
    const verb = job.state === 'active' ? 'runs' : 'waits to run';
    return new ConflictError(
      `A collection already ${verb} on host ${host}: job ${job.id}. Stop it first with DELETE /api/v1/collections/${job.id}`,
      { job },
    );
  }

  /** The view of a collection that another request is adding at this very moment. */
  private startingView(id: string, host: string): JobView {
    return {
      id, kind: 'collection', state: 'waiting', progress: 0, data: { host }, result: null, error: null,
      created_at: formatInstant(Date.now(), this.config.telemetryTz), started_at: null, finished_at: null,
    };
  }

  /** Stops collection `id` (see the file comment for each state). 404 when unknown. */
  async stopCollection(id: string): Promise<JobView> {
    return withRedis(this.redis, async () => {
      const job = await this.findJob(id, 'collection');
      const state = await job.getState();
      if (!UNFINISHED.has(state)) return this.view(job, 'collection', state);
      await requestCollectionStop(this.redis, this.config.queuePrefix, id);
      if (state !== 'active' && (await this.removeWaiting(job))) {
        return { ...this.view(job, 'collection', 'removed'), finished_at: formatInstant(Date.now(), this.config.telemetryTz) };
      }
      return this.viewAfterStop(id);
    });
  }

  /** Removes a collection that has not started; false when a worker took it meanwhile. */
  private async removeWaiting(job: Job): Promise<boolean> {
    try {
      await job.remove();
    } catch {
      return false; // locked by a worker now: it will see the stop key
    }
    const data = job.data as { host: string };
    await releaseCollectionLock(this.redis, collectionLockKey(this.config.queuePrefix, data.host), String(job.id));
    await clearCollectionStop(this.redis, this.config.queuePrefix, String(job.id));
    return true;
  }

  private async viewAfterStop(id: string): Promise<JobView> {
    const until = Date.now() + STOP_WAIT_MS;
    for (;;) {
      const job = await this.findJob(id, 'collection');
      const state = await job.getState();
      if (!UNFINISHED.has(state) || Date.now() >= until) return this.view(job, 'collection', state);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The collections the queue knows (unfinished and kept finished ones), newest first, at most 100. */
  async listCollections(): Promise<JobView[]> {
    return withRedis(this.redis, async () => {
      const states: JobState[] = ['active', 'waiting', 'delayed', 'prioritized', 'completed', 'failed'];
      const lists = await Promise.all(
        states.map(async (state) => {
          const jobs = await this.queues.collection.getJobs([state], 0, LIST_LIMIT - 1);
          return jobs.filter(Boolean).map((job) => this.view(job, 'collection', state));
        }),
      );
      // By instant, not by text: offsets differ across a DST change.
      return lists.flat().sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at)).slice(0, LIST_LIMIT);
    });
  }

  /** Any job by id; with `kind`, only a job of that kind. 404 for unknown, expired or other-kind ids. */
  async getJob(id: string, kind?: JobKind): Promise<JobView> {
    return withRedis(this.redis, async () => {
      const { job, state } = await this.findJobWithState(id, kind);
      return this.view(job, this.kindOf(job), state);
    });
  }

  /**
   * The job and its state, consistent with each other: a job that finishes between reading its
   * hash and reading its state would otherwise read back completed without a result, so a
   * finished state with no finish time in the hash reads the hash again.
   */
  private async findJobWithState(id: string, kind?: JobKind): Promise<{ job: Job; state: JobState | 'unknown' }> {
    const job = await this.findJob(id, kind);
    const state = await job.getState();
    if ((state === 'completed' || state === 'failed') && !job.finishedOn) {
      const fresh = await this.queues[QUEUE_OF_KIND[this.kindOf(job)]].getJob(id);
      if (fresh) return { job: fresh, state };
    }
    return { job, state };
  }

  private kindOf(job: Job): JobKind {
    return JOB_KINDS.find((kind) => kind === job.name) ?? 'cleanup';
  }

  /** The job `id` (of `kind` when given), looked up in the queue its id points to first. */
  private async findJob(id: string, kind?: JobKind): Promise<Job> {
    const label = kind ?? 'job';
    if (typeof id !== 'string' || !JOB_ID_PATTERN.test(id)) throw new NotFoundError(`No ${label} with id ${JSON.stringify(String(id).slice(0, 140))}`);
    const hinted = kind ?? kindFromId(id);
    const kinds = kind ? [kind] : hinted ? [hinted, ...JOB_KINDS.filter((k) => k !== hinted)] : JOB_KINDS;
    for (const candidate of kinds) {
      const job = await this.queues[QUEUE_OF_KIND[candidate]].getJob(id);
      if (job && job.name === candidate) return job;
    }
    throw new NotFoundError(`No ${label} with id ${id} (unknown, or expired after ${this.config.exportTtlS} s)`);
  }

  /** Adds an export of a window. 400 naming the field for a bad or too long window. */
  async startExport(body: { start_time: string; end_time: string; host?: string; interfaces?: string[] }): Promise<JobView> {
    const data = parseExportRequest(body, this.config.telemetryTz);
    return withRedis(this.redis, async () => {
      const job = await this.queues.export.add('export', data, { ...exportJob.jobOptions(this.config), jobId: newJobId('export') });
      return this.view(job, 'export', 'waiting');
    });
  }

  /** The zip of a completed export. 404 unknown, 409 not completed (says its state), 410 cleaned up. */
  async exportFile(id: string): Promise<{ path: string; fileName: string }> {
    return withRedis(this.redis, async () => {
      const { job, state } = await this.findJobWithState(id, 'export');
      if (state !== 'completed') {
        const why = state === 'failed' ? `failed (${job.failedReason}); start a new export` : `${state}, not ready yet; poll GET /api/v1/exports/${id}`;
        throw new ConflictError(`Export ${id} is ${why}`);
      }
      const path = exportZipPath(this.config, String(job.id));
      try {
        await fsp.access(path);
      } catch {
        throw new GoneError(`Export ${id} was cleaned up after ${this.config.exportTtlS} s; start a new export`);
      }
      const result = job.returnvalue as { file_name?: string } | null;
      return { path, fileName: result?.file_name ?? `${id}.zip` };
    });
  }

  /** True when Redis answers a PING within about a second (for /health). Never throws. */
  async redisAnswers(): Promise<boolean> {
    return pingWithin(this.redis, 1000);
  }

  /** Closes the queues and the connection. */
  async close(): Promise<void> {
    await closeQueues(this.queues);
    await closeRedis(this.redis);
  }

  private view(job: Job, kind: JobKind, state: JobState | 'unknown' | 'removed'): JobView {
    return toJobView(job, kind, state, this.config.telemetryTz);
  }
}
