/**
 * End to end over HTTP with real workers: a collection at 0.5 s from start to stop, and an export
 * of known rows downloaded and compared row by row. A second API without workers (its own
 * prefix) holds jobs that never run, for the "not ready" answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type RunningWorkers } from '../../workers/run-workers.js';
import { formatRowLine, STORE_HEADER } from '../../src/store/csv-line.js';
import type { TelemetryRow } from '../../src/store/row.js';
import { zipTexts } from '../support/zip.js';
import { makeRows, writeSamples } from './fixtures.js';
import { call, pollUntil, rawRequest, startTestApi, testConfig, TEST_HOST, type TestApi } from './harness.js';

const EXPORT_HOST = 'export-host';
const EXPORT_WINDOW = { start_time: '2026-02-10T10:00:00+04:00', end_time: '2026-02-10T10:10:00+04:00' };

let t: TestApi;
let idle: TestApi;
let workers: RunningWorkers;
let exported: TelemetryRow[];

beforeAll(async () => {
  const made = await testConfig('e2e');
  t = await startTestApi(made.config, made.root);
  workers = await startWorkers(made.config, { log: () => {} });
  const idleMade = await testConfig('e2e-idle');
  idle = await startTestApi(idleMade.config, idleMade.root);

  // 1 s × 2 interfaces from 09:59:00 to 10:15:39: the window cuts inside it on both ends.
  const samples = makeRows(EXPORT_HOST, Date.parse('2026-02-10T09:59:00+04:00'), 1000, ['eth0', 'Ethernet 2'], 'Europe/Samara', 1000);
  await writeSamples(made.config.telemetryDir, EXPORT_HOST, samples);
  const from = Date.parse(EXPORT_WINDOW.start_time);
  const to = Date.parse(EXPORT_WINDOW.end_time);
  exported = samples.flat().filter((row) => Date.parse(row.time) >= from && Date.parse(row.time) <= to);
});

afterAll(async () => {
  await workers?.close();
  await t?.close();
  await idle?.close();
});

/**
 * The view once the job completed. A view can read 'completed' with a null result for one poll:
 * JobService reads the job's hash before its state, so a job that completes in between looks
 * completed without its result; the next poll has both.
 */
function finished(view: { state: string; result: unknown }): any {
  return view.state === 'completed' && view.result !== null ? view : undefined;
}

describe('collections end to end', () => {
  it('starts at 0.5 s, runs, writes rows, refuses a second one (409), stops completed with its result', async () => {
    const startedAt = new Date().toISOString();
    const started = await call(t.base, 'POST', '/collections', { interval_s: 0.5, label: 'e2e' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'collection', data: { interval_s: 0.5, label: 'e2e' }, result: null });
    const id = started.body.id as string;

    await pollUntil('the collection to be active', async () => {
      const res = await call(t.base, 'GET', `/collections/${id}`);
      return res.body.state === 'active' ? res.body : undefined;
    });

    const window = () => `start_time=${encodeURIComponent(startedAt)}&end_time=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&host=${TEST_HOST}`;
    const seen = await pollUntil('rows from the collection', async () => {
      const res = await call(t.base, 'GET', `/telemetry?${window()}`);
      const times = new Set((res.body.rows as TelemetryRow[]).map((row) => row.time));
      return times.size >= 2 ? res.body.rows : undefined;
    });
    expect((seen as TelemetryRow[]).every((row) => row.host === TEST_HOST)).toBe(true);

    const second = await call(t.base, 'POST', '/collections', {});
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: true, message: expect.stringContaining(id), details: { job: { id } } });

    const byJobRoute = await call(t.base, 'GET', `/jobs/${id}`);
    expect(byJobRoute.body).toMatchObject({ id, kind: 'collection' });
    const list = await call(t.base, 'GET', '/collections');
    expect(list.body.jobs.map((job: { id: string }) => job.id)).toContain(id);

    const stop = await call(t.base, 'DELETE', `/collections/${id}`);
    expect(stop.status).toBe(200);
    expect(stop.body.id).toBe(id);

    const done = await pollUntil('the collection to complete', async () => {
      const res = await call(t.base, 'GET', `/collections/${id}`);
      return finished(res.body);
    });
    expect(done.result).toMatchObject({ stopped: true, samples: expect.any(Number), rows: expect.any(Number) });
    expect(done.result.samples).toBeGreaterThanOrEqual(2);
    expect(done.finished_at).toEqual(expect.any(String));

    const stored = await call(t.base, 'GET', `/telemetry?${window()}`);
    expect(stored.body.count).toBe(done.result.rows);
    expect(stored.body.rows[0].time).toBe(done.result.first_time);
    expect(stored.body.rows.at(-1).time).toBe(done.result.last_time);

    const afterStop = await call(t.base, 'POST', '/collections', { interval_s: 1, duration_s: 1 });
    expect(afterStop.status).toBe(202);
    await call(t.base, 'DELETE', `/collections/${afterStop.body.id}`);
  });
});

