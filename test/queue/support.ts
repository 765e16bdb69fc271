/** Helpers for the queue and worker tests: a config of their own, polling, a private redis-server. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';
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

/** A TCP port nobody listens on right now. */
export async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own, without persistence, that the test can kill and restart. */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitFor(async () => {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    }, 10_000, 50);
  }

  /** SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
