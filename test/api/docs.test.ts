/** The spec at /openapi.json and Swagger UI at /swagger, both from the one spec file. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiSpec } from '../../src/api/spec.js';
import { rawRequest, startTestApi, testConfig, type TestApi } from './harness.js';

let t: TestApi;

beforeAll(async () => {
  const { config, root } = await testConfig('docs');
  t = await startTestApi(config, root);
});

afterAll(async () => {
  await t?.close();
});

describe('API documentation', () => {
  it('serves the spec file as JSON at /openapi.json', async () => {
    const res = await rawRequest(`${t.api.url}/openapi.json`, 'GET');
    expect(res.status).toBe(200);
    const served = res.json() as { openapi: string; paths: Record<string, Record<string, { deprecated?: boolean }>> };
    expect(served).toEqual(await loadApiSpec());
    expect(served.openapi).toMatch(/^3\.1\./);
    for (const route of ['/health', '/collections', '/collections/{id}', '/exports', '/exports/{id}/download', '/jobs/{id}', '/telemetry']) {
      expect(served.paths).toHaveProperty([route]);
    }
    for (const old of ['/hello', '/run_telemetry_collection', '/stop_telemetry_collection', '/cpu_usage', '/cpu_usage_data', '/cpu_usage_to_json', '/ram_usage_to_json', '/return_hw_data']) {
      const operations = Object.values(served.paths[old] ?? {});
      expect(operations.length, old).toBeGreaterThan(0);
      expect(operations.every((op) => op.deprecated === true), old).toBe(true);
    }
  });

  it('serves Swagger UI at /swagger, pointed at the same spec', async () => {
    const page = await rawRequest(`${t.api.url}/swagger/`, 'GET');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
    const init = await rawRequest(`${t.api.url}/swagger/swagger-ui-init.js`, 'GET');
    expect(init.status).toBe(200);
    expect(init.text).toContain('/run_telemetry_collection');
    const bare = await rawRequest(`${t.api.url}/swagger`, 'GET');
    expect([200, 301]).toContain(bare.status);
  });
});
