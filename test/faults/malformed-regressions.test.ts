// Malformed requests the fuzzer (malformed-requests.test.ts) once answered with a 5xx, pinned
// here so they stay fixed whatever seed the fuzzer draws. Each must get a 4xx in the error shape.
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../env/default_env.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { JobService } from '../../src/queue/job-service.js';
import { removePrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { problemWith, send } from './support/raw-http.js';

const JSON_TYPE = { 'content-type': 'application/json' };

/** Found with FAULT_SEED=102 and 114: a GET of an old route carrying a JSON body whose window is not text. */
const FOUND: { seed: number; method: string; path: string; headers: Record<string, string>; body?: string }[] = [
  {
    seed: 102,
    method: 'GET',
    path: '/api/v1/ram_usage_to_json?start_time=%D9%A2%D9%A0%D9%A2%D9%A6-%D9%A1%D9%A2-%D9%A0%D9%A4&end_time=%20',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: '{"start_time":{"":false,"interval_s":[[5]]},"host":"5"}',
  },
  {
    seed: 114,
    method: 'GET',
    path: '/api/v1/cpu_usage?start_time=2026-13-45T25%3A61%3A61Z&end_time=undefined',
    headers: JSON_TYPE,
    body: '{"end_time":604800,"host":0.1}',
  },
  { seed: 114, method: 'GET', path: '/api/v1/cpu_usage_to_json', headers: JSON_TYPE, body: '{"start_time":[1],"end_time":{"a":1}}' },
  { seed: 114, method: 'GET', path: '/api/v1/cpu_usage?start_time=2026-12-04&end_time=2026-12-05', headers: JSON_TYPE, body: '{"start_time":true}' },
];

describe('malformed requests that once broke the API', () => {
  const prefix = uniquePrefix('fault-regress');
  let root: string;
  let jobs: JobService;
  let api: ApiServer;

  beforeAll(async () => {
    root = await makeTempDir('fault-regress');
    const config = loadConfig({
      REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix, TELEMETRY_DIR: path.join(root, 'telemetry'), TMP_DIR: path.join(root, 'tmp'),
      HOST_NAME: 'fault-regress-host', API_HOST: '127.0.0.1', API_PORT: '0',
    });
    jobs = new JobService(config);
    api = await startApiServer({ config, jobs, validateResponses: true });
  });

  afterAll(async () => {
    await api?.close(1000);
    await jobs?.close();
    await removePrefix(prefix);
    await removeTempDir(root);
  });

  it.each(FOUND)('seed $seed: $method $path', async (found) => {
    const agent = new http.Agent();
    const reply = await send(api.url, agent, { ...found, body: found.body === undefined ? undefined : Buffer.from(found.body) });
    agent.destroy();
    const legacy = new Set([new URL(found.path, 'http://x').pathname]);
    expect(problemWith(reply, found, legacy)).toBeNull();
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toMatchObject({ error: true, data: null, details: expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(/_time$/) })]) });
  });
});
