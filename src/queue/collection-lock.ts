/**
 * "At most one collection per host", made race-safe with one Redis key per host that holds the
 * id of the collection job waiting or running there.
 *
 * Protocol:
 * 1. A start takes the key with SET NX and a provisional expiry (PROVISIONAL_MS): long enough to
 *    add the job, short enough that a process dying between the two cannot block the host.
 * 2. Once the job is in the queue the lock is made permanent (`confirmCollectionLock`); the worker
 *    confirms it again when it starts the job, in case that step was lost.
 * 3. The worker releases it when the job ends; a stop of a waiting job releases it too.
 *    Every write is compare-and-set on the holder's id, so nobody drops a lock they do not hold.
 * 4. A lock whose holder is finished, failed or gone (a worker killed at the wrong moment) is
 *    stale: the caller checks the holder and passes its id back to take the lock over atomically.
 */
import type { Redis } from 'ioredis';

export const PROVISIONAL_MS = 60_000;

const TRY_LOCK = `
local current = redis.call('GET', KEYS[1])
if (not current) or (ARGV[3] ~= '' and current == ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, ARGV[1], 0}
end
return {0, current, redis.call('PTTL', KEYS[1])}
`;

const CONFIRM = `
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
if current == ARGV[1] then
  redis.call('PERSIST', KEYS[1])
  return 1
end
return 0
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

export type LockAttempt =
  | { acquired: true }
  /** `provisional`: the holder is between taking the lock and adding its job. */
  | { acquired: false; holder: string; provisional: boolean };

/**
 * Takes the lock for `id` when it is free, or when it is held by `staleHolder` (a holder the
 * caller has found finished or gone). Otherwise reports who holds it.
 */
export async function tryCollectionLock(redis: Redis, key: string, id: string, staleHolder = ''): Promise<LockAttempt> {
  const [acquired, holder, pttl] = (await redis.eval(TRY_LOCK, 1, key, id, PROVISIONAL_MS, staleHolder)) as [number, string, number];
  if (acquired === 1) return { acquired: true };
  return { acquired: false, holder, provisional: pttl > 0 };
}

/**
 * Makes `id`'s lock permanent, taking the free key back if it expired meanwhile. False when
 * another job holds it (a second collection on this host: the caller must not run).
 */
export async function confirmCollectionLock(redis: Redis, key: string, id: string): Promise<boolean> {
  return (await redis.eval(CONFIRM, 1, key, id)) === 1;
}

/** Releases the lock if `id` holds it. */
export async function releaseCollectionLock(redis: Redis, key: string, id: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, id);
}
