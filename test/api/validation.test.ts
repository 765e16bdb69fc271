/**
 * Bad input on every route: a 4xx in the one error shape naming the field, never a 5xx, and
 * nothing stored is touched. Runs against the real server with response validation on.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayFilePath } from '../../src/store/paths.js';
import { StoreWriter } from '../../src/store/writer.js';
import { rawRequest, startTestApi, testConfig, TEST_HOST, type TestApi } from './harness.js';

let t: TestApi;
let storedFile: string;
let storedBytes: Buffer;

beforeAll(async () => {
  const { config, root } = await testConfig('validation');
  t = await startTestApi(config, root);
  const writer = new StoreWriter({ dir: config.telemetryDir, host: TEST_HOST, tz: config.telemetryTz });
  await writer.append([
    { time: '2026-03-01T12:00:00.000+04:00', cpu_usage: 5, ram_free: 40, network_adapter: 'eth0', net_usage_up: 1, net_usage_down: 2, host: TEST_HOST, elapsed_s: 1 },
  ]);
  await writer.close();
  storedFile = dayFilePath(config.telemetryDir, TEST_HOST, '2026-03-01');
  storedBytes = await readFile(storedFile);
});

afterAll(async () => {
  await t?.close();
});

interface BadCase {
  name: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  status: number;
  /** The field `details` must name (omit for answers without details, e.g. 404). */
  field?: string;
  /** The old tool's routes keep `data` in their errors. */
  legacy?: boolean;
}

const json = (value: unknown) => JSON.stringify(value);
const WINDOW = { start_time: '2026-03-01T00:00:00+04:00', end_time: '2026-03-02T00:00:00+04:00' };
const TRAVERSAL = '..%2F..%2F..%2Fetc%2Fpasswd';
const BIG = json({ ...WINDOW, host: 'x'.repeat(40_000) });

