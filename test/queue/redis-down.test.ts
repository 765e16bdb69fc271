import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../env/default_env.js';
import { ServiceUnavailableError } from '../../src/errors.js';
import { JobService } from '../../src/queue/job-service.js';
import { startWorkers, type RunningWorkers } from '../../workers/run-workers.js';
import { uniquePrefix } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { TestRedisServer } from '../support/redis-server.js';
import { waitFor } from './support.js';

const EXPORT_BODY = { start_time: '2026-12-04T10:00:00Z', end_time: '2026-12-04T11:00:00Z' };

/** Runs `call`, expecting a 503 within 2 s. */
async function expectUnavailable(call: () => Promise<unknown>): Promise<void> {
  const startedAt = Date.now();
  const error = await call().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceUnavailableError);
  expect((error as ServiceUnavailableError).status).toBe(503);
  expect(Date.now() - startedAt).toBeLessThan(2000);
}

describe('JobService when Redis does not answer', () => {
  it('answers 503 at once on a dead port and says Redis is down', async () => {
    const logged: string[] = [];
    const original = console.error;
    console.error = (line: string) => logged.push(line);
    const jobs = new JobService(loadConfig({ REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: uniquePrefix('dead'), HOST_NAME: 'test-host' }));
    try {
      await expectUnavailable(() => jobs.startExport(EXPORT_BODY));
      await expectUnavailable(() => jobs.startCollection({}));
      await expectUnavailable(() => jobs.getJob('exp-0123456789abcdef'));
      await expectUnavailable(() => jobs.stopCollection('col-0123456789abcdef'));
      await expectUnavailable(() => jobs.listCollections());
      await expectUnavailable(() => jobs.exportFile('exp-0123456789abcdef'));
      const startedAt = Date.now();
      expect(await jobs.redisAnswers()).toBe(false);
      expect(Date.now() - startedAt).toBeLessThan(1500);
      // Bad input is still a 400 without Redis.
      await expect(jobs.startExport({ start_time: 'x', end_time: 'y' })).rejects.toMatchObject({ status: 400 });
      await new Promise((resolve) => setTimeout(resolve, 1500)); // several reconnect attempts
    } finally {
      console.error = original;
      await jobs.close();
    }
    // One line per outage, not one per reconnect attempt.
    expect(logged.filter((line) => line.includes('unreachable'))).toHaveLength(1);
  });
});

describe('JobService and workers across a Redis crash', () => {
  let server: TestRedisServer;
  let dir: string;
  let jobs: JobService;
  let workers: RunningWorkers;

  beforeAll(async () => {
    server = await TestRedisServer.onFreePort();
    await server.start();
    dir = await makeTempDir('redis-down');
    const config = loadConfig({
      REDIS_URL: server.url,
      QUEUE_PREFIX: uniquePrefix('crash'),
      TELEMETRY_DIR: `${dir}/telemetry`,
      TMP_DIR: `${dir}/tmp`,
      HOST_NAME: 'test-host',
    });
    jobs = new JobService(config);
    workers = await startWorkers(config, { log: () => {} });
  });

  afterAll(async () => {
    await jobs.close();
    await workers.close();
    await server.kill();
    await removeTempDir(dir);
  });

  it('answers 503 while Redis is gone and recovers by itself when it returns', async () => {
    const before = await jobs.startExport(EXPORT_BODY);
    await waitFor(async () => (await jobs.getJob(before.id)).state === 'completed');

    await server.kill();
    await expectUnavailable(() => jobs.getJob(before.id));
    await expectUnavailable(() => jobs.startExport(EXPORT_BODY));
    expect(await jobs.redisAnswers()).toBe(false);

    await server.start();
    // No persistence: the old job is gone, but the service works again, workers included.
    const after = await waitFor(() => jobs.startExport(EXPORT_BODY), 15_000, 200);
    const done = await waitFor(async () => {
      const view = await jobs.getJob(after.id);
      return view.state === 'completed' ? view : null;
    }, 15_000, 100);
    expect(done.result).toMatchObject({ rows: 0 });
    expect(await jobs.redisAnswers()).toBe(true);
  });
});
