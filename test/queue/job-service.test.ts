import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, BadRequestError, ConflictError, GoneError, NotAllowedError, NotFoundError } from '../../src/errors.js';
import { JobService } from '../../src/queue/job-service.js';
import type { JobView } from '../../src/queue/job-view.js';
import { readWindow } from '../../src/store/reader.js';
import { startWorkers, type RunningWorkers } from '../../workers/run-workers.js';
import { testSetup, waitFor, type TestSetup } from './support.js';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/;

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

async function countStoredRows(setup: TestSetup): Promise<number> {
  let rows = 0;
  const now = Date.now();
  for await (const _ of readWindow({ dir: setup.config.telemetryDir, tz: setup.config.telemetryTz, start: now - 3_600_000, end: now + 60_000, legacyHost: 'test-host' })) rows++;
  return rows;
}

describe('JobService without workers', () => {
  let setup: TestSetup;
  let jobs: JobService;

  beforeAll(async () => {
    setup = await testSetup('jobsvc');
    jobs = new JobService(setup.config);
  });
  afterAll(async () => {
    await jobs.close();
    await setup.cleanup();
  });

  it('returns the job shape and finds it by id, with or without its kind', async () => {
    const view = await jobs.startExport({ start_time: '2026-12-04T10:00:00Z', end_time: '2026-12-04T16:00:00.5+04:00' });
    expect(Object.keys(view).sort()).toEqual(
      ['created_at', 'data', 'error', 'finished_at', 'id', 'kind', 'progress', 'result', 'started_at', 'state'].sort(),
    );
    expect(view).toMatchObject({ kind: 'export', state: 'waiting', progress: 0, result: null, error: null, started_at: null, finished_at: null });
    expect(view.id).toMatch(/^exp-[0-9a-f]{16}$/);
    expect(view.created_at).toMatch(ISO_WITH_OFFSET);
    // Times are normalised to the configured zone, with their offset.
    expect(view.data).toEqual({ start_time: '2026-12-04T14:00:00.000+04:00', end_time: '2026-12-04T16:00:00.500+04:00' });
    expect(await jobs.getJob(view.id)).toEqual(view);
    expect(await jobs.getJob(view.id, 'export')).toEqual(view);
  });

  it('answers 404 for unknown ids, ids of another kind and ids that are not ids', async () => {
    const exportView = await jobs.startExport({ start_time: '2026-12-04T10:00:00Z', end_time: '2026-12-04T11:00:00Z' });
    const calls = [
      () => jobs.getJob('exp-0000000000000000'),
      () => jobs.getJob(exportView.id, 'collection'),
      () => jobs.getJob('../../etc/passwd'),
      () => jobs.getJob(''),
      () => jobs.getJob('x'.repeat(200)),
      () => jobs.stopCollection(exportView.id),
      () => jobs.exportFile('..%2F..%2Fetc'),
    ];
    for (const call of calls) {
      expect(await rejection(call())).toBeInstanceOf(NotFoundError);
    }
  });

  it('refuses bad export windows naming the field', async () => {
    const cases: [object, string][] = [
      [{ start_time: '2026-12-05T00:00:00Z', end_time: '2026-12-04T00:00:00Z' }, 'end_time'],
      [{ start_time: '2026-11-01T00:00:00Z', end_time: '2026-12-04T00:00:00Z' }, 'end_time'],
      [{ start_time: 'last tuesday', end_time: '2026-12-04T00:00:00Z' }, 'start_time'],
      [{ end_time: '2026-12-04T00:00:00Z' }, 'start_time'],
      [{ start_time: '2026-12-04T00:00:00Z', end_time: '2026-12-04T01:00:00Z', host: '../etc' }, 'host'],
      [{ start_time: '2026-12-04T00:00:00Z', end_time: '2026-12-04T01:00:00Z', interfaces: [] }, 'interfaces'],
      [{ start_time: '2026-12-04T00:00:00Z', end_time: '2026-12-04T01:00:00Z', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const error = await rejection(jobs.startExport(body as never));
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
  });

  it('refuses bad collection requests naming the field', async () => {
    for (const [body, field] of [
      [{ interval_s: 0.1 }, 'interval_s'],
      [{ interval_s: '5' }, 'interval_s'],
      [{ duration_s: 8 * 86_400 }, 'duration_s'],
      [{ interval_s: 10, duration_s: 5 }, 'duration_s'],
      [{ label: 'a\nb' }, 'label'],
    ] as const) {
      const error = await rejection(jobs.startCollection(body as never));
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.details).toEqual([expect.objectContaining({ field })]);
    }
  });

  it('allows one collection per host: 409 names the waiting one; stopping it removes it and frees the host', async () => {
    const first = await jobs.startCollection({ interval_s: 1, label: 'load test' });
    expect(first).toMatchObject({ kind: 'collection', state: 'waiting', data: { interval_s: 1, label: 'load test', host: 'test-host' } });
    const conflict = await rejection(jobs.startCollection({}));
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict.message).toContain(first.id);
    expect((conflict.details as { job: JobView }).job).toMatchObject({ id: first.id, state: 'waiting' });

    const stopped = await jobs.stopCollection(first.id);
    expect(stopped).toMatchObject({ id: first.id, state: 'removed' });
    expect(stopped.finished_at).toMatch(ISO_WITH_OFFSET);
    expect(await rejection(jobs.getJob(first.id))).toBeInstanceOf(NotFoundError);

    const second = await jobs.startCollection({});
    expect(second.data).toMatchObject({ interval_s: 5 });
    expect((await jobs.listCollections()).map((v) => v.id)).toContain(second.id);
    await jobs.stopCollection(second.id);
  });

  it('lets exactly one of many simultaneous starts through', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => jobs.startCollection({})));
    const started = outcomes.filter((o) => o.status === 'fulfilled') as PromiseFulfilledResult<JobView>[];
    expect(started).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason instanceof ConflictError)).toBe(true);
    await jobs.stopCollection(started[0]!.value.id);
  });

  it('takes over a lock whose collection is gone (a crash between lock and job)', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(setup.config.redisUrl);
    await redis.set(`${setup.prefix}:collection:lock:test-host`, 'col-crashed');
    redis.disconnect();
    const view = await jobs.startCollection({});
    expect(view.state).toBe('waiting');
    await jobs.stopCollection(view.id);
  });

  it('says 409 for an export that is not ready, with its state', async () => {
    const view = await jobs.startExport({ start_time: '2026-12-04T10:00:00Z', end_time: '2026-12-04T11:00:00Z' });
    const error = await rejection(jobs.exportFile(view.id));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/waiting/);
  });

  it('answers 405 in DOCKER_MODE, pointing to the host collector', async () => {
    const docker = await testSetup('jobsvc-docker', { DOCKER_MODE: 'true' });
    const dockerJobs = new JobService(docker.config);
    try {
      const error = await rejection(dockerJobs.startCollection({}));
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toContain('npm run collector');
    } finally {
      await dockerJobs.close();
      await docker.cleanup();
    }
  });

  it('says Redis answers', async () => {
    expect(await jobs.redisAnswers()).toBe(true);
  });
});

