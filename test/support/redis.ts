/** Test access to the real Redis: CI points REDIS_URL at one that answers. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the tests use. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379';
}

/** A BullMQ prefix no other test file or run uses. */
export function uniquePrefix(topic: string): string {
  return `pct-test-${topic}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Deletes every key under `prefix` (what BullMQ and the service wrote for one test file). */
export async function removePrefix(prefix: string, url = testRedisUrl()): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