describe('exports end to end', () => {
  it('exports a window of known rows; the downloaded zip holds every row', async () => {
    const started = await call(t.base, 'POST', '/exports', { ...EXPORT_WINDOW, host: EXPORT_HOST });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'export', result: null });
    const id = started.body.id as string;

    const done = await pollUntil('the export to complete', async () => {
      const res = await call(t.base, 'GET', `/exports/${id}`);
      if (res.body.state === 'failed') throw new Error(`export failed: ${res.body.error}`);
      return finished(res.body);
    });
    expect(done.result).toMatchObject({ rows: exported.length });
    expect((await call(t.base, 'GET', `/jobs/${id}`)).body).toMatchObject({ id, kind: 'export', state: 'completed' });

    const download = await rawRequest(`${t.base}/exports/${id}/download`, 'GET');
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="?[^"]*export-host[^"]*\.zip"?$/);

    const entries = await zipTexts(download.body);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.name).toMatch(/\.csv$/);
    const lines = entries[0]!.text.split(/\r?\n/).filter((line) => line !== '');
    expect(lines[0]).toBe(STORE_HEADER);
    expect(lines.slice(1)).toEqual(exported.map((row) => formatRowLine(row).trimEnd()));
  });

  it('an empty window exports a zip with just the header', async () => {
    const started = await call(t.base, 'POST', '/exports', { start_time: '2020-01-01T00:00:00Z', end_time: '2020-01-01T01:00:00Z' });
    const id = started.body.id as string;
    const done = await pollUntil('the empty export', async () => {
      const res = await call(t.base, 'GET', `/exports/${id}`);
      return finished(res.body);
    });
    expect(done.result).toMatchObject({ rows: 0 });
    const entries = await zipTexts((await rawRequest(`${t.base}/exports/${id}/download`, 'GET')).body);
    expect(entries[0]!.text.trim()).toBe(STORE_HEADER);
  });

  it('answers 409 for a download before the export is ready, 404 for unknown ids', async () => {
    const waiting = await call(idle.base, 'POST', '/exports', EXPORT_WINDOW);
    expect(waiting.status).toBe(202);
    const early = await call(idle.base, 'GET', `/exports/${waiting.body.id}/download`);
    expect(early.status).toBe(409);
    expect(early.body).toEqual({ error: true, message: expect.stringContaining(waiting.body.id) });

    for (const route of ['/exports/exp-0000000000000000/download', '/exports/exp-0000000000000000', '/jobs/col-0000000000000000', '/collections/col-0000000000000000']) {
      const res = await call(t.base, 'GET', route);
      expect(res.status, route).toBe(404);
      expect(res.body).toEqual({ error: true, message: expect.any(String) });
    }
    const stopUnknown = await call(t.base, 'DELETE', '/collections/col-0000000000000000');
    expect(stopUnknown.status).toBe(404);
    // An export id under the collection routes is not a collection.
    expect((await call(idle.base, 'GET', `/collections/${waiting.body.id}`)).status).toBe(404);
  });

  it('health says ok while Redis answers', async () => {
    const res = await call(t.base, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', redis: 'up' });
  });
});
