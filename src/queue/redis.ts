/**
 * Redis connections for the service, in the two flavours BullMQ and the API need.
 *
 * - `worker`: `maxRetriesPerRequest: null` (a BullMQ requirement for workers and their blocking
 *   fetch) and the offline queue on, so a command issued during an outage waits for Redis to come
 *   back instead of failing a running job.
 * - `client`: what the API's JobService uses. `enableOfflineQueue: false` makes a command fail at
 *   once while Redis is away and `commandTimeout` bounds a Redis that accepts the connection but
 *   does not answer, so no request ever hangs; callers turn those failures into 503.
 *
 * Both reconnect forever with a short capped back-off, so everything recovers by itself when
 * Redis returns. ioredis emits 'error' on every failed reconnect attempt; an unhandled 'error'
 * would crash the process, so a handler is always attached and logs once per outage, not per
 * retry.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../../env/default_env.js';

export type RedisRole = 'worker' | 'client';

/** Longest wait for one command on a `client` connection (the API answers 503 within 2 s). */
export const CLIENT_COMMAND_TIMEOUT_MS = 1500;

/** Reconnect back-off: 100 ms, 200 ms, … capped at 1 s so recovery is noticed quickly. */
function retryStrategy(times: number): number {
  return Math.min(times * 100, 1000);
}

/** Removes the password from a Redis URL before it is logged. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/**
 * Logs 'Redis unreachable' once when an outage starts and 'Redis reachable again' once when it
 * ends, however many reconnect attempts happen in between.
 */
export function logOutages(redis: Redis, name: string, url: string, log: (line: string) => void = console.error): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log(`[redis] ${name}: ${redactRedisUrl(url)} unreachable (${error.message}); retrying until it answers`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log(`[redis] ${name}: ${redactRedisUrl(url)} reachable again`);
  });
}

/** Options of one role; exported so duplicates (subscribers) share them. */
export function redisOptions(role: RedisRole, name: string): RedisOptions {
  const common: RedisOptions = { connectionName: name, retryStrategy, connectTimeout: 5000 };
  if (role === 'worker') return { ...common, maxRetriesPerRequest: null, enableOfflineQueue: true };
  return {
    ...common,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: CLIENT_COMMAND_TIMEOUT_MS,
  };
}

/**
 * A new ioredis connection to `config.redisUrl` in the given role, already connecting, with the
 * outage logger attached. `name` shows up in `CLIENT LIST` and in the log lines.
 */
export function createRedis(
  config: Config,
  role: RedisRole,
  name = `pct-${role}`,
  log: (line: string) => void = console.error,
): Redis {
  const redis = new Redis(config.redisUrl, redisOptions(role, name));
  logOutages(redis, name, config.redisUrl, log);
  return redis;
}

/** Closes a connection without waiting on a Redis that may not answer. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await Promise.race([redis.quit(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  } catch {
    // Already closing or gone: disconnect below is all that is left to do.
  }
  redis.disconnect();
}
