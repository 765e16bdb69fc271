/**
 * The old tool's routes answer as it did (web_plugin/api_package/telemetry_ns.py of the Python
 * project), over rows in the new store and in its own layout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetryRow } from '../../src/store/row.js';
import { makeRows, writeLegacyDay, writeSamples } from './fixtures.js';
import { call, rawRequest, startTestApi, testConfig, TEST_HOST, type TestApi } from './harness.js';

const T0 = Date.parse('2026-03-01T12:00:00+04:00');
const NEW_WINDOW = { start_time: '2026-03-01T12:00:00+04:00', end_time: '2026-03-01T12:01:00+04:00' };
const OLD_WINDOW = { start_time: '2025-03-04T13:00:00+04:00', end_time: '2025-03-04T14:00:00+04:00' };
const EMPTY_WINDOW = { start_time: '2020-01-01T00:00:00+04:00', end_time: '2020-01-02T00:00:00+04:00' };

let t: TestApi;
let docker: TestApi;
let mine: TelemetryRow[];
let recent: TelemetryRow[];
let many: TelemetryRow[];

const qs = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

/** The rows the new route gives for a window: what every old route must be built from. */
async function rowsOf(window: Record<string, string>): Promise<TelemetryRow[]> {
  const res = await call(t.base, 'GET', `/telemetry${qs(window)}`);
  return res.body.rows as TelemetryRow[];
}

const pythonRepr = (rows: TelemetryRow[]) =>
  `[${rows.map((row) => `['${row.time}', ${row.cpu_usage === null ? 'None' : row.cpu_usage}]`).join(', ')}]`;
const oldText = (rows: TelemetryRow[]) =>
  rows
    .map((row) =>
      [row.time, row.cpu_usage, row.ram_free, row.network_adapter, row.net_usage_up, row.net_usage_down]
        .map((value) => `'${value === null ? '' : String(value).replaceAll(' ', '')}'`)
        .join(','),
    )
    .map((line) => line + '\n')
    .join('');

beforeAll(async () => {
  const made = await testConfig('legacy');
  t = await startTestApi(made.config, made.root);
  const dockerMade = await testConfig('legacy-docker', { DOCKER_MODE: 'true' });
  docker = await startTestApi(dockerMade.config, dockerMade.root);

  const samples = makeRows(TEST_HOST, T0, 10, ['eth0', 'Ethernet 2']);
  const recentSamples = makeRows(TEST_HOST, Date.now() - 3_600_000, 3, ['eth0']);
  const manySamples = makeRows(TEST_HOST, Date.parse('2026-03-10T00:00:00+04:00'), 2000, ['eth0', 'lo'], 'Europe/Samara', 1000);
  await writeSamples(made.config.telemetryDir, TEST_HOST, [...samples, ...manySamples, ...recentSamples]);
  await writeLegacyDay(made.config.telemetryDir);
  mine = samples.flat();
  recent = recentSamples.flat();
  many = manySamples.flat();
});

afterAll(async () => {
  await t?.close();
  await docker?.close();
});

