/**
 * The three BullMQ queues and the Redis keys of our own that live beside them, all under
 * `config.queuePrefix` so several deployments (and test runs) share one Redis safely.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobKind } from './job-view.js';

export const QUEUE_NAMES = ['collection', 'export', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Which queue carries each job kind (cleanup runs on the maintenance queue). */
export const QUEUE_OF_KIND: Readonly<Record<JobKind, QueueName>> = {
  collection: 'collection',
  export: 'export',
  cleanup: 'maintenance',
};

export type Queues = Readonly<Record<QueueName, Queue>>;

/**
 * Opens the three queues on one shared connection. The connection stays the caller's: closing
 * the queues leaves it open.
 *
 * `skipVersionCheck` keeps queue start-up to "wait for ready" only: the version check's INFO
 * could fail on a `client` connection during an outage and leave the queue unusable for good,
 * while the workers check the version anyway.
 */
export function openQueues(connection: Redis, prefix: string): Queues {
  const open = (name: QueueName) => {
    const queue = new Queue(name, { connection, prefix, skipVersionCheck: true });
    // Connection errors are logged once by the connection itself (see redis.ts).
    queue.on('error', () => {});
    return queue;
  };
  return { collection: open('collection'), export: open('export'), maintenance: open('maintenance') };
}

/** Closes the queues (not their shared connection). */
export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
}

/** Holds the id of the collection that waits or runs on `host` (see collection-lock.ts). */
export function collectionLockKey(prefix: string, host: string): string {
  return `${prefix}:collection:lock:${host}`;
}

/** Set while a stop of collection `id` is pending; the worker checks it (see collection-stop.ts). */
export function collectionStopKey(prefix: string, id: string): string {
  return `${prefix}:collection:stop:${id}`;
}

/** Pub/sub channel on which stop requests are announced, the job id as message. */
export function collectionStopChannel(prefix: string): string {
  return `${prefix}:collection:stop`;
}
