/** GET /telemetry over rows the test wrote with StoreWriter and over an old-layout file. */
import { appendFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRowLine, STORE_HEADER } from '../../src/store/csv-line.js';
import { dayFilePath } from '../../src/store/paths.js';
import type { TelemetryRow } from '../../src/store/row.js';
import { parseInstant } from '../../src/store/time.js';
import { makeRows, writeLegacyDay, writeSamples } from './fixtures.js';
import { call, rawRequest, startTestApi, testConfig, TEST_HOST, type TestApi } from './harness.js';

const TZ = 'Europe/Samara';
const MAX_ROWS = 50;
const T0 = Date.parse('2026-03-01T12:00:00+04:00');
const OTHER_HOST = 'other-host';

let t: TestApi;
let mine: TelemetryRow[];
let other: TelemetryRow[];
let big: TelemetryRow[];

const q = (params: Record<string, string | string[]>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) search.append(key, v);
  return `/telemetry?${search}`;
};

beforeAll(async () => {
  const { config, root } = await testConfig('telemetry', { QUERY_MAX_ROWS: String(MAX_ROWS) });
  t = await startTestApi(config, root);
  const mySamples = makeRows(TEST_HOST, T0, 10, ['eth0', 'lo']);
  const otherSamples = makeRows(OTHER_HOST, T0 + 1000, 3, ['wlan0']);
  // 30 samples × 2 interfaces = 60 rows on 2026-03-05: over the limit of 50.
  const bigSamples = makeRows(TEST_HOST, Date.parse('2026-03-05T10:00:00+04:00'), 30, ['eth0', 'lo']);
  await writeSamples(config.telemetryDir, TEST_HOST, [...mySamples, ...bigSamples]);
  await writeSamples(config.telemetryDir, OTHER_HOST, otherSamples);
  await writeLegacyDay(config.telemetryDir);
  mine = mySamples.flat();
  other = otherSamples.flat();
  big = bigSamples.flat();
});

afterAll(async () => {
  await t?.close();
});

