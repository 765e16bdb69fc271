/**
 * Starts a worker for each queue and the cleanup scheduler; what `npm run worker` (and the
 * all-in-one `npm start`) runs. Any number of these processes can share one Redis.
 *
 * Shutdown (`close`): collections are told to stop (they write what they sampled and complete),
 * then every worker closes, which lets running jobs finish; an export still running after
 * EXPORT_GRACE_MS is aborted, which removes its part file and hands the job back for a retry,
 * possibly on another worker.
 */
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Config } from '../env/default_env.js';
import type { JobKind } from '../src/queue/job-view.js';
import { QUEUE_NAMES, type QueueName } from '../src/queue/queues.js';
import { scheduleCleanup } from './cleanup.js';
import { createWorkerContext } from './context.js';
import type { WorkerContext } from './job-handler.js';
import { buildRegistry, JOB_HANDLERS, type AnyJobHandler } from './registry.js';

export const EXPORT_GRACE_MS = 6000;
const SCHEDULE_RETRY_MS = 5000;

export interface RunningWorkers {
  close(): Promise<void>;
}

/**
 * BullMQ timing for a queue's worker from JOB_LOCK_S: the lock lasts `lockScale` times it, and
 * stalled jobs are looked for every half of it, so a job whose worker died goes back to the queue
 * within about lock + two checks. The defaults (60 s) keep BullMQ's 30 s stalled check.
 */
export function queueWorkerOptions(
  handler: AnyJobHandler | undefined,
  config: Config,
): Pick<WorkerOptions, 'concurrency' | 'maxStalledCount' | 'lockDuration' | 'stalledInterval'> {
  const { lockScale = 1, ...own } = handler?.workerOptions ?? {};
  const lockMs = config.jobLockS * 1000;
  return { ...own, lockDuration: lockMs * lockScale, stalledInterval: lockMs / 2 };
}

function startQueueWorker(queue: QueueName, handlers: AnyJobHandler[], ctx: WorkerContext): Worker {
  const processors = new Map(handlers.map((handler) => [handler.kind, handler.createProcessor(ctx)]));
  // Three declared parameters: BullMQ hands the abort signal only to processors of length 3.
  const dispatch = async (job: Job, token?: string, signal?: AbortSignal) => {
    const processor = processors.get(job.name as JobKind);
    if (!processor) throw new UnrecoverableError(`no handler for job '${job.name}' on queue '${queue}'`);
    return processor(job, token, signal);
  };
  const worker = new Worker(queue, dispatch, {
    connection: ctx.redis,
    prefix: ctx.config.queuePrefix,
    name: `${ctx.config.hostName}:${process.pid}`,
    ...queueWorkerOptions(handlers[0], ctx.config),
  });
  // Connection errors are logged once per outage by the connection; only other errors are news.
  worker.on('error', (error) => {
    if (ctx.redis.status === 'ready') ctx.log(`[worker] ${queue}: ${error.message}`);
  });
  worker.on('failed', (job, error) => ctx.log(`[worker] ${queue} job ${job?.id ?? '?'} failed: ${error.message}`));
  if (ctx.config.debugMode) worker.on('completed', (job) => ctx.log(`[worker] ${queue} job ${job.id} completed`));
  return worker;
}

/** Keeps trying to install the cleanup scheduler until it is in place or the workers close. */
async function keepScheduling(ctx: WorkerContext, isClosed: () => boolean): Promise<void> {
  while (!isClosed()) {
    try {
      await scheduleCleanup(ctx.queues.maintenance, ctx.config);
      return;
    } catch (error) {
      if (isClosed()) return;
      ctx.log(`[worker] cleanup scheduler not installed yet: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, SCHEDULE_RETRY_MS).unref());
    }
  }
}

/**
 * Starts the workers for every registered kind and the cleanup scheduler. Throws RegistryError
 * when the registry is broken. Does not wait for Redis: workers connect (and reconnect) by
 * themselves.
 */
export async function startWorkers(
  config: Config,
  options: { log?: (line: string) => void; handlers?: readonly AnyJobHandler[] } = {},
): Promise<RunningWorkers> {
  const registry = buildRegistry(options.handlers ?? JOB_HANDLERS);
  const owned = createWorkerContext(config, options.log ?? console.error);
  const workers: Worker[] = [];
  for (const queue of QUEUE_NAMES) {
    const handlers = [...registry.values()].filter((handler) => handler.queue === queue);
    if (handlers.length > 0) workers.push(startQueueWorker(queue, handlers, owned.ctx));
  }
  let closed = false;
  void keepScheduling(owned.ctx, () => closed);

  return {
    async close() {
      if (closed) return;
      closed = true;
      owned.shutdown();
      const grace = setTimeout(() => workers.forEach((worker) => worker.cancelAllJobs('worker shutting down')), EXPORT_GRACE_MS);
      try {
        await Promise.allSettled(workers.map((worker) => worker.close()));
      } finally {
        clearTimeout(grace);
        await owned.close();
      }
    },
  };
}
