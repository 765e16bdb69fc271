// JOB_LOCK_S sets how soon a job whose worker died is handed to another worker; the fault tests
// shorten it, production keeps BullMQ-like defaults.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../env/default_env.js';
import { collectionJob } from '../../workers/collection.js';
import { cleanupJob } from '../../workers/cleanup.js';
import { exportJob } from '../../workers/export.js';
import { queueWorkerOptions } from '../../workers/run-workers.js';

describe('worker lock timing (JOB_LOCK_S)', () => {
  it('defaults to a 60 s export lock, a 120 s collection lock and the 30 s stalled check', () => {
    const config = loadConfig({ JOB_LOCK_S: '' });
    expect(config.jobLockS).toBe(60);
    expect(queueWorkerOptions(exportJob, config)).toEqual({ concurrency: 2, lockDuration: 60_000, stalledInterval: 30_000 });
    expect(queueWorkerOptions(collectionJob, config)).toEqual({
      concurrency: 1,
      maxStalledCount: 1,
      lockDuration: 120_000,
      stalledInterval: 30_000,
    });
    expect(queueWorkerOptions(cleanupJob, config)).toMatchObject({ lockDuration: 60_000, stalledInterval: 30_000 });
  });

  it('scales every lock and the stalled check with JOB_LOCK_S', () => {
    const config = loadConfig({ JOB_LOCK_S: '4' });
    expect(queueWorkerOptions(exportJob, config)).toMatchObject({ lockDuration: 4000, stalledInterval: 2000 });
    expect(queueWorkerOptions(collectionJob, config)).toMatchObject({ lockDuration: 8000, stalledInterval: 2000 });
  });

  it('refuses a lock that is not a positive number of seconds', () => {
    for (const bad of ['0', '-5', 'soon', '7200']) {
      expect(() => loadConfig({ JOB_LOCK_S: bad })).toThrow(ConfigError);
    }
  });
});
