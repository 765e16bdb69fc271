// A worker SIGKILLed in the middle of an export: BullMQ's stalled-job check hands the job to the
// other worker, which writes the whole zip again; meanwhile the download never offers a part.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInstant } from '../../src/store/time.js';
import { removePrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { request, until, type Answer } from './support/http.js';
import { killAll, serviceEnv, startApiWithWorkers, type ServiceProcess } from './support/processes.js';
import { writeSyntheticStore, type SyntheticStore } from './support/synthetic-store.js';
import { zipDigests } from '../support/zip.js';

const HOST = 'fault-kill-host';
const TZ = 'Europe/Samara';

describe('a worker killed with SIGKILL in the middle of an export', () => {
  const prefix = uniquePrefix('fault-kill');
  const services: ServiceProcess[] = [];
  let root: string;
  let env: Record<string, string>;
  let store: SyntheticStore;
  let redis: Redis;

  beforeAll(async () => {
    root = await makeTempDir('fault-kill');
    // A dead worker's job goes back to the queue within about 4 s + two 2 s checks, not minutes.
    env = serviceEnv(root, { prefix, host: HOST, tz: TZ }, { JOB_LOCK_S: '4' });
    // Two days at 1 s × 2 interfaces: 345,600 rows, long enough to be killed part-way.
    store = await writeSyntheticStore({
      dir: env.TELEMETRY_DIR as string, host: HOST, tz: TZ, firstDay: '2026-11-02', days: 2,
      intervalMs: 1000, interfaces: ['eth0', 'wlan0'], seed: 5,
    });
    redis = new Redis(testRedisUrl());
  }, 60_000);

  afterAll(async () => {
    await killAll(services);
    redis?.disconnect();
    await removePrefix(prefix);
    await removeTempDir(root);
  });

  it('is picked up by the other worker and completes with every row; only 409 until the full zip', async () => {
    const { base, workers } = await startApiWithWorkers(env, 2, services);
    const [workerA, workerB] = workers as [ServiceProcess, ServiceProcess];

    const created = await request(`${base}/exports`, {
      method: 'POST',
      body: { start_time: formatInstant(store.firstMs, TZ), end_time: formatInstant(store.lastMs, TZ) },
    });
    expect(created.status, created.body.toString()).toBe(202);
    const id = (created.json() as { id: string }).id;
    const partFile = path.join(env.TMP_DIR as string, 'exports', `${id}.zip.part`);
    const zipFile = path.join(env.TMP_DIR as string, 'exports', `${id}.zip`);

    // Download polling runs for the whole test: every answer until the zip is complete is a 409.
    const downloads: Answer[] = [];
    let stopPolling = false;
    const poller = (async () => {
      while (!stopPolling) {
        const answer = await request(`${base}/exports/${id}/download`);
        downloads.push(answer);
        if (answer.status === 200) return answer;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return undefined;
    })();

    // Kill whichever worker took the job, once its zip is being written.
    const jobKey = `${prefix}:export:${id}`;
    await until('the part file to grow', async () => ((await fs.stat(partFile).catch(() => null))?.size ?? 0) > 0 || undefined, 30_000, 10);
    const takenBy = await redis.hget(jobKey, 'pb');
    const victim = [workerA, workerB].find((worker) => takenBy === `${HOST}:${worker.pid}`);
    expect(victim, `job taken by ${takenBy}; workers ${workerA.pid}, ${workerB.pid}`).toBeDefined();
    const survivor = victim === workerA ? workerB : workerA;
    const killedAt = Date.now();
    expect(await victim!.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    // Killed mid-way: no zip yet, the job still active (its lock has not expired).
    await expect(fs.access(zipFile)).rejects.toThrow();
    expect((await request(`${base}/exports/${id}`)).json()).toMatchObject({ state: 'active' });

    const done = await until('the export to complete on the other worker', async () => {
      const view = (await request(`${base}/exports/${id}`)).json() as { state: string; result: { rows: number; bytes: number } };
      if (view.state === 'failed') throw new Error(`export failed: ${JSON.stringify(view)}`);
      return view.state === 'completed' ? view : undefined;
    }, 90_000, 200);
    const recoveredInS = (Date.now() - killedAt) / 1000;
    const job = await redis.hgetall(jobKey);
    expect(job.pb).toBe(`${HOST}:${survivor.pid}`);
    expect(Number(job.stc)).toBe(1); // handed back once, by the stalled-job check
    expect(done.result.rows).toBe(store.rows);

    const zip = await poller;
    stopPolling = true;
    expect(zip, 'the download never answered 200').toBeDefined();
    const early = downloads.filter((answer) => answer.status !== 200);
    expect(early.length).toBeGreaterThan(0);
    for (const answer of early) {
      expect(answer.status, answer.body.toString()).toBe(409);
      expect(answer.json()).toMatchObject({ error: true, message: expect.stringContaining(id) });
    }
    // The zip served is the complete one: the finished file's size, every row, byte for byte.
    expect(zip!.contentType).toBe('application/zip');
    expect(zip!.body.length).toBe(done.result.bytes);
    expect(zip!.body.length).toBe((await fs.stat(zipFile)).size);
    const [entry, ...others] = await zipDigests(zip!.body);
    expect(others).toHaveLength(0);
    expect(entry!.bytes).toBe(store.csvBytes);
    expect(entry!.sha256).toBe(store.csvSha256);
    // The killed run's part file was taken over and renamed; nothing half-written is left behind.
    expect((await fs.readdir(path.dirname(zipFile))).filter((name) => name.endsWith('.part'))).toEqual([]);
    console.log(`worker-kill: ${store.rows} rows; recovered and completed ${recoveredInS.toFixed(1)} s after the kill; ${early.length} 409s before the zip`);
  }, 120_000);
});