describe('GET /telemetry', () => {
  it('answers the rows of a window as JSON, in time order, for every host', async () => {
    const res = await call(t.base, 'GET', q({ start_time: '2026-03-01T12:00:00+04:00', end_time: '2026-03-01T12:01:00+04:00' }));
    expect(res.status).toBe(200);
    const expected = [...mine, ...other].sort((a, b) => parseInstant(a.time, TZ)! - parseInstant(b.time, TZ)!);
    expect(res.body.count).toBe(expected.length);
    expect(res.body.skipped).toBe(0);
    expect(res.body.start_time).toBe('2026-03-01T12:00:00.000+04:00');
    expect(res.body.rows).toEqual(expected);
    const times = res.body.rows.map((row: TelemetryRow) => parseInstant(row.time, TZ));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('reads a window given in Z or without an offset (TELEMETRY_TZ) the same way', async () => {
    const host = { host: TEST_HOST };
    const withOffset = await call(t.base, 'GET', q({ ...host, start_time: '2026-03-01T12:00:10+04:00', end_time: '2026-03-01T12:00:30+04:00' }));
    const inZ = await call(t.base, 'GET', q({ ...host, start_time: '2026-03-01T08:00:10Z', end_time: '2026-03-01T08:00:30Z' }));
    const bare = await call(t.base, 'GET', q({ ...host, start_time: '2026-03-01T12:00:10', end_time: '2026-03-01T12:00:30' }));
    expect(withOffset.body.rows).toEqual(mine.slice(4, 14)); // samples 2..6 inclusive, two rows each
    expect(inZ.body.rows).toEqual(withOffset.body.rows);
    expect(bare.body.rows).toEqual(withOffset.body.rows);
    // As curl sends it: ':' and '+' unencoded (a raw '+' arrives as a space).
    const raw = await rawRequest(`${t.base}/telemetry?host=${TEST_HOST}&start_time=2026-03-01T12:00:10+04:00&end_time=2026-03-01T12:00:30+04:00`, 'GET');
    expect(raw.status, raw.text).toBe(200);
    expect((raw.json() as { rows: unknown }).rows).toEqual(withOffset.body.rows);
  });

  it('filters by host and by interfaces', async () => {
    const window = { start_time: '2026-03-01T12:00:00+04:00', end_time: '2026-03-01T12:01:00+04:00' };
    const onlyOther = await call(t.base, 'GET', q({ ...window, host: OTHER_HOST }));
    expect(onlyOther.body.rows).toEqual(other);
    const eth0 = await call(t.base, 'GET', q({ ...window, host: TEST_HOST, interface: 'eth0' }));
    expect(eth0.body.rows).toEqual(mine.filter((row) => row.network_adapter === 'eth0'));
    const both = await call(t.base, 'GET', q({ ...window, host: TEST_HOST, interface: ['eth0', 'lo'] }));
    expect(both.body.rows).toEqual(mine);
    const unknownHost = await call(t.base, 'GET', q({ ...window, host: 'nobody' }));
    expect(unknownHost.body).toMatchObject({ count: 0, rows: [] });
  });

  it('answers CSV with the store header and the store formatting', async () => {
    const res = await call(t.base, 'GET', q({ host: TEST_HOST, start_time: '2026-03-01T12:00:00+04:00', end_time: '2026-03-01T12:01:00+04:00', format: 'csv' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.text).toBe(STORE_HEADER + '\n' + mine.map(formatRowLine).join(''));
  });

  it('reads the old layout (bare \\r line ends), filed under HOST_NAME', async () => {
    const res = await call(t.base, 'GET', q({ start_time: '2025-03-04T13:24:50+04:00', end_time: '2025-03-04T13:24:52+04:00' }));
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    expect(res.body.rows.map((row: TelemetryRow) => [row.network_adapter, row.cpu_usage, row.ram_free, row.net_usage_up, row.net_usage_down, row.host])).toEqual([
      ['Ethernet 2', 4, 30, 0, 0, TEST_HOST],
      ['Ethernet 3', 4, 30, 310, 19173, TEST_HOST],
      ['Loopback Pseudo-Interface 1', 4, 30, 0, 0, TEST_HOST],
    ]);
    expect(parseInstant(res.body.rows[0].time, TZ)).toBe(Date.parse('2025-03-04T13:24:50.209+04:00'));
    const csv = await call(t.base, 'GET', q({ start_time: '2025-03-04', end_time: '2025-03-05', format: 'csv' }));
    expect(csv.text.split('\n').filter(Boolean)).toHaveLength(1 + 6);
  });

  it('answers 200 with no rows for an empty window', async () => {
    const res = await call(t.base, 'GET', q({ start_time: '2020-01-01T00:00:00Z', end_time: '2020-01-02T00:00:00Z' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ count: 0, skipped: 0, rows: [] });
    const csv = await call(t.base, 'GET', q({ start_time: '2020-01-01T00:00:00Z', end_time: '2020-01-02T00:00:00Z', format: 'csv' }));
    expect(csv.text).toBe(STORE_HEADER + '\n');
  });

  it('answers up to QUERY_MAX_ROWS rows, and 413 pointing to exports beyond', async () => {
    const exactly = await call(t.base, 'GET', q({ start_time: big[0]!.time, end_time: big[MAX_ROWS - 1]!.time }));
    expect(exactly.status).toBe(200);
    expect(exactly.body.count).toBe(MAX_ROWS);
    const over = await call(t.base, 'GET', q({ start_time: '2026-03-05T00:00:00+04:00', end_time: '2026-03-06T00:00:00+04:00' }));
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ error: true, message: expect.stringContaining('POST /api/v1/exports') });
  });

  it('skips and counts a corrupt line instead of failing', async () => {
    await appendFile(dayFilePath(t.config.telemetryDir, OTHER_HOST, '2026-03-01'), 'garbage,line\n');
    const res = await call(t.base, 'GET', q({ host: OTHER_HOST, start_time: '2026-03-01T00:00:00+04:00', end_time: '2026-03-02T00:00:00+04:00' }));
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual(other);
    expect(res.body.skipped).toBeGreaterThanOrEqual(1);
  });
});
