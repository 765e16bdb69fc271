/**
 * Redis away: /health says so (503), routes that need Redis answer 503 in the one shape without
 * hanging, routes that only read the store keep working. The JobService points at a port where
 * nothing listens.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRows, writeSamples } from './fixtures.js';
import { startTestApi, testConfig, TEST_HOST, type TestApi } from './harness.js';

let t: TestApi;

/** A port nothing listens on: bound once by us, then released. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A request that must be answered (not hang); 5 s is far above the 2 s promised. */
async function answered(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  const { config, root } = await testConfig('health', { REDIS_URL: `redis://127.0.0.1:${await deadPort()}` });
  t = await startTestApi(config, root);
  await writeSamples(config.telemetryDir, TEST_HOST, makeRows(TEST_HOST, Date.parse('2026-03-01T12:00:00+04:00'), 3, ['eth0']));
});

afterAll(async () => {
  await t?.close();
});

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('Redis down', () => {
  it('/health answers 503 with redis down', async () => {
    const res = await answered(`${t.base}/health`);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: true, message: expect.stringContaining('Redis'), redis: 'down' });
  });

  it('routes that need Redis answer 503 in the one shape', async () => {
    const calls: [string, RequestInit][] = [
      ['/collections', json({ interval_s: 1 })],
      ['/collections', {}],
      ['/collections/col-0000000000000000', {}],
      ['/collections/col-0000000000000000', { method: 'DELETE' }],
      ['/exports', json({ start_time: '2026-03-01T00:00:00Z', end_time: '2026-03-01T01:00:00Z' })],
      ['/exports/exp-0000000000000000', {}],
      ['/exports/exp-0000000000000000/download', {}],
      ['/jobs/exp-0000000000000000', {}],
    ];
    for (const [route, init] of calls) {
      const res = await answered(t.base + route, init);
      expect(res.status, route).toBe(503);
      expect(res.body, route).toEqual({ error: true, message: expect.any(String) });
    }
    const old = await answered(`${t.base}/run_telemetry_collection`);
    expect(old.status).toBe(503);
    expect(old.body).toEqual({ error: true, message: expect.any(String), data: null });
  });

  it('bad input is still a 400, not a 503', async () => {
    const res = await answered(`${t.base}/exports`, json({ start_time: '2026-03-02T00:00:00Z', end_time: '2026-03-01T00:00:00Z' }));
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'start_time', message: expect.any(String) }]);
  });

  it('routes that only read the store keep working', async () => {
    const window = 'start_time=2026-03-01T12:00:00%2B04:00&end_time=2026-03-01T13:00:00%2B04:00';
    const rows = await answered(`${t.base}/telemetry?${window}`);
    expect(rows.status).toBe(200);
    expect(rows.body.count).toBe(3);
    const old = await answered(`${t.base}/cpu_usage_data?${window}`, { method: 'POST' });
    expect(old.status).toBe(200);
    expect(old.body.data).toHaveLength(3);
  });
});
