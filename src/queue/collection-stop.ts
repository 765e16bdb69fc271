/**
 * Stopping a collection from another process (the API and the worker may run apart, on other
 * machines): a stop key that lives until the worker has seen it, plus a pub/sub message so the
 * worker reacts at once rather than at its next check.
 *
 * The key is the source of truth: a message is lost when the worker's subscriber is reconnecting,
 * and a stopped job that is handed to another worker (after a crash) must still stop. The worker
 * polls it about once a second; the message makes the common case immediate.
 */
import type { Redis } from 'ioredis';
import { collectionStopChannel, collectionStopKey } from './queues.js';

/** Long enough for any worker to notice; the worker deletes it when the job ends. */
const STOP_KEY_TTL_S = 86_400;

/** Asks the worker running collection `id` to stop (it writes what it sampled and completes). */
export async function requestCollectionStop(redis: Redis, prefix: string, id: string): Promise<void> {
  await redis.set(collectionStopKey(prefix, id), '1', 'EX', STOP_KEY_TTL_S);
  await redis.publish(collectionStopChannel(prefix), id);
}

/** True when a stop of collection `id` is pending. */
export async function isCollectionStopRequested(redis: Redis, prefix: string, id: string): Promise<boolean> {
  return (await redis.exists(collectionStopKey(prefix, id))) === 1;
}

/** Forgets a stop request (the job has ended, or was removed before it started). */
export async function clearCollectionStop(redis: Redis, prefix: string, id: string): Promise<void> {
  await redis.del(collectionStopKey(prefix, id));
}

/**
 * One subscriber connection per worker process that calls back the collection being stopped.
 * ioredis resubscribes by itself after a reconnect.
 */
export class CollectionStopListener {
  private readonly handlers = new Map<string, () => void>();
  private readonly subscribed: Promise<unknown>;

  /** `subscriber` becomes this listener's: it is put in subscriber mode and closed by `close`. */
  constructor(
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.subscriber.on('message', (_channel: string, id: string) => this.handlers.get(id)?.());
    // During an outage the subscribe waits in the offline queue; it must never reject unhandled.
    this.subscribed = this.subscriber.subscribe(collectionStopChannel(prefix)).catch(() => undefined);
  }

  /** Calls `onStop` when a stop of `id` is announced; returns the function that stops watching. */
  watch(id: string, onStop: () => void): () => void {
    this.handlers.set(id, onStop);
    return () => {
      if (this.handlers.get(id) === onStop) this.handlers.delete(id);
    };
  }

  /** Resolves once the subscription is in place (tests wait for it). */
  async ready(): Promise<void> {
    await this.subscribed;
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.subscriber.disconnect();
  }
}