describe('JobService with workers running', () => {
  let setup: TestSetup;
  let api: JobService;
  let other: JobService;
  let workers: RunningWorkers;

  beforeAll(async () => {
    setup = await testSetup('jobsvc-run');
    api = new JobService(setup.config);
    other = new JobService(setup.config); // another API process
    workers = await startWorkers(setup.config, { log: () => {} });
  });
  afterAll(async () => {
    await workers.close();
    await api.close();
    await other.close();
    await setup.cleanup();
  });

  it('runs a collection until another process stops it; it completes and keeps every row', async () => {
    const started = await api.startCollection({ interval_s: 0.2 });
    await waitFor(async () => (await api.getJob(started.id)).state === 'active');
    await waitFor(async () => (await countStoredRows(setup)) >= 6);

    const conflict = await rejection(other.startCollection({ interval_s: 1 }));
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict.details as { job: JobView }).job).toMatchObject({ id: started.id, state: 'active' });

    await other.stopCollection(started.id);
    const done = await waitFor(async () => {
      const view = await other.getJob(started.id, 'collection');
      return view.state === 'completed' ? view : null;
    });
    const result = done.result as { samples: number; rows: number; stopped: boolean; stopped_by: string };
    expect(result).toMatchObject({ stopped: true, stopped_by: 'request' });
    expect(result.samples).toBeGreaterThanOrEqual(2);
    expect(await countStoredRows(setup)).toBe(result.rows);
    expect(done.started_at).toMatch(ISO_WITH_OFFSET);
    expect(done.finished_at).toMatch(ISO_WITH_OFFSET);

    // A finished collection: DELETE again just returns it.
    expect((await api.stopCollection(started.id)).state).toBe('completed');
    // The host is free again.
    const next = await api.startCollection({ interval_s: 0.2, duration_s: 0.4 });
    await waitFor(async () => (await api.getJob(next.id)).state === 'completed');
  });

  it('exports a window and serves the zip until it is cleaned up', async () => {
    const now = Date.now();
    const view = await api.startExport({ start_time: new Date(now - 3_600_000).toISOString(), end_time: new Date(now).toISOString() });
    const done = await waitFor(async () => {
      const job = await api.getJob(view.id, 'export');
      return job.state === 'completed' ? job : null;
    });
    expect(done.progress).toBe(100);
    const result = done.result as { rows: number; file_name: string };
    expect(result.rows).toBeGreaterThan(0);
    const file = await api.exportFile(view.id);
    expect(file.fileName).toBe(result.file_name);
    expect(file.fileName).toMatch(/^telemetry_all-hosts_.*\.zip$/);
    await fs.rm(file.path);
    expect(await rejection(api.exportFile(view.id))).toBeInstanceOf(GoneError);
  });
});
