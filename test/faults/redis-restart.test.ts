// Redis SIGKILLed and restarted (same port, same append-only file) while a collection runs in the
// all-in-one service: sampling never pauses, the API answers 503 quickly meanwhile and stays up,
// and once Redis is back the job reads active, then completed with its result when stopped.
// And a Redis that comes back empty (no persistence): the job is unknown (404), so its sampling
// stops by itself and a new collection can run, rather than an unstoppable, invisible one.
// And Redis away longer than the collection's lock, with two worker processes: BullMQ hands the
// job to a worker again, and the host is still sampled by one of them only, not both.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWindow } from '../../src/store/reader.js';
import { parseInstant } from '../../src/store/time.js';
import { uniquePrefix } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { request, until, type Answer } from './support/http.js';
import { killAll, serviceEnv, serviceReady, startService, type ServiceProcess } from './support/processes.js';
import { TestRedisServer } from '../support/redis-server.js';

const HOST = 'fault-redis-host';
const TZ = 'Europe/Samara';
const INTERVAL_S = 0.5;
/** Timer lateness allowed between two samples on a busy machine; a lost tick would add a whole interval. */
const SLACK_MS = 350;
const OUTAGE_MS = 5000;

interface JobView {
  id: string;
  state: string;
  progress: { samples?: number } | number;
  result: { samples: number; rows: number; first_time: string; last_time: string; stopped: boolean; stopped_by: string } | null;
  started_at: string | null;
}

const samplesOf = (view: JobView) => (typeof view.progress === 'object' ? (view.progress.samples ?? 0) : 0);