const CASES: BadCase[] = [
  // POST /collections
  { name: 'interval_s of the wrong type', method: 'POST', path: '/collections', body: json({ interval_s: 'fast' }), status: 400, field: 'interval_s' },
  { name: 'interval_s below 0.2', method: 'POST', path: '/collections', body: json({ interval_s: 0.1 }), status: 400, field: 'interval_s' },
  { name: 'interval_s above 3600', method: 'POST', path: '/collections', body: json({ interval_s: 3601 }), status: 400, field: 'interval_s' },
  { name: 'duration_s above 7 days', method: 'POST', path: '/collections', body: json({ duration_s: 604_801 }), status: 400, field: 'duration_s' },
  { name: 'duration_s negative', method: 'POST', path: '/collections', body: json({ duration_s: -1 }), status: 400, field: 'duration_s' },
  { name: 'label not a string', method: 'POST', path: '/collections', body: json({ label: 5 }), status: 400, field: 'label' },
  { name: 'unknown collection field', method: 'POST', path: '/collections', body: json({ interval: 5 }), status: 400, field: 'interval' },
  { name: 'collection body an array', method: 'POST', path: '/collections', body: '[1]', status: 400, field: 'body' },
  { name: 'collection body a number', method: 'POST', path: '/collections', body: '5', status: 400, field: 'body' },
  { name: 'malformed JSON', method: 'POST', path: '/collections', body: '{"interval_s": 5', status: 400, field: 'body' },
  { name: 'oversized collection body', method: 'POST', path: '/collections', body: json({ label: 'x'.repeat(40_000) }), status: 413, field: 'body' },
  { name: 'form body', method: 'POST', path: '/collections', body: 'interval_s=5', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
  // collection and job ids
  { name: 'traversal in a collection id', method: 'GET', path: `/collections/${TRAVERSAL}`, status: 400, field: 'id' },
  { name: 'traversal in a stopped collection id', method: 'DELETE', path: `/collections/${TRAVERSAL}`, status: 400, field: 'id' },
  { name: 'dots in an export id', method: 'GET', path: '/exports/..hidden', status: 400, field: 'id' },
  { name: 'traversal in a download id', method: 'GET', path: `/exports/${TRAVERSAL}/download`, status: 400, field: 'id' },
  { name: 'NUL in a job id', method: 'GET', path: '/jobs/abc%00def', status: 400, field: 'id' },
  { name: 'over-long job id', method: 'GET', path: `/jobs/${'a'.repeat(129)}`, status: 400, field: 'id' },
  // POST /exports
  { name: 'export without a window', method: 'POST', path: '/exports', body: json({}), status: 400, field: 'start_time' },
  { name: 'export without end_time', method: 'POST', path: '/exports', body: json({ start_time: WINDOW.start_time }), status: 400, field: 'end_time' },
  { name: 'export times of the wrong type', method: 'POST', path: '/exports', body: json({ start_time: 5, end_time: WINDOW.end_time }), status: 400, field: 'start_time' },
  { name: 'export start after end', method: 'POST', path: '/exports', body: json({ start_time: WINDOW.end_time, end_time: WINDOW.start_time }), status: 400, field: 'start_time' },
  { name: 'export unparseable start', method: 'POST', path: '/exports', body: json({ ...WINDOW, start_time: 'yesterday' }), status: 400, field: 'start_time' },
  { name: 'export unparseable end', method: 'POST', path: '/exports', body: json({ ...WINDOW, end_time: '2026-02-30T00:00:00' }), status: 400, field: 'end_time' },
  { name: 'export longer than 31 days', method: 'POST', path: '/exports', body: json({ start_time: '2026-01-01T00:00:00Z', end_time: '2026-03-01T00:00:00Z' }), status: 400, field: 'end_time' },
  { name: 'export unknown field', method: 'POST', path: '/exports', body: json({ ...WINDOW, format: 'csv' }), status: 400, field: 'format' },
  { name: 'export host traversal', method: 'POST', path: '/exports', body: json({ ...WINDOW, host: '../etc' }), status: 400, field: 'host' },
  { name: 'export interfaces not a list', method: 'POST', path: '/exports', body: json({ ...WINDOW, interfaces: 'eth0' }), status: 400, field: 'interfaces' },
  { name: 'export interface of the wrong type', method: 'POST', path: '/exports', body: json({ ...WINDOW, interfaces: [3] }), status: 400, field: 'interfaces.0' },
  { name: 'export interface with a slash', method: 'POST', path: '/exports', body: json({ ...WINDOW, interfaces: ['../eth0'] }), status: 400, field: 'interfaces.0' },
  { name: 'export body null', method: 'POST', path: '/exports', body: 'null', status: 400, field: 'body' },
  { name: 'export without a body', method: 'POST', path: '/exports', status: 415 },
  { name: 'oversized export body', method: 'POST', path: '/exports', body: BIG, status: 413, field: 'body' },
  { name: 'export body that does not decompress', method: 'POST', path: '/exports', body: json(WINDOW), headers: { 'content-encoding': 'gzip' }, status: 400, field: 'body' },
  { name: 'export body in an unknown encoding', method: 'POST', path: '/exports', body: json(WINDOW), headers: { 'content-encoding': 'zstd2' }, status: 415, field: 'body' },
  // GET /telemetry
  { name: 'telemetry without start_time', method: 'GET', path: '/telemetry?end_time=2026-03-01', status: 400, field: 'start_time' },
  { name: 'telemetry unparseable end', method: 'GET', path: '/telemetry?start_time=2026-03-01&end_time=soon', status: 400, field: 'end_time' },
  { name: 'telemetry start after end', method: 'GET', path: '/telemetry?start_time=2026-03-02&end_time=2026-03-01', status: 400, field: 'start_time' },
  { name: 'telemetry unknown format', method: 'GET', path: '/telemetry?start_time=2026-03-01&end_time=2026-03-02&format=xml', status: 400, field: 'format' },
  { name: 'telemetry host traversal', method: 'GET', path: '/telemetry?start_time=2026-03-01&end_time=2026-03-02&host=..%2Fetc', status: 400, field: 'host' },
  { name: 'telemetry interface with a control character', method: 'GET', path: '/telemetry?start_time=2026-03-01&end_time=2026-03-02&interface=eth%0A0', status: 400, field: 'interface.0' },
  { name: 'telemetry unknown parameter', method: 'GET', path: '/telemetry?start_time=2026-03-01&end_time=2026-03-02&limit=5', status: 400, field: 'limit' },
  { name: 'telemetry over-long time', method: 'GET', path: `/telemetry?start_time=${'2'.repeat(100)}&end_time=2026-03-02`, status: 400, field: 'start_time' },
  // the old tool's routes
  { name: 'cpu_usage without end_time', method: 'GET', path: '/cpu_usage?start_time=2026-03-01', status: 400, field: 'end_time', legacy: true },
  { name: 'cpu_usage unparseable start', method: 'GET', path: '/cpu_usage?start_time=None&end_time=2026-03-01', status: 400, field: 'start_time', legacy: true },
  { name: 'cpu_usage start after end', method: 'GET', path: '/cpu_usage?start_time=2026-03-02&end_time=2026-03-01', status: 400, field: 'start_time', legacy: true },
  { name: 'cpu_usage_data without a window', method: 'POST', path: '/cpu_usage_data', body: json({}), status: 400, field: 'start_time', legacy: true },
  { name: 'cpu_usage_data unknown field', method: 'POST', path: '/cpu_usage_data', body: json({ ...WINDOW, adapter: 'eth0' }), status: 400, field: 'adapter', legacy: true },
  { name: 'cpu_usage_data start after end', method: 'POST', path: '/cpu_usage_data', body: json({ start_time: WINDOW.end_time, end_time: WINDOW.start_time }), status: 400, field: 'start_time', legacy: true },
  { name: 'cpu_usage_data malformed JSON', method: 'POST', path: '/cpu_usage_data', body: '{start_time:', status: 400, field: 'body', legacy: true },
  { name: 'cpu_usage_to_json start after end', method: 'GET', path: '/cpu_usage_to_json?start_time=2026-03-02&end_time=2026-03-01', status: 400, field: 'start_time', legacy: true },
  { name: 'ram_usage_to_json unparseable end', method: 'GET', path: '/ram_usage_to_json?start_time=2026-03-01&end_time=x', status: 400, field: 'end_time', legacy: true },
  { name: 'return_hw_data times of the wrong type', method: 'POST', path: '/return_hw_data', body: json({ start_time: 1, end_time: 2 }), status: 400, field: 'start_time', legacy: true },
  { name: 'return_hw_data oversized body', method: 'POST', path: '/return_hw_data', body: BIG, status: 413, field: 'body', legacy: true },
  { name: 'return_hw_data host traversal', method: 'POST', path: '/return_hw_data?host=..%2F..', body: json(WINDOW), status: 400, field: 'host', legacy: true },
  // routes and methods that do not exist
  { name: 'unknown route under /api/v1', method: 'GET', path: '/nope', status: 404 },
  { name: 'unknown method', method: 'PUT', path: '/jobs/abc', status: 405 },
];

describe('bad input', () => {
  it.each(CASES)('$name: $status naming the field', async (c) => {
    const headers = c.body === undefined ? (c.headers ?? {}) : { 'content-type': 'application/json', ...c.headers };
    const answer = await rawRequest(t.base + c.path, c.method, c.body, headers);
    expect(answer.status, answer.text).toBe(c.status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const body = answer.json() as { error: unknown; message: unknown; details?: { field: string; message: string }[]; data?: unknown };
    expect(body.error).toBe(true);
    expect(typeof body.message).toBe('string');
    if (c.field !== undefined) {
      expect(body.details?.map((d) => d.field), answer.text).toContain(c.field);
      expect(body.message).toContain(c.field === 'body' ? '' : c.field.split('.')[0]);
    }
    if (c.legacy) expect(body.data).toBeNull();
    else expect(body).not.toHaveProperty('data');
  });

  it('answers 404 in the one shape outside /api/v1 too', async () => {
    const answer = await rawRequest(`${t.api.url}/etc/passwd`, 'GET');
    expect(answer.status).toBe(404);
    expect(answer.json()).toMatchObject({ error: true, message: expect.stringContaining('/etc/passwd') });
  });

  it('accepts the bare JSON null the old Python client sends with every GET', async () => {
    const answer = await rawRequest(`${t.base}/hello`, 'GET', 'null', { 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    expect(answer.json()).toBe('Hello');
  });

  it('left the store untouched', async () => {
    expect(await readFile(storedFile)).toEqual(storedBytes);
  });
});
