// 20 exports of the same week requested at once through the API, the window written three ways
// (with the zone's offset, in Z, and as wall time in TELEMETRY_TZ): all complete, every CSV is
// byte for byte the same, and the worker's memory stays bounded while they run.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInstant } from '../../src/store/time.js';
import { removePrefix, uniquePrefix } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { request, until } from './support/http.js';
import { killAll, residentMb, serviceEnv, startApiWithWorkers, type ServiceProcess } from './support/processes.js';
import { writeSyntheticStore, type SyntheticStore } from './support/synthetic-store.js';
import { zipDigests } from '../support/zip.js';

const HOST = 'fault-many-host';
const TZ = 'Europe/Samara';
const EXPORTS = 20;
/** A generous bound for a worker running two exports at a time with 18 more queued: memory must not follow the queue. */
const WORKER_RSS_LIMIT_MB = 300;

interface JobView {
  id: string;
  state: string;
  error: string | null;
  result: { rows: number; csv_bytes: number } | null;
}

/** The same instant written three ways. */
function notations(ms: number): string[] {
  const withOffset = formatInstant(ms, TZ); // 2026-11-16T00:00:00.000+04:00
  return [withOffset, new Date(ms).toISOString(), withOffset.slice(0, 23)];
}

describe('20 exports of the same week at once', () => {
  const prefix = uniquePrefix('fault-many');
  const services: ServiceProcess[] = [];
  let root: string;
  let store: SyntheticStore;

  beforeAll(async () => {
    root = await makeTempDir('fault-many');
    // A week at 20 s × 2 interfaces: 60,480 rows per export, 1.2 million in all.
    store = await writeSyntheticStore({
      dir: path.join(root, 'telemetry'), host: HOST, tz: TZ, firstDay: '2026-11-16', days: 7,
      intervalMs: 20_000, interfaces: ['eth0', 'wlan0'], seed: 20,
    });
  }, 30_000);

  afterAll(async () => {
    await killAll(services);
    await removePrefix(prefix);
    await removeTempDir(root);
  });

  it('all complete with identical CSV bytes while the worker stays under the memory bound', async () => {
    const env = serviceEnv(root, { prefix, host: HOST, tz: TZ });
    const { base, workers } = await startApiWithWorkers(env, 1, services);
    const worker = workers[0] as ServiceProcess;
    const idleMb = (await residentMb(worker.pid)) as number;

    let peakMb = idleMb;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakMb = Math.max(peakMb, (await residentMb(worker.pid)) ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const starts = notations(store.firstMs);
    const ends = notations(store.lastMs);
    const startedAt = Date.now();
    const created = await Promise.all(
      Array.from({ length: EXPORTS }, (_, i) =>
        request(`${base}/exports`, { method: 'POST', body: { start_time: starts[i % 3], end_time: ends[(i + 1) % 3] } }),
      ),
    );
    for (const answer of created) expect(answer.status, answer.body.toString()).toBe(202);
    const ids = created.map((answer) => (answer.json() as JobView).id);
    expect(new Set(ids).size).toBe(EXPORTS);

    const views = await until('every export to complete', async () => {
      const current = await Promise.all(ids.map(async (id) => (await request(`${base}/exports/${id}`)).json() as JobView));
      const failed = current.find((view) => view.state === 'failed');
      if (failed) throw new Error(`export ${failed.id} failed: ${failed.error}`);
      return current.every((view) => view.state === 'completed') ? current : undefined;
    }, 240_000, 500);
    const tookS = (Date.now() - startedAt) / 1000;
    sampling = false;
    await sampler;

    for (const view of views) expect(view.result).toMatchObject({ rows: store.rows, csv_bytes: store.csvBytes });
    const digests = await Promise.all(
      ids.map(async (id) => {
        const zip = await request(`${base}/exports/${id}/download`, { timeoutMs: 30_000 });
        expect(zip.status).toBe(200);
        const entries = await zipDigests(zip.body);
        expect(entries).toHaveLength(1);
        return entries[0]!.sha256;
      }),
    );
    expect(new Set(digests)).toEqual(new Set([store.csvSha256]));
    expect(worker.alive(), worker.output()).toBe(true);
    console.log(
      `concurrent-exports: ${EXPORTS} × ${store.rows} rows in ${tookS.toFixed(1)} s; worker RSS ${idleMb.toFixed(0)} MB idle, ` +
        `${peakMb.toFixed(0)} MB peak (bound ${WORKER_RSS_LIMIT_MB} MB)`,
    );
    expect(peakMb).toBeLessThan(WORKER_RSS_LIMIT_MB);
  }, 300_000);
});
