/**
 * What every job kind provides, and what its processor may use. One file per kind implements it
 * (collection.ts, export.ts, cleanup.ts); registry.ts lists them.
 */
import type { JobsOptions, Processor, WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../env/default_env.js';
import type { CollectionStopListener } from '../src/queue/collection-stop.js';
import type { JobKind } from '../src/queue/job-view.js';
import type { QueueName, Queues } from '../src/queue/queues.js';

/** Everything a processor needs besides its job; built by `createWorkerContext`. */
export interface WorkerContext {
  config: Config;
  /** A `worker` role connection: commands wait out an outage instead of failing the job. */
  redis: Redis;
  /** The three queues on `redis` (cleanup inspects and trims them). */
  queues: Queues;
  /** Announces stop requests for collections. */
  stops: CollectionStopListener;
  /** Aborted when the process shuts down: collections then write what they sampled and complete. */
  shutdown: AbortSignal;
  log: (line: string) => void;
}

/**
 * The worker options a kind may set; connection, prefix and lock timing come from the runner.
 * `lockScale`: the kind's lock lasts this many times JOB_LOCK_S (default 1).
 */
export type KindWorkerOptions = Pick<WorkerOptions, 'concurrency' | 'maxStalledCount'> & { lockScale?: number };

export interface JobHandler<Data = unknown, Result = unknown> {
  /** Also the BullMQ job name: the worker of a queue dispatches on it. */
  readonly kind: JobKind;
  readonly queue: QueueName;
  /** Retry and retention of this kind's jobs (retention follows EXPORT_TTL_S). */
  jobOptions(config: Config): JobsOptions;
  readonly workerOptions: KindWorkerOptions;
  /**
   * The processor, `(job, token, signal) => Promise<Result>`. It must declare all three
   * parameters: BullMQ passes the abort signal only to functions of length 3.
   */
  createProcessor(ctx: WorkerContext): Processor<Data, Result>;
}

/** Keeps finished jobs readable for at least `ttlS` seconds; BullMQ drops older ones lazily. */
export function retention(ttlS: number): Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> {
  return { removeOnComplete: { age: ttlS }, removeOnFail: { age: ttlS } };
}
