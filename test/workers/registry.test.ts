import { describe, expect, it } from 'vitest';
import { cleanupJob } from '../../workers/cleanup.js';
import { collectionJob } from '../../workers/collection.js';
import { exportJob } from '../../workers/export.js';
import { buildRegistry, JOB_HANDLERS, RegistryError } from '../../workers/registry.js';
import { startWorkers } from '../../workers/run-workers.js';
import { loadConfig } from '../../env/default_env.js';

describe('job registry', () => {
  it('indexes every kind of the real list', () => {
    const registry = buildRegistry();
    expect([...registry.keys()].sort()).toEqual(['cleanup', 'collection', 'export']);
    expect(registry.get('export')).toBe(exportJob);
    expect(JOB_HANDLERS).toHaveLength(3);
  });

  it('fails on a duplicate handler', () => {
    expect(() => buildRegistry([collectionJob, exportJob, cleanupJob, exportJob])).toThrow(/duplicate handler for 'export'/);
  });

  it('fails on a missing handler, naming it', () => {
    expect(() => buildRegistry([collectionJob, cleanupJob])).toThrow(RegistryError);
    expect(() => buildRegistry([collectionJob, cleanupJob])).toThrow(/missing handler for 'export'/);
  });

  it('fails on a handler placed on the wrong queue', () => {
    const misplaced = { ...cleanupJob, queue: 'export' as const };
    expect(() => buildRegistry([collectionJob, exportJob, misplaced])).toThrow(/'cleanup' must run on queue 'maintenance'/);
  });

  it('stops startWorkers before it opens any connection', async () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: 'never-used' });
    await expect(startWorkers(config, { handlers: [collectionJob, collectionJob, exportJob, cleanupJob] })).rejects.toThrow(
      /duplicate handler for 'collection'/,
    );
  });
});
