import fs from 'node:fs/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPartPath, exportsDir, exportZipPath } from '../../src/queue/export-files.js';
import { formatRowLine, STORE_HEADER } from '../../src/store/csv-line.js';
import type { TelemetryRow } from '../../src/store/row.js';
import { formatInstant, parseInstant } from '../../src/store/time.js';
import { StoreWriter } from '../../src/store/writer.js';
import { encodeRowBatches } from '../../workers/export-csv.js';
import { SupersededError, writeCsvZip } from '../../workers/export-writer.js';
import { processExport, type ExportData } from '../../workers/export.js';
import { testRedisUrl } from '../support/redis.js';
import { testSetup, type TestSetup } from '../queue/support.js';
import { unzipEntries } from '../support/zip.js';

const TZ = 'Europe/Samara';
const INTERFACES = ['eth0', 'wlan0', 'vEthernet (WSL, "lab")'];

/** Two hosts, one sample a second from 23:58:00 to 00:02:00 across a midnight in Samara. */
function sampleRows(host: string, from: number, seconds: number, seed: number): TelemetryRow[][] {
  const samples: TelemetryRow[][] = [];
  for (let s = 0; s < seconds; s++) {
    const time = formatInstant(from + s * 1000 + seed, TZ);
    samples.push(
      INTERFACES.map((name, i) => ({
        time,
        cpu_usage: (s * 7 + seed) % 101,
        ram_free: s % 3 === 0 ? null : 40 + (s % 10) / 4,
        network_adapter: name,
        net_usage_up: s === 0 ? null : s * 1000 + i,
        net_usage_down: s === 0 ? null : s * 2000 + i,
        host,
        elapsed_s: s === 0 ? null : 1.001,
      })),
    );
  }
  return samples;
}

