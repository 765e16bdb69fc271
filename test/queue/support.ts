/** Helpers for the queue and worker tests: a config of their own, polling. */
import { loadConfig, type Config, type EnvSource } from '../../env/default_env.js';
import { removePrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';

export interface TestSetup {
  config: Config;
  prefix: string;
  dir: string;
  /** Removes the prefix's keys and the temp folder. */
  cleanup(): Promise<void>;
}

/** A config with its own BullMQ prefix, store and TMP_DIR under a fresh temp folder. */
export async function testSetup(topic: string, env: EnvSource = {}): Promise<TestSetup> {
  const prefix = uniquePrefix(topic);
  const dir = await makeTempDir(topic);
  const config = loadConfig({
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    TELEMETRY_DIR: `${dir}/telemetry`,
    TMP_DIR: `${dir}/tmp`,
    TELEMETRY_TZ: 'Europe/Samara',
    HOST_NAME: 'test-host',
    ...env,
  });
  return {
    config,
    prefix,
    dir,
    async cleanup() {
      await removePrefix(prefix);
      await removeTempDir(dir);
    },
  };
}

/** Polls `probe` every `everyMs` until it returns a truthy value; fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T> | T, timeoutMs = 10_000, everyMs = 50): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
