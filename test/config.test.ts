import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../env/default_env.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({
      API_HOST: '', API_PORT: '', QUEUE_PREFIX: '', TELEMETRY_TZ: '', CLEAR_TEMP_FOLDER_TIMEOUT: '',
      EXPORT_TTL_S: '', DOCKER_MODE: '', DEBUG_MODE: '', REDIS_URL: '', TELEMETRY_DIR: '', TMP_DIR: '',
    }, '/srv/pct');
    expect(config).toMatchObject({
      apiHost: '127.0.0.1', apiPort: 5555, queuePrefix: 'pct', telemetryTz: 'Europe/Samara',
      clearTempFolderTimeoutS: 15, exportTtlS: 3600, dockerMode: false, debugMode: false,
      redisUrl: 'redis://127.0.0.1:6379', redisUrlExplicit: false,
      telemetryDir: '/srv/pct/telemetry', tmpDir: '/srv/pct/tmp',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes every setting from the environment', () => {
    const config = loadConfig({
      API_PORT: '8080', DOCKER_MODE: 'True', REDIS_URL: 'redis://r:6380/2', TELEMETRY_TZ: 'UTC', HOST_NAME: 'db-1',
    });
    expect(config).toMatchObject({
      apiPort: 8080, dockerMode: true, redisUrl: 'redis://r:6380/2', redisUrlExplicit: true,
      telemetryTz: 'UTC', hostName: 'db-1',
    });
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ API_PORT: 'http', DOCKER_MODE: 'maybe', TELEMETRY_TZ: 'Mars/Olympus', HOST_NAME: '../etc', EXPORT_TTL_S: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(() => loadConfig({ HOST_NAME: '04-12-2026' })).toThrow(/HOST_NAME/);
    for (const name of ['API_PORT', 'DOCKER_MODE', 'TELEMETRY_TZ', 'HOST_NAME', 'EXPORT_TTL_S']) {
      expect(problems).toContain(name);
    }
  });
});
