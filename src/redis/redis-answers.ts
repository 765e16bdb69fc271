/** A quick "is a Redis there?" probe, used before deciding to start one and while waiting for it. */
import { Redis } from 'ioredis';

/**
 * True when a Redis at `url` answers PING within `timeoutMs`. Never throws, never retries:
 * a refused connection, a timeout, a server still loading its data or one that wants a password
 * we do not have all count as "no".
 */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // the outcome is the return value; ioredis would print otherwise
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const probe = (async () => {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  })().catch(() => false);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