describe('Redis killed and restarted during a collection', () => {
  const services: ServiceProcess[] = [];
  let root: string;
  let redis: TestRedisServer;

  beforeAll(async () => {
    root = await makeTempDir('fault-redis');
    redis = await TestRedisServer.onFreePort(root, true);
    await redis.start();
  });
  afterAll(async () => {
    await killAll(services);
    await redis.kill();
    await removeTempDir(root);
  });

  it('keeps sampling without a gap, answers 503 meanwhile, and reports the job right afterwards', async () => {
    const service = startService('all', serviceEnv(root, { prefix: uniquePrefix('fault-redis'), host: HOST, tz: TZ }, { REDIS_URL: redis.url }));
    services.push(service);
    const base = `${await serviceReady(service, 'all')}/api/v1`;

    const started = await request(`${base}/collections`, { method: 'POST', body: { interval_s: INTERVAL_S, label: 'redis outage' } });
    expect(started.status, started.body.toString()).toBe(202);
    const id = (started.json() as JobView).id;
    const before = await until('the collection to sample', async () => {
      const view = (await request(`${base}/collections/${id}`)).json() as JobView;
      return view.state === 'active' && samplesOf(view) >= 2 ? view : undefined;
    }, 30_000, 100);

    // The outage: every route that needs Redis answers 503 within 2 s; store reads keep working.
    await redis.kill();
    const downSince = Date.now();
    const answers: { route: string; answer: Answer }[] = [];
    const storeReads: Answer[] = [];
    while (Date.now() - downSince < OUTAGE_MS) {
      const routes: [string, string, unknown?][] = [
        ['GET', '/health'],
        ['GET', `/jobs/${id}`],
        ['GET', `/collections/${id}`],
        ['GET', '/collections'],
        ['POST', '/collections', { interval_s: 1 }],
        ['POST', '/exports', { start_time: new Date(downSince - 60_000).toISOString(), end_time: new Date().toISOString() }],
        ['GET', `/exports/exp-0123456789abcdef/download`],
      ];
      for (const [method, route, body] of routes) {
        answers.push({ route: `${method} ${route}`, answer: await request(base + route, { method, body, timeoutMs: 5000 }) });
      }
      const window = `start_time=${encodeURIComponent(new Date(downSince - 2000).toISOString())}&end_time=${encodeURIComponent(new Date().toISOString())}`;
      storeReads.push(await request(`${base}/telemetry?${window}&host=${HOST}`, { timeoutMs: 5000 }));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const { route, answer } of answers) {
      expect(answer.status, `${route}: ${answer.body.toString()}`).toBe(503);
      expect(answer.ms, route).toBeLessThan(2000);
      expect(answer.json(), route).toMatchObject({ error: true, message: expect.any(String) });
    }
    for (const read of storeReads) expect(read.status, read.body.toString()).toBe(200);
    expect((storeReads.at(-1)!.json() as { count: number }).count).toBeGreaterThan(0); // rows of the outage itself
    expect(service.alive(), service.output()).toBe(true);

    await redis.start();
    const upAgainAt = Date.now();
    await until('health to say Redis is back', async () => ((await request(`${base}/health`)).status === 200 ? true : undefined), 20_000, 100);
    // The job survived in the append-only file and its worker reports on it again.
    const after = await until('the job to report progress again', async () => {
      const view = (await request(`${base}/jobs/${id}`)).json() as JobView;
      return view.state === 'active' && samplesOf(view) > samplesOf(before) + OUTAGE_MS / 1000 / INTERVAL_S ? view : undefined;
    }, 20_000, 200);
    expect(after.result).toBeNull();
    const conflict = await request(`${base}/collections`, { method: 'POST', body: {} });
    expect(conflict.status).toBe(409);
    expect(conflict.json()).toMatchObject({ details: { job: { id } } });

    const stopped = await request(`${base}/collections/${id}`, { method: 'DELETE' });
    expect(stopped.status, stopped.body.toString()).toBe(200);
    const done = await until('the collection to complete', async () => {
      const view = (await request(`${base}/jobs/${id}`)).json() as JobView;
      return view.state === 'completed' ? view : undefined;
    }, 10_000, 100);
    const result = done.result!;
    expect(result).toMatchObject({ stopped: true, stopped_by: 'request' });

    // The store holds exactly what the result says, with no missing tick through the outage.
    const first = parseInstant(result.first_time, TZ) as number;
    const last = parseInstant(result.last_time, TZ) as number;
    const times: number[] = [];
    let rows = 0;
    for await (const row of readWindow({ dir: path.join(root, 'telemetry'), tz: TZ, host: HOST, legacyHost: HOST, start: first, end: last })) {
      rows++;
      const ms = parseInstant(row.time, TZ) as number;
      if (times.at(-1) !== ms) times.push(ms);
    }
    expect(rows).toBe(result.rows);
    expect(times).toHaveLength(result.samples);
    expect(times[0]).toBeLessThan(downSince - 1000);
    expect(times.at(-1)).toBeGreaterThan(upAgainAt);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    const widest = Math.max(...gaps);
    expect(widest, `gaps: ${gaps.join(' ')}`).toBeLessThanOrEqual(INTERVAL_S * 1000 + SLACK_MS);
    expect(times.filter((t) => t > downSince && t < upAgainAt).length).toBeGreaterThanOrEqual(OUTAGE_MS / 1000 / INTERVAL_S - 1);
    console.log(
      `redis-restart: ${answers.length} answers during the outage, slowest ${Math.max(...answers.map((a) => a.answer.ms))} ms; ` +
        `${result.samples} samples, widest gap ${widest} ms`,
    );

    expect(service.alive(), service.output()).toBe(true);
    expect(await service.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('without persistence: the lost collection stops by itself and a new one runs', async () => {
    const lostDir = path.join(root, 'redis-lost');
    await fs.mkdir(lostDir);
    const lostRedis = await TestRedisServer.onFreePort(lostDir, false);
    await lostRedis.start();
    const store = path.join(root, 'telemetry-lost');
    const service = startService('all', serviceEnv(root, { prefix: uniquePrefix('fault-redis-lost'), host: HOST, tz: TZ }, {
      REDIS_URL: lostRedis.url, TELEMETRY_DIR: store, TMP_DIR: path.join(root, 'tmp-lost'),
    }));
    services.push(service);
    try {
      const base = `${await serviceReady(service, 'all')}/api/v1`;
      const lost = ((await request(`${base}/collections`, { method: 'POST', body: { interval_s: INTERVAL_S } })).json() as JobView).id;
      await until('the collection to sample', async () => {
        const view = (await request(`${base}/collections/${lost}`)).json() as JobView;
        return view.state === 'active' && samplesOf(view) >= 2 ? true : undefined;
      }, 30_000, 100);

      await lostRedis.kill();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await lostRedis.start(); // empty: the job, its lock and the queue are gone
      await until('health to say Redis is back', async () => ((await request(`${base}/health`)).status === 200 ? true : undefined), 20_000, 100);
      expect((await request(`${base}/jobs/${lost}`)).status).toBe(404);

      // The lost collection's rows stop growing: it noticed its job is gone.
      const rowsNow = async () => {
        let rows = 0;
        for await (const _ of readWindow({ dir: store, tz: TZ, host: HOST, legacyHost: HOST, start: Date.now() - 3_600_000, end: Date.now() + 60_000 })) rows++;
        return rows;
      };
      await until('the lost collection to stop sampling', async () => {
        const before = await rowsNow();
        await new Promise((resolve) => setTimeout(resolve, INTERVAL_S * 3000));
        return (await rowsNow()) === before ? true : undefined;
      }, 20_000, 0);
      expect(service.output()).toContain(`collection ${lost} is no longer in Redis`);

      // The worker's collection slot is free again: a new collection starts, samples, stops.
      const created = await request(`${base}/collections`, { method: 'POST', body: { interval_s: INTERVAL_S } });
      expect(created.status, created.body.toString()).toBe(202);
      const next = (created.json() as JobView).id;
      await until('the new collection to sample', async () => {
        const view = (await request(`${base}/collections/${next}`)).json() as JobView;
        return view.state === 'active' && samplesOf(view) >= 2 ? true : undefined;
      }, 20_000, 100);
      expect((await request(`${base}/collections/${next}`, { method: 'DELETE' })).status).toBe(200);
      const done = await until('the new collection to complete', async () => {
        const view = (await request(`${base}/jobs/${next}`)).json() as JobView;
        return view.state === 'completed' ? view : undefined;
      }, 10_000, 100);
      expect(done.result).toMatchObject({ stopped: true, stopped_by: 'request' });
      expect(service.alive(), service.output()).toBe(true);
    } finally {
      await service.kill('SIGKILL');
      await lostRedis.kill();
    }
  }, 120_000);

  it('away longer than the collection lock: one sampler afterwards, not two', async () => {
    const longDir = path.join(root, 'redis-long');
    await fs.mkdir(longDir);
    const longRedis = await TestRedisServer.onFreePort(longDir, true);
    await longRedis.start();
    const store = path.join(root, 'telemetry-long');
    // Lock 2 × 2 s for collections, stalled check every second: a 7 s outage outlasts the lock.
    const env = serviceEnv(root, { prefix: uniquePrefix('fault-redis-long'), host: HOST, tz: TZ }, {
      REDIS_URL: longRedis.url, TELEMETRY_DIR: store, TMP_DIR: path.join(root, 'tmp-long'), JOB_LOCK_S: '2',
    });
    const all = startService('all', env);
    const worker = startService('worker', env);
    services.push(all, worker);
    try {
      const [url] = await Promise.all([serviceReady(all, 'all'), serviceReady(worker, 'worker')]);
      const base = `${url}/api/v1`;
      const id = ((await request(`${base}/collections`, { method: 'POST', body: { interval_s: INTERVAL_S } })).json() as JobView).id;
      const firstRun = await until('the collection to sample', async () => {
        const view = (await request(`${base}/collections/${id}`)).json() as JobView;
        return view.state === 'active' && samplesOf(view) >= 2 ? view : undefined;
      }, 30_000, 100);

      await longRedis.kill();
      await new Promise((resolve) => setTimeout(resolve, 7000));
      await longRedis.start();
      const backAt = Date.now();
      await until('health to say Redis is back', async () => ((await request(`${base}/health`)).status === 200 ? true : undefined), 20_000, 100);
      // The job runs again (handed back by the stalled check: a new start), and samples.
      await until('the collection to run again', async () => {
        const view = (await request(`${base}/jobs/${id}`)).json() as JobView;
        return view.state === 'active' && view.started_at !== firstRun.started_at ? true : undefined;
      }, 20_000, 200);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect((await request(`${base}/collections/${id}`, { method: 'DELETE' })).status).toBe(200);
      const done = await until('the collection to complete', async () => {
        const view = (await request(`${base}/jobs/${id}`)).json() as JobView;
        return view.state === 'completed' ? view : undefined;
      }, 10_000, 100);
      expect(done.result).toMatchObject({ stopped: true, stopped_by: 'request' });
      await new Promise((resolve) => setTimeout(resolve, 1000)); // a second sampler, if any, would write on

      // Sample times from one second after Redis returned: one sampler, so never two samples
      // within half an interval of each other.
      const times: number[] = [];
      for await (const row of readWindow({ dir: store, tz: TZ, host: HOST, legacyHost: HOST, start: backAt + 1000, end: Date.now() + 60_000 })) {
        const ms = parseInstant(row.time, TZ) as number;
        if (times.at(-1) !== ms) times.push(ms);
      }
      const close = times.slice(1).filter((t, i) => t - (times[i] as number) < (INTERVAL_S * 1000) / 2);
      expect(times.length).toBeGreaterThanOrEqual(5);
      expect(close, `sample times after the outage: ${times.map((t) => t % 100_000).join(' ')}`).toEqual([]);
      expect(all.alive() && worker.alive()).toBe(true);
      console.log(`redis-restart: after a 7 s outage (lock 4 s) ${times.length} samples from one sampler`);
    } finally {
      await Promise.all([all.kill('SIGKILL'), worker.kill('SIGKILL')]);
      await longRedis.kill();
    }
  }, 120_000);
});
