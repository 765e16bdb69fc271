// A worker frozen (SIGSTOP: a VM pause, a swap storm, a debugger) in the middle of an export for
// longer than its lock: the other worker takes the job over and completes it. When the frozen
// one wakes up (SIGCONT) it must leave the finished zip alone.
//
// Every attempt of an export writes `<id>.zip.part`. The woken attempt still holds its part file
// open; if the next attempt truncated and reused that file (as it once did) instead of unlinking
// it, the woken one would go on writing into what became the finished, downloadable zip. Below, a
// collection appends to the window meanwhile, so the woken attempt's bytes differ and any such
// write would show.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInstant } from '../../src/store/time.js';
import { removePrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { request, until } from './support/http.js';
import { killAll, serviceEnv, startApiWithWorkers, type ServiceProcess } from './support/processes.js';
import { writeSyntheticStore, type SyntheticStore } from './support/synthetic-store.js';
import { zipDigests } from '../support/zip.js';

const HOST = 'fault-freeze-host';
const TZ = 'Europe/Samara';

describe('a worker frozen in the middle of an export, then woken after another finished it', () => {
  const prefix = uniquePrefix('fault-freeze');
  const services: ServiceProcess[] = [];
  let root: string;
  let env: Record<string, string>;
  let store: SyntheticStore;
  let redis: Redis;

  beforeAll(async () => {
    root = await makeTempDir('fault-freeze');
    env = serviceEnv(root, { prefix, host: HOST, tz: TZ }, { JOB_LOCK_S: '2' });
    store = await writeSyntheticStore({
      dir: env.TELEMETRY_DIR as string, host: HOST, tz: TZ, firstDay: '2026-11-02', days: 2,
      intervalMs: 1000, interfaces: ['eth0', 'wlan0'], seed: 7,
    });
    redis = new Redis(testRedisUrl());
  }, 60_000);

  afterAll(async () => {
    for (const service of services) if (service.alive()) service.child.kill('SIGCONT');
    await killAll(services);
    redis?.disconnect();
    await removePrefix(prefix);
    await removeTempDir(root);
  });

  /** What the second test judges: the zip as completed, and as served after the woken worker ran on. */
  let served: { completedBytes: number; laterBytes: number; laterCsvSha256: string | undefined; files: string[] } | undefined;

  it('hands the job to the other worker, which completes it; the woken worker cannot change the job', async () => {
    const { base, workers } = await startApiWithWorkers(env, 2, services);
    const [workerA, workerB] = workers as [ServiceProcess, ServiceProcess];

    const created = await request(`${base}/exports`, {
      method: 'POST',
      body: { start_time: formatInstant(store.firstMs, TZ), end_time: formatInstant(store.lastMs, TZ) },
    });
    expect(created.status).toBe(202);
    const id = (created.json() as { id: string }).id;
    const exportsDir = path.join(env.TMP_DIR as string, 'exports');
    const partFile = path.join(exportsDir, `${id}.zip.part`);
    await until('the part file to grow', async () => ((await fs.stat(partFile).catch(() => null))?.size ?? 0) > 0 || undefined, 30_000, 10);
    const takenBy = await redis.hget(`${prefix}:export:${id}`, 'pb');
    const frozen = [workerA, workerB].find((worker) => takenBy === `${HOST}:${worker.pid}`)!;
    expect(frozen).toBeDefined();
    frozen.child.kill('SIGSTOP');

    const done = await until('the other worker to complete the export', async () => {
      const view = (await request(`${base}/exports/${id}`)).json() as { state: string; result: { rows: number; bytes: number } };
      return view.state === 'completed' ? view : undefined;
    }, 90_000, 200);
    const first = await request(`${base}/exports/${id}/download`);
    expect(first.status).toBe(200);
    expect(first.body.length).toBe(done.result.bytes);

    // Meanwhile a collection appends to the window's last day, so the stale attempt, reading on
    // after it wakes, produces other bytes than the finished zip holds.
    const lastDay = path.join(env.TELEMETRY_DIR as string, HOST, '2026-11-03.csv');
    const lastTime = formatInstant(store.lastMs, TZ);
    await fs.appendFile(lastDay, Array.from({ length: 2000 }, (_, i) => `${lastTime},1,2,late${i},3,4,${HOST},1\n`).join(''));

    // Wake the frozen worker and give it time to run on to the end of its stale attempt.
    frozen.child.kill('SIGCONT');
    await until('the woken worker to give up its stale attempt', async () =>
      /failed|Missing lock|mismatch|ENOENT|completed/i.test(frozen.output()) ? true : undefined, 30_000, 200).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(frozen.output()).toMatch(/Missing lock for job/); // its stale attempt was refused by BullMQ
    expect((await request(`${base}/exports/${id}`)).json()).toMatchObject({ state: 'completed', result: { rows: store.rows } });
    const again = await request(`${base}/exports/${id}/download`);
    expect(again.status).toBe(200);
    const entries = await zipDigests(again.body).catch(() => []);
    served = {
      completedBytes: done.result.bytes,
      laterBytes: again.body.length,
      laterCsvSha256: entries[0]?.sha256,
      files: (await fs.readdir(exportsDir)).sort(),
    };
    expect(served.files).toEqual([`${id}.zip`]);
  }, 120_000);

  it('leaves the finished zip as it was completed when the frozen worker resumes', () => {
    expect(served).toBeDefined();
    expect(served!.laterBytes).toBe(served!.completedBytes);
    expect(served!.laterCsvSha256).toBe(store.csvSha256);
  });
});
