import fs from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportsDir, exportPartPath, exportZipPath } from '../../src/queue/export-files.js';
import { processCleanup, scheduleCleanup, CLEANUP_SCHEDULER_ID } from '../../workers/cleanup.js';
import { createWorkerContext, type OwnedWorkerContext } from '../../workers/context.js';
import { testSetup, type TestSetup } from '../queue/support.js';

const HOUR = 3_600_000;

async function touch(file: string, ageMs: number): Promise<void> {
  await fs.writeFile(file, 'zip bytes');
  const when = new Date(Date.now() - ageMs);
  await fs.utimes(file, when, when);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

describe('cleanup job', () => {
  let setup: TestSetup;
  let owned: OwnedWorkerContext;

  beforeAll(async () => {
    setup = await testSetup('cleanup', { EXPORT_TTL_S: '3600', CLEAR_TEMP_FOLDER_TIMEOUT: '15' });
    owned = createWorkerContext(setup.config, () => {});
    await fs.mkdir(exportsDir(setup.config), { recursive: true });
  });

  afterAll(async () => {
    await owned.close();
    await setup.cleanup();
  });

  it('deletes expired zips and orphaned part files, keeps fresh zips and parts being written', async () => {
    const { config, queues } = { config: setup.config, queues: owned.ctx.queues };
    // An export the queue shows as active, writing a part file that has not changed for two days.
    await queues.export.add('export', {}, { jobId: 'exp-active' });
    const fetcher = new Worker('export', null, { connection: owned.ctx.redis, prefix: setup.prefix, autorun: false });
    const activeJob = await fetcher.getNextJob('test-token');
    expect(activeJob?.id).toBe('exp-active');

    await touch(exportZipPath(config, 'exp-old'), 2 * HOUR);
    await touch(exportZipPath(config, 'exp-fresh'), 1000);
    await touch(exportZipPath(config, 'exp-just-inside'), HOUR - 60_000);
    await touch(exportPartPath(config, 'exp-writing'), 5000);
    await touch(exportPartPath(config, 'exp-active'), 48 * HOUR);
    await touch(exportPartPath(config, 'exp-orphan'), 48 * HOUR);
    await touch(path.join(exportsDir(config), 'notes.txt'), 48 * HOUR);

    const result = await processCleanup(owned.ctx);

    expect(await exists(exportZipPath(config, 'exp-old'))).toBe(false);
    expect(await exists(exportPartPath(config, 'exp-orphan'))).toBe(false);
    expect(await exists(exportZipPath(config, 'exp-fresh'))).toBe(true);
    expect(await exists(exportZipPath(config, 'exp-just-inside'))).toBe(true);
    expect(await exists(exportPartPath(config, 'exp-writing'))).toBe(true);
    expect(await exists(exportPartPath(config, 'exp-active'))).toBe(true);
    expect(await exists(path.join(exportsDir(config), 'notes.txt'))).toBe(true);
    expect(result).toEqual({ deleted: 2, kept: 4, jobs_removed: 0 });
    await fetcher.close();
  });

  it('does nothing when the exports folder does not exist yet', async () => {
    await fs.rm(exportsDir(setup.config), { recursive: true, force: true });
    expect(await processCleanup(owned.ctx)).toEqual({ deleted: 0, kept: 0, jobs_removed: 0 });
  });

  it('installs one scheduler however many processes start', async () => {
    const maintenance = owned.ctx.queues.maintenance;
    await Promise.all([scheduleCleanup(maintenance, setup.config), scheduleCleanup(maintenance, setup.config)]);
    await scheduleCleanup(maintenance, setup.config);
    const schedulers = await maintenance.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([[CLEANUP_SCHEDULER_ID, 15_000]]);
  });

  it('removes finished jobs once they are older than EXPORT_TTL_S', async () => {
    const short = await testSetup('cleanup-ttl', { EXPORT_TTL_S: '1' });
    const ownedShort = createWorkerContext(short.config, () => {});
    try {
      const { queues, redis } = ownedShort.ctx;
      await queues.export.add('export', {}, { jobId: 'exp-done' });
      const fetcher = new Worker('export', null, { connection: redis, prefix: short.prefix, autorun: false });
      const job = await fetcher.getNextJob('token-1');
      await job?.moveToCompleted({ rows: 0 }, 'token-1', false);
      expect(await queues.export.getJobState('exp-done')).toBe('completed');
      expect((await processCleanup(ownedShort.ctx)).jobs_removed).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await processCleanup(ownedShort.ctx)).jobs_removed).toBe(1);
      expect(await queues.export.getJob('exp-done')).toBeUndefined();
      await fetcher.close();
    } finally {
      await ownedShort.close();
      await short.cleanup();
    }
  });
});
