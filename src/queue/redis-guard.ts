/**
 * Bounds every Redis-backed call of the API side: while Redis is away it fails at once, and a
 * call that started never takes longer than the deadline. Either way the caller gets a
 * ServiceUnavailableError (503), never a hang.
 */
import type { Redis } from 'ioredis';
import { AppError, ServiceUnavailableError } from '../errors.js';

/** Under the 2 s the API promises, with room for the response itself. */
export const DEFAULT_DEADLINE_MS = 1800;

const UNAVAILABLE = 'Redis does not answer; the job queue is unavailable, retry in a moment';

/** Messages of ioredis and BullMQ failures that mean "Redis is not there", not a bug. */
const CONNECTION_ERROR =
  /Connection is closed|Stream isn't writeable|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|MaxRetriesPerRequest|Reached the max retries|Socket closed/i;

/** Waits up to `ms` for `redis` to become ready, for a connection that is making its first attempt. */
function readyWithin(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.once('ready', onReady);
  });
}

/**
 * Runs `work` against `redis` within `deadlineMs`. Redis failures and the deadline become
 * ServiceUnavailableError; AppErrors and anything else pass through unchanged.
 */
export async function withRedis<T>(redis: Redis, work: () => Promise<T>, deadlineMs = DEFAULT_DEADLINE_MS): Promise<T> {
  const startedAt = Date.now();
  if (redis.status !== 'ready') {
    // A connection that is still making its first attempt gets a moment; one that is already
    // retrying after an outage is reported at once.
    const firstAttempt = redis.status === 'wait' || redis.status === 'connecting' || redis.status === 'connect';
    if (!firstAttempt || !(await readyWithin(redis, deadlineMs / 2))) throw new ServiceUnavailableError(UNAVAILABLE);
  }
  let timer: NodeJS.Timeout | undefined;
  const running = work();
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ServiceUnavailableError(UNAVAILABLE)), deadlineMs - (Date.now() - startedAt));
  });
  // If the deadline wins, `running` may still reject later: that must not be unhandled.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, deadline]);
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (redis.status !== 'ready' || CONNECTION_ERROR.test((error as Error)?.message ?? '')) {
      throw new ServiceUnavailableError(UNAVAILABLE);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** True when `redis` answers a PING within `ms`. Never throws. */
export async function pingWithin(redis: Redis, ms: number): Promise<boolean> {
  try {
    return await withRedis(redis, async () => (await redis.ping()) === 'PONG', ms);
  } catch {
    return false;
  }
}
