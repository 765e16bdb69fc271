/**
 * The connections and signals processors share in one worker process (see WorkerContext).
 * Tests build one to call processors directly, exactly as the workers do.
 */
import type { Config } from '../env/default_env.js';
import { CollectionStopListener } from '../src/queue/collection-stop.js';
import { closeQueues, openQueues } from '../src/queue/queues.js';
import { closeRedis, createRedis } from '../src/queue/redis.js';
import type { WorkerContext } from './job-handler.js';

export interface OwnedWorkerContext {
  ctx: WorkerContext;
  /** Aborts `ctx.shutdown`: running collections write what they sampled and complete. */
  shutdown(): void;
  /** Closes the queues and connections (after the workers using them). */
  close(): Promise<void>;
}

/** Opens a `worker` connection, a stop listener and the three queues for `config`. */
export function createWorkerContext(config: Config, log: (line: string) => void = console.error): OwnedWorkerContext {
  const redis = createRedis(config, 'worker', 'pct-worker', log);
  const stops = new CollectionStopListener(createRedis(config, 'worker', 'pct-stop-listener', log), config.queuePrefix);
  const queues = openQueues(redis, config.queuePrefix);
  const shutdown = new AbortController();
  return {
    ctx: { config, redis, queues, stops, shutdown: shutdown.signal, log },
    shutdown: () => shutdown.abort(),
    async close() {
      shutdown.abort();
      await stops.close();
      await closeQueues(queues);
      await closeRedis(redis);
    },
  };
}
