import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionLockKey } from '../../src/queue/queues.js';
import { requestCollectionStop } from '../../src/queue/collection-stop.js';
import { readWindow } from '../../src/store/reader.js';
import type { TelemetryRow } from '../../src/store/row.js';
import { processCollection, type CollectionData } from '../../workers/collection.js';
import { createWorkerContext, type OwnedWorkerContext } from '../../workers/context.js';
import { testSetup, waitFor, type TestSetup } from '../queue/support.js';

async function storedRows(setup: TestSetup): Promise<TelemetryRow[]> {
  const rows: TelemetryRow[] = [];
  for await (const row of readWindow({
    dir: setup.config.telemetryDir,
    tz: setup.config.telemetryTz,
    start: Date.now() - 3_600_000,
    end: Date.now() + 60_000,
    legacyHost: setup.config.hostName,
  })) {
    rows.push(row);
  }
  return rows;
}

describe('collection processor', () => {
  let setup: TestSetup;
  let owned: OwnedWorkerContext;
  let jobNumber = 0;

  const addJob = (data: Partial<CollectionData>) =>
    owned.ctx.queues.collection.add('collection', { host: 'test-host', interval_s: 0.2, ...data }, { jobId: `col-test${++jobNumber}` });

  beforeAll(async () => {
    setup = await testSetup('collection');
    owned = createWorkerContext(setup.config, () => {});
    await owned.ctx.stops.ready();
  });

  afterAll(async () => {
    await owned.close();
    await setup.cleanup();
  });

  it('samples into the store for its duration and reports what it wrote', async () => {
    const job = await addJob({ duration_s: 1.5 });
    const result = await processCollection(owned.ctx, job);
    expect(result.stopped).toBe(false);
    expect(result.stopped_by).toBeNull();
    expect(result.samples).toBeGreaterThanOrEqual(5);
    const rows = await storedRows(setup);
    expect(rows.length).toBe(result.rows);
    expect(rows.every((row) => row.host === 'test-host')).toBe(true);
    expect(rows[0]?.time).toBe(result.first_time);
    expect(rows.at(-1)?.time).toBe(result.last_time);
    expect((await owned.ctx.queues.collection.getJob(String(job.id)))?.progress).toBe(100);
    // The host's lock is free again.
    expect(await owned.ctx.redis.get(collectionLockKey(setup.prefix, 'test-host'))).toBeNull();
  });

  it('stops on a stop request, keeps what it sampled and says who stopped it', async () => {
    const before = (await storedRows(setup)).length;
    const job = await addJob({});
    const running = processCollection(owned.ctx, job);
    await waitFor(async () => ((await owned.ctx.queues.collection.getJob(String(job.id)))?.progress as { samples?: number })?.samples);
    await requestCollectionStop(owned.ctx.redis, setup.prefix, String(job.id));
    const result = await running;
    expect(result).toMatchObject({ stopped: true, stopped_by: 'request' });
    expect(result.samples).toBeGreaterThanOrEqual(1);
    expect((await storedRows(setup)).length - before).toBe(result.rows);
  });

  it('stops when the process shuts down', async () => {
    const job = await addJob({});
    const shutdownCtx = { ...owned.ctx, shutdown: AbortSignal.timeout(700) };
    const result = await processCollection(shutdownCtx, job);
    expect(result).toMatchObject({ stopped: true, stopped_by: 'shutdown' });
  });

  it('refuses data it cannot run, without retrying', async () => {
    const badInterval = await addJob({ interval_s: 0 });
    await expect(processCollection(owned.ctx, badInterval)).rejects.toMatchObject({ name: 'UnrecoverableError' });
    const otherHost = await addJob({ host: 'elsewhere' });
    await expect(processCollection(owned.ctx, otherHost)).rejects.toThrow(/picked up by a worker on test-host/);
  });

  it('refuses to run while another collection holds the host', async () => {
    await owned.ctx.redis.set(collectionLockKey(setup.prefix, 'test-host'), 'col-someone-else');
    try {
      const job = await addJob({ duration_s: 1 });
      await expect(processCollection(owned.ctx, job)).rejects.toThrow(/another collection already runs/);
    } finally {
      await owned.ctx.redis.del(collectionLockKey(setup.prefix, 'test-host'));
    }
  });
});
