import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../env/default_env.js';
import { ensureRedis, type EnsuredRedis } from '../../src/redis/ensure-redis.js';
import { freePort, portIsFree } from '../../src/redis/free-port.js';
import { redisAnswers } from '../../src/redis/redis-answers.js';
import { testRedisUrl } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';

const run = promisify(execFile);

/** A config as `npm start` would have it without REDIS_URL, but aimed at `port`. */
function implicitConfig(port: number, dataDir: string): Config {
  return { ...loadConfig({ REDIS_DATA_DIR: dataDir }), redisUrl: `redis://127.0.0.1:${port}`, redisUrlExplicit: false };
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    if (await check()) return true;
  }
  return check();
}

async function statePid(dataDir: string): Promise<number> {
  return (JSON.parse(await fs.readFile(path.join(dataDir, 'redis-server.json'), 'utf8')) as { pid: number }).pid;
}

/** Runs `fn` with PATH set to `dirs` (plus whatever it had, unless `only`). */
async function withPath<T>(dirs: string[], only: boolean, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = [...dirs, ...(only ? [] : [saved ?? ''])].join(path.delimiter);
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe('ensureRedis', () => {
  let tmp: string;
  const started: EnsuredRedis[] = [];
  const blockers: net.Server[] = [];

  beforeAll(async () => {
    tmp = await makeTempDir('ensure-redis');
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((r) => r.stop()));
    await Promise.all(blockers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  afterAll(async () => {
    await removeTempDir(tmp);
  });

  async function startIn(dataDir: string, port: number): Promise<EnsuredRedis> {
    const redis = await ensureRedis(implicitConfig(port, dataDir));
    started.push(redis);
    return redis;
  }

  /** Occupies a port with something that is not Redis. */
  async function blockPort(): Promise<number> {
    const server = net.createServer((socket) => socket.destroy()); // answers nothing a Redis would
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    blockers.push(server);
    return (server.address() as net.AddressInfo).port;
  }

  it('never starts a Redis when REDIS_URL is given, even if nothing answers there', async () => {
    const port = await freePort('127.0.0.1');
    const dataDir = path.join(tmp, 'explicit');
    const config = { ...implicitConfig(port, dataDir), redisUrlExplicit: true };
    const redis = await ensureRedis(config);
    expect(redis.url).toBe(`redis://127.0.0.1:${port}`);
    expect(redis.config).toBe(config);
    expect(await redisAnswers(redis.url)).toBe(false);
    await expect(fs.stat(dataDir)).rejects.toThrow(/ENOENT/);
    await redis.stop();
  });

  it('uses a Redis that already answers at the default address and starts none', async () => {
    const dataDir = path.join(tmp, 'answering');
    const config = { ...loadConfig({ REDIS_DATA_DIR: dataDir }), redisUrl: testRedisUrl(), redisUrlExplicit: false };
    const logs: string[] = [];
    const redis = await ensureRedis(config, (m) => logs.push(m));
    expect(redis.url).toBe(testRedisUrl());
    expect(logs.join('\n')).toMatch(/using the one answering/);
    await expect(fs.stat(dataDir)).rejects.toThrow(/ENOENT/);
  });

  it('starts a private redis-server on the free default port, keeps data across a restart, and stops it', async () => {
    const port = await freePort('127.0.0.1');
    const dataDir = path.join(tmp, 'private', 'nested'); // created on demand
    const first = await startIn(dataDir, port);
    expect(first.url).toBe(`redis://127.0.0.1:${port}`);
    expect(first.config.redisUrl).toBe(first.url);
    const pid = await statePid(dataDir);

    const client = new Redis(first.url);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await client.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    await client.set('pct-kept', 'across restarts');
    await client.quit();

    await first.stop();
    expect(processGone(pid)).toBe(true);
    expect(await portIsFree(port, '127.0.0.1')).toBe(true);
    await expect(fs.stat(path.join(dataDir, 'redis-server.json'))).rejects.toThrow(/ENOENT/);
    expect((await fs.readdir(dataDir)).some((name) => name.startsWith('appendonly'))).toBe(true);

    const second = await startIn(dataDir, port);
    const again = new Redis(second.url);
    expect(await again.get('pct-kept')).toBe('across restarts');
    await again.quit();
  });

  it('takes another free port when the default one is held by something else, and says which', async () => {
    const taken = await blockPort();
    const dataDir = path.join(tmp, 'taken');
    const redis = await startIn(dataDir, taken);
    expect(redis.url).not.toBe(`redis://127.0.0.1:${taken}`);
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(redis.config.redisUrl).toBe(redis.url);
    expect(await redisAnswers(redis.url)).toBe(true);

    // A later start (say after a crash left this server running) finds it instead of starting a second
    // redis-server on the same data folder.
    const later = await ensureRedis(implicitConfig(taken, dataDir));
    expect(later.url).toBe(redis.url);
    await later.stop();
    expect(await redisAnswers(redis.url)).toBe(true);
  });

  it('takes the redis-server down when the process that started it exits without stopping it', async () => {
    const port = await freePort('127.0.0.1');
    const dataDir = path.join(tmp, 'exit-hook');
    const fixture = path.join(import.meta.dirname, 'fixtures', 'ensure-redis-then-exit.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture, String(port), dataDir]);
    const { url, state } = JSON.parse(stdout) as { url: string; state: { pid: number } };
    expect(url).toBe(`redis://127.0.0.1:${port}`);
    expect(await until(() => processGone(state.pid))).toBe(true);
  });

  it('explains how to get a Redis when there is no redis-server in PATH', async () => {
    const port = await freePort('127.0.0.1');
    const emptyBin = path.join(tmp, 'empty-bin');
    await fs.mkdir(emptyBin, { recursive: true });
    const attempt = withPath([emptyBin], true, () => ensureRedis(implicitConfig(port, path.join(tmp, 'no-server'))));
    const error = await attempt.then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/apt-get install redis-server/);
    expect(error?.message).toMatch(/brew install redis/);
    expect(error?.message).toMatch(/docker compose up/);
    expect(error?.message).toMatch(/REDIS_URL=/);
  });

  it('reports the tail of the redis-server log when it cannot start', async () => {
    const port = await freePort('127.0.0.1');
    const fakeBin = path.join(tmp, 'fake-bin');
    await fs.mkdir(fakeBin, { recursive: true });
    const fake = path.join(fakeBin, 'redis-server');
    await fs.writeFile(fake, '#!/bin/sh\necho "*** FATAL CONFIG FILE ERROR: something specific" >&2\nexit 1\n', { mode: 0o755 });
    const attempt = withPath([fakeBin], false, () => ensureRedis(implicitConfig(port, path.join(tmp, 'fails'))));
    const error = await attempt.then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/did not answer/);
    expect(error?.message).toMatch(/FATAL CONFIG FILE ERROR: something specific/);
  });
});
