/**
 * A real API server for one test file: its own temp folders, its own BullMQ prefix on the real
 * Redis, a JobService, responses validated against the spec. `close` removes all of it.
 */
import http from 'node:http';
import path from 'node:path';
import { loadConfig, type Config, type EnvSource } from '../../env/default_env.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { JobService } from '../../src/queue/job-service.js';
import { removePrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';

export const TEST_HOST = 'api-test-host';

export interface TestApi {
  config: Config;
  jobs: JobService;
  api: ApiServer;
  /** `${url}/api/v1` */
  base: string;
  close(): Promise<void>;
}

/** The config of one test file: temp store and tmp folders, a unique prefix, port 0; `env` on top. */
export async function testConfig(topic: string, env: EnvSource = {}): Promise<{ config: Config; root: string }> {
  const root = await makeTempDir(`api-${topic}`);
  const config = loadConfig({
    TELEMETRY_DIR: path.join(root, 'telemetry'),
    TMP_DIR: path.join(root, 'tmp'),
    QUEUE_PREFIX: uniquePrefix(topic),
    REDIS_URL: testRedisUrl(),
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    HOST_NAME: TEST_HOST,
    TELEMETRY_TZ: 'Europe/Samara',
    DOCKER_MODE: 'false',
    ...env,
  });
  return { config, root };
}

/** Starts the API for `config` (made by testConfig) with response validation on. */
export async function startTestApi(config: Config, root: string, jobs = new JobService(config)): Promise<TestApi> {
  const api = await startApiServer({ config, jobs, validateResponses: true });
  return {
    config,
    jobs,
    api,
    base: `${api.url}/api/v1`,
    async close() {
      await api.close(1000);
      await jobs.close();
      await removePrefix(config.queuePrefix);
      await removeTempDir(root);
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: () => unknown;
}

/**
 * One request with full control of what goes on the wire (fetch refuses a GET body and sets
 * its own headers); `body` is sent with a Content-Length.
 */
export function rawRequest(url: string, method: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const all = payload ? { 'content-length': String(payload.length), ...headers } : headers;
    const req = http.request(url, { method, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        const text = buffer.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buffer, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** JSON request via fetch; answers status, headers and the parsed body (or text when not JSON). */
export async function call(
  base: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const res = await fetch(base + route, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (CSV, zip, 204)
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Polls `check` every `everyMs` until it returns a value, or throws after `timeoutMs`. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