describe('export processor', () => {
  let setup: TestSetup;
  let redis: Redis;
  let queue: Queue;
  const written: TelemetryRow[] = [];
  const from = parseInstant('2026-12-04T23:58:00+04:00', TZ) as number;
  let jobNumber = 0;

  async function runExport(data: ExportData) {
    const job = await queue.add('export', data, { jobId: `exp-test${++jobNumber}` });
    const result = await processExport(setup.config, job);
    return { job, result };
  }

  beforeAll(async () => {
    setup = await testSetup('export');
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    queue = new Queue('export', { connection: redis, prefix: setup.prefix });
    for (const [host, seed] of [['test-host', 0], ['other-host', 500]] as const) {
      const writer = new StoreWriter({ dir: setup.config.telemetryDir, host, tz: TZ });
      for (const rows of sampleRows(host, from, 240, seed)) {
        await writer.append(rows);
        written.push(...rows);
      }
      await writer.close();
    }
  });

  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await setup.cleanup();
  });

  it('zips every row of a window across midnight, for all hosts, in time order', async () => {
    const start = '2026-12-04T23:59:30+04:00';
    const end = '2026-12-05T00:00:45.000+04:00';
    const { job, result } = await runExport({ start_time: start, end_time: end });
    const startMs = parseInstant(start, TZ) as number;
    const endMs = parseInstant(end, TZ) as number;
    const expected = written.filter((row) => {
      const t = parseInstant(row.time, TZ) as number;
      return t >= startMs && t <= endMs;
    });
    expect(expected.length).toBeGreaterThan(400);

    const zipPath = exportZipPath(setup.config, String(job.id));
    const entries = await unzipEntries(zipPath);
    expect(entries.map((e) => e.name)).toEqual(['telemetry_all-hosts_2026-12-04T235930+0400_2026-12-05T000045+0400.csv']);
    const lines = (entries[0]?.text ?? '').split('\n');
    expect(lines[0]).toBe(STORE_HEADER);
    expect(lines.at(-1)).toBe('');
    const body = lines.slice(1, -1);
    // Every row exactly as the store wrote it (quoting of the odd interface name included).
    expect([...body].sort()).toEqual(expected.map((row) => formatRowLine(row).slice(0, -1)).sort());
    const times = body.map((line) => parseInstant(line.slice(0, line.indexOf(',')), TZ) as number);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);

    expect(result).toMatchObject({ rows: expected.length, skipped: 0, file_name: entries[0]?.name.replace(/\.csv$/, '.zip') });
    expect(result.bytes).toBe((await fs.stat(zipPath)).size);
    await expect(fs.access(exportPartPath(setup.config, String(job.id)))).rejects.toThrow();
    expect(await queue.getJob(String(job.id)).then((j) => j?.progress)).toBe(100);
  });

  it('filters by host and interface', async () => {
    const { job, result } = await runExport({
      start_time: '2026-12-04T23:58:00+04:00',
      end_time: '2026-12-05T00:02:00+04:00',
      host: 'other-host',
      interfaces: ['wlan0'],
    });
    const expected = written.filter((row) => row.host === 'other-host' && row.network_adapter === 'wlan0');
    const [entry] = await unzipEntries(exportZipPath(setup.config, String(job.id)));
    expect(entry?.name).toMatch(/^telemetry_other-host_/);
    expect(entry?.text.split('\n').slice(1, -1)).toEqual(expected.map((row) => formatRowLine(row).slice(0, -1)));
    expect(result.rows).toBe(expected.length);
  });

  it('writes the same CSV by the text path (lines copied) as by the row path', async () => {
    const windows: ExportData[] = [
      { start_time: '2026-12-04T23:58:00+04:00', end_time: '2026-12-05T00:02:00+04:00' },
      { start_time: '2026-12-04T23:59:10.500+04:00', end_time: '2026-12-05T00:00:20.5+04:00', host: 'test-host' },
      { start_time: '2026-12-04T19:59:00Z', end_time: '2026-12-04T20:01:00Z', interfaces: ['vEthernet (WSL, "lab")', 'eth0'] },
    ];
    for (const data of windows) {
      const results = [];
      for (const readPath of ['text', 'rows'] as const) {
        const job = await queue.add('export', data, { jobId: `exp-path-${++jobNumber}` });
        const result = await processExport(setup.config, job, undefined, undefined, readPath);
        const [entry] = await unzipEntries(exportZipPath(setup.config, String(job.id)));
        results.push({ result: { ...result, bytes: 0 }, text: entry?.text });
      }
      expect(results[0]?.result.rows, JSON.stringify(data)).toBeGreaterThan(0);
      expect(results[0], JSON.stringify(data)).toEqual(results[1]);
    }
  });

  it('gives a zip with just the header for an empty window', async () => {
    const { job, result } = await runExport({ start_time: '2027-01-01T00:00:00+04:00', end_time: '2027-01-02T00:00:00+04:00' });
    const entries = await unzipEntries(exportZipPath(setup.config, String(job.id)));
    expect(entries).toHaveLength(1);
    expect(entries[0]?.text).toBe(`${STORE_HEADER}\n`);
    expect(result.rows).toBe(0);
  });

  it('removes the part file and keeps no zip when aborted', async () => {
    const job = await queue.add('export', { start_time: '2026-12-04T23:58:00+04:00', end_time: '2026-12-05T00:02:00+04:00' }, { jobId: 'exp-aborted' });
    const controller = new AbortController();
    controller.abort();
    await expect(processExport(setup.config, job, undefined, controller.signal)).rejects.toThrow();
    await expect(fs.access(exportPartPath(setup.config, 'exp-aborted'))).rejects.toThrow();
    await expect(fs.access(exportZipPath(setup.config, 'exp-aborted'))).rejects.toThrow();
  });

  it('fails at once on data that is not a window', async () => {
    const job = await queue.add('export', { start_time: 'yesterday', end_time: '2026-12-05T00:02:00+04:00' }, { jobId: 'exp-bad' });
    await expect(processExport(setup.config, job)).rejects.toThrow(/not a window/);
  });

  it('publishes nothing when it no longer holds the job (another worker took it over)', async () => {
    const job = await queue.add('export', { start_time: '2026-12-04T23:58:00+04:00', end_time: '2026-12-05T00:02:00+04:00' }, { jobId: 'exp-lost' });
    await expect(processExport(setup.config, job, 'a-token-that-is-not-the-lock')).rejects.toBeInstanceOf(SupersededError);
    expect(await fs.readdir(exportsDir(setup.config))).not.toEqual(expect.arrayContaining([expect.stringMatching(/^exp-lost/)]));
  });

  it('leaves a newer attempt\'s part file alone when that attempt replaced its own', async () => {
    const partPath = exportPartPath(setup.config, 'exp-overlap');
    const finalPath = exportZipPath(setup.config, 'exp-overlap');
    async function* batches() {
      yield written.slice(0, 1200);
      // Another attempt of the same export starts now: it unlinks this part file and makes its own.
      await fs.rm(partPath);
      await fs.writeFile(partPath, 'the newer attempt');
      yield written.slice(1200, 2400);
    }
    await expect(writeCsvZip({ lines: encodeRowBatches(batches()), entryName: 'x.csv', partPath, finalPath })).rejects.toBeInstanceOf(SupersededError);
    expect(await fs.readFile(partPath, 'utf8')).toBe('the newer attempt');
    await expect(fs.access(finalPath)).rejects.toThrow();
  });
});