describe('old data routes', () => {
  it('hello answers the JSON string "Hello"', async () => {
    const res = await call(t.base, 'GET', '/hello');
    expect(res.status).toBe(200);
    expect(res.body).toBe('Hello');
  });

  it('cpu_usage answers a JSON string holding the Python list of [time, cpu] pairs, over both layouts', async () => {
    for (const window of [NEW_WINDOW, OLD_WINDOW]) {
      const res = await call(t.base, 'GET', `/cpu_usage${qs(window)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toBe(pythonRepr(await rowsOf(window)));
    }
    expect(pythonRepr(mine)).toContain(`['${mine[0]!.time}', 0], ['${mine[1]!.time}', 1]`);
  });

  it('cpu_usage_data answers the envelope with [time, cpu] pairs, the window in the body or the query', async () => {
    const expected = { message: 'OK', error: false, data: mine.map((row) => [row.time, row.cpu_usage]) };
    const inBody = await call(t.base, 'POST', '/cpu_usage_data', NEW_WINDOW);
    expect(inBody.status).toBe(200);
    expect(inBody.body).toEqual(expected);
    const inQuery = await rawRequest(`${t.base}/cpu_usage_data${qs(NEW_WINDOW)}`, 'POST');
    expect(inQuery.status).toBe(200);
    expect(inQuery.json()).toEqual(expected);
    // The body wins over the query.
    const both = await rawRequest(`${t.base}/cpu_usage_data${qs(EMPTY_WINDOW)}`, 'POST', JSON.stringify(NEW_WINDOW), { 'content-type': 'application/json' });
    expect(both.json()).toEqual(expected);
    const old = await call(t.base, 'POST', '/cpu_usage_data', OLD_WINDOW);
    expect(old.body.data).toEqual([4, 4, 4, 5, 5, 5].map((cpu, i) => [(old.body.data[i] as [string])[0], cpu]));
  });

  it('cpu_usage_to_json and ram_usage_to_json send a JSON file as an attachment', async () => {
    for (const [route, column] of [['cpu_usage_to_json', 'cpu_usage'], ['ram_usage_to_json', 'ram_free']] as const) {
      for (const window of [NEW_WINDOW, OLD_WINDOW]) {
        const res = await rawRequest(`${t.base}/${route}${qs(window)}`, 'GET');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?[a-z_]+_\d{8}T\d{6}Z_\d{8}T\d{6}Z\.json"?$/);
        expect(res.json()).toEqual((await rowsOf(window)).map((row) => [row.time, row[column]]));
      }
    }
  });

  it('cpu_usage_to_json and ram_usage_to_json default to the last days without a window, as the old tool did', async () => {
    for (const route of ['cpu_usage_to_json', 'ram_usage_to_json']) {
      const res = await rawRequest(`${t.base}/${route}`, 'GET');
      expect(res.status).toBe(200);
      expect((res.json() as unknown[]).length).toBe(recent.length);
    }
  });

  it('return_hw_data answers the old text: quoted old columns without spaces, one line per row', async () => {
    const res = await call(t.base, 'POST', '/return_hw_data', NEW_WINDOW);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'OK', error: false, data: oldText(mine) });
    expect(res.body.data.split('\n')[2]).toBe(`'${mine[2]!.time}','7','31.5','eth0','1000','2000'`);
    const old = await call(t.base, 'POST', '/return_hw_data', OLD_WINDOW);
    const lines = old.body.data.split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^'2025-03-04T13:24:50\.209[0-9]*\+04:00','4','30','Ethernet3','310','19173'$/);
  });

  it('streams long answers whole', async () => {
    const window = { start_time: '2026-03-10T00:00:00+04:00', end_time: '2026-03-11T00:00:00+04:00' };
    const hw = await call(t.base, 'POST', '/return_hw_data', window);
    expect(hw.body.data).toBe(oldText(many));
    const cpu = await call(t.base, 'GET', `/cpu_usage${qs(window)}`);
    expect(cpu.body).toBe(pythonRepr(many));
    const file = await rawRequest(`${t.base}/ram_usage_to_json${qs(window)}`, 'GET');
    expect(file.json()).toEqual(many.map((row) => [row.time, row.ram_free]));
  });

  it('answers 204 with no body for an empty window', async () => {
    const answers = [
      await rawRequest(`${t.base}/cpu_usage${qs(EMPTY_WINDOW)}`, 'GET'),
      await rawRequest(`${t.base}/cpu_usage_data`, 'POST', JSON.stringify(EMPTY_WINDOW), { 'content-type': 'application/json' }),
      await rawRequest(`${t.base}/cpu_usage_to_json${qs(EMPTY_WINDOW)}`, 'GET'),
      await rawRequest(`${t.base}/ram_usage_to_json${qs(EMPTY_WINDOW)}`, 'GET'),
      await rawRequest(`${t.base}/return_hw_data${qs(EMPTY_WINDOW)}`, 'POST'),
    ];
    for (const res of answers) {
      expect(res.status).toBe(204);
      expect(res.body.length).toBe(0);
    }
  });

  it('keep working in DOCKER_MODE (they only read the store)', async () => {
    const res = await call(docker.base, 'POST', '/cpu_usage_data', EMPTY_WINDOW);
    expect(res.status).toBe(204);
  });
});

describe('old collection routes', () => {
  it('run_telemetry_collection answers 201 with the job id, 409 naming it while it runs; stop_telemetry_collection stops it', async () => {
    const started = await call(t.base, 'GET', '/run_telemetry_collection');
    expect(started.status).toBe(201);
    expect(started.body).toEqual({ message: 'collecting telemetry data started', error: false, data: expect.stringMatching(/^col-/) });
    const id = started.body.data as string;

    const job = await call(t.base, 'GET', `/collections/${id}`);
    expect(job.body).toMatchObject({ id, kind: 'collection', data: { interval_s: 5 } });

    const again = await call(t.base, 'GET', '/run_telemetry_collection');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: true, data: id, message: expect.stringContaining(id) });

    const stopped = await call(t.base, 'GET', '/stop_telemetry_collection');
    expect(stopped.status).toBe(200);
    expect(stopped.body).toEqual({ message: expect.stringContaining(id), error: false, data: id });

    const nothing = await call(t.base, 'GET', '/stop_telemetry_collection');
    expect(nothing.status).toBe(200);
    expect(nothing.body).toEqual({ message: 'process not exist', error: true, data: null });
  });

  it('DOCKER_MODE: run_telemetry_collection and POST /collections answer 405 saying to run the host collector', async () => {
    const old = await call(docker.base, 'GET', '/run_telemetry_collection');
    expect(old.status).toBe(405);
    expect(old.body).toEqual({ message: expect.stringMatching(/Docker mode enabled.*host collector/s), error: true, data: null });
    const fresh = await call(docker.base, 'POST', '/collections', { interval_s: 1 });
    expect(fresh.status).toBe(405);
    expect(fresh.body).toEqual({ error: true, message: expect.stringContaining('host collector') });
    const list = await call(docker.base, 'GET', '/collections');
    expect(list.body.jobs).toEqual([]);
  });
});
