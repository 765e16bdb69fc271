// What docker-compose.yml and the Dockerfile promise, checked against each other and against the
// configuration they produce. (scripts/check-deploy.sh runs the real Compose parser and the linters.)
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../env/default_env.js';
import { readCompose, mount, type ComposeService } from './support/compose.js';
import { envPairs, readDockerfile, type Stage } from './support/dockerfile.js';

const repo = path.resolve(import.meta.dirname, '../..');
const compose = readCompose(path.join(repo, 'docker-compose.yml'));
const stages = readDockerfile(path.join(repo, 'Dockerfile'));
const runtime = stages.at(-1) as Stage;
const services = compose.services;
const app = (name: string) => services[name] as ComposeService;

const CONFIG_VARS = ['DEBUG_MODE', 'DOCKER_MODE', 'API_HOST', 'API_PORT', 'REDIS_URL', 'QUEUE_PREFIX', 'TELEMETRY_DIR',
  'TMP_DIR', 'TELEMETRY_TZ', 'HOST_NAME', 'CLEAR_TEMP_FOLDER_TIMEOUT', 'EXPORT_TTL_S', 'QUERY_MAX_ROWS', 'REDIS_DATA_DIR'];

function instructions(keyword: string, stage = runtime) {
  return stage.instructions.filter((i) => i.keyword === keyword);
}
const imageEnv = Object.assign({}, ...instructions('ENV').map(envPairs)) as Record<string, string>;
const imageWorkdir = instructions('WORKDIR').reduce((dir, i) => path.posix.resolve(dir, i.args), '/');

/** The configuration a container of `service` starts with: image ENV, then the service's environment. */
function containerConfig(service: ComposeService): Config {
  const blank = Object.fromEntries(CONFIG_VARS.map((name) => [name, '']));
  return loadConfig({ ...blank, ...imageEnv, ...service.environment }, imageWorkdir);
}

function mountAt(service: ComposeService, target: string) {
  return service.volumes?.map(mount).find((m) => m.target === target);
}

describe('docker-compose.yml', () => {
  it('gives api and worker valid configurations whose store and export folders are the same shared mounts', () => {
    const api = containerConfig(app('api'));
    const worker = containerConfig(app('worker'));
    for (const config of [api, worker]) {
      expect(config).toMatchObject({ dockerMode: true, apiHost: '0.0.0.0', redisUrl: 'redis://redis:6379' });
      expect(config.telemetryDir).toBe(`${imageWorkdir}/telemetry`);
      expect(config.tmpDir).toBe(`${imageWorkdir}/tmp`);
    }
    expect(worker.queuePrefix).toBe(api.queuePrefix);

    expect(mountAt(app('api'), api.telemetryDir)?.source).toBe('./telemetry');
    expect(mountAt(app('worker'), worker.telemetryDir)?.source).toBe('./telemetry');
    const exportsVolume = mountAt(app('api'), api.tmpDir)?.source;
    expect(exportsVolume).toMatch(/^[a-z][a-z0-9_-]*$/); // a named volume, declared below, not a container's own
    expect(Object.keys(compose.volumes ?? {})).toContain(exportsVolume);
    expect(mountAt(app('worker'), worker.tmpDir)?.source).toBe(exportsVolume);
  });

  it('runs api and worker from the one image, started once Redis is healthy; workers scale', () => {
    for (const name of ['api', 'worker']) {
      expect(app(name).build).toBe('.');
      expect(app(name).image).toBe(app('api').image);
      expect(app(name).depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    }
    expect(app('api').command).toEqual(['api']);
    expect(app('worker').command).toEqual(['worker']);
    expect(app('api').ports).toEqual(['5555:5555']);
    expect(containerConfig(app('api')).apiPort).toBe(5555);
    // --scale worker=N needs a service without fixed names or host ports.
    expect(app('worker').container_name).toBeUndefined();
    expect(app('worker').ports).toBeUndefined();
    expect(app('worker').healthcheck).toEqual({ disable: true });
  });

  it('keeps Redis data in a named volume, append-only, never evicting queue keys, with a health check', () => {
    const redis = app('redis');
    expect(redis.image).toMatch(/^redis:7/);
    expect(redis.command?.join(' ')).toContain('--appendonly yes');
    expect(redis.command?.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    const data = mountAt(redis, '/data');
    expect(Object.keys(compose.volumes ?? {})).toContain(data?.source);
  });

  it('has an optional collector in the host network and PID namespaces writing the same store', () => {
    const collector = app('collector');
    expect(collector.profiles).toEqual(['collector']);
    expect(collector).toMatchObject({ network_mode: 'host', pid: 'host', image: app('api').image });
    expect(collector.command?.[0]).toBe('collector');
    const config = containerConfig(collector);
    expect(mountAt(collector, config.telemetryDir)?.source).toBe('./telemetry');
    expect(collector.depends_on).toBeUndefined(); // it needs no Redis
  });
});

describe('Dockerfile', () => {
  it('builds with dev dependencies and runs with production ones only, on Node 20 slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(/^node:20(\.\d+)*-(bookworm-)?slim$/);
    const runs = (stage: Stage) => instructions('RUN', stage).map((i) => i.args).join('\n');
    expect(stages.some((s) => /npm ci(?!.*--omit=dev)/.test(runs(s)) && runs(s).includes('npm run build'))).toBe(true);
    const runtimeDeps = instructions('COPY').find((i) => /node_modules/.test(i.args));
    const depsStage = stages.find((s) => s.name === runtimeDeps?.flags.from);
    expect(runs(depsStage as Stage)).toMatch(/npm ci .*--omit=dev/);
    expect(runs(runtime)).not.toMatch(/npm (ci|install)(?!.*--omit=dev)/);
  });

  it('runs as a non-root user in /var/lib/pc_telemetry with its data folders as volumes', () => {
    const user = instructions('USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(imageWorkdir).toBe('/var/lib/pc_telemetry');
    const volumes = JSON.parse(instructions('VOLUME').at(-1)?.args ?? '[]') as string[];
    expect(volumes.sort()).toEqual([`${imageWorkdir}/telemetry`, `${imageWorkdir}/tmp`]);
  });

  it('defaults to Europe/Samara with tzdata installed, listens on 0.0.0.0:5555 and checks /api/v1/health', () => {
    expect(imageEnv).toMatchObject({ TZ: 'Europe/Samara', API_HOST: '0.0.0.0' });
    expect(instructions('RUN').map((i) => i.args).join(' ')).toMatch(/apt-get install .*\btzdata\b/);
    expect(instructions('EXPOSE').map((i) => i.args)).toEqual(['5555']);
    expect(instructions('HEALTHCHECK').at(-1)?.args).toContain('/api/v1/health');
    expect(JSON.parse(instructions('CMD').at(-1)?.args ?? 'null')).toEqual(['all']);
  });
});
