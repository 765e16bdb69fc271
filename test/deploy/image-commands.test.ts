// The image's commands run on this machine as a container would run them: the Dockerfile is
// replayed into a temporary root (build stage compiled with `npm run build`, runtime stage with
// production packages only), then ENTRYPOINT/CMD, the HEALTHCHECK and the compose roles run with
// the image's ENV and WORKDIR under that root. Redis is the test Redis under a prefix of our own.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInstant } from '../../src/store/time.js';
import { StoreWriter } from '../../src/store/writer.js';
import { freePort } from '../../src/redis/free-port.js';
import { removePrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { unzipEntries } from '../support/zip.js';
import { readCompose } from './support/compose.js';
import { runContainer, runToEnd, waitFor200, type Container } from './support/container.js';
import { replayImage, type ReplayedImage } from './support/image.js';

const repo = path.resolve(import.meta.dirname, '../..');
const HOST = 'image-test-host';
const TZ = 'Europe/Samara';
const WINDOW_START = Date.parse('2026-03-10T12:00:00+04:00');
const SAMPLES = 20;

let tmp: string;
let image: ReplayedImage;
const prefixes: string[] = [];
const running: Container[] = [];

/** Files of the code folder with size and mtime, to prove the service writes only under WORKDIR. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && !e.parentPath.includes(`${path.sep}node_modules`));
  return Promise.all(files.map(async (e) => {
    const file = path.join(e.parentPath, e.name);
    const stat = await fs.stat(file);
    return `${path.relative(dir, file)} ${stat.size} ${stat.mtimeMs}`;
  })).then((list) => list.sort());
}

async function writeStoreRows(telemetryDir: string): Promise<void> {
  const writer = new StoreWriter({ dir: telemetryDir, host: HOST, tz: TZ });
  for (let k = 0; k < SAMPLES; k++) {
    const time = formatInstant(WINDOW_START + k * 1000, TZ);
    await writer.append(['eth0', 'lo'].map((nic) => ({
      time, cpu_usage: k, ram_free: 50, network_adapter: nic, net_usage_up: k * 10, net_usage_down: k * 20, host: HOST, elapsed_s: 1,
    })));
  }
  await writer.close();
}

/** Exports the test window through `apiUrl` and returns the CSV inside the downloaded zip. */
async function exportWindow(apiUrl: string): Promise<string> {
  const body = { start_time: formatInstant(WINDOW_START, TZ), end_time: formatInstant(WINDOW_START + SAMPLES * 1000, TZ), host: HOST };
  const created = await fetch(`${apiUrl}/api/v1/exports`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as { id: string };
  let state = '';
  for (const deadline = Date.now() + 20_000; Date.now() < deadline && state !== 'completed'; ) {
    const job = (await (await fetch(`${apiUrl}/api/v1/exports/${id}`)).json()) as { state: string; error: string | null };
    state = job.state;
    if (state === 'failed') throw new Error(`export failed: ${job.error}`);
    if (state !== 'completed') await new Promise((r) => setTimeout(r, 100));
  }
  expect(state).toBe('completed');
  const download = await fetch(`${apiUrl}/api/v1/exports/${id}/download`);
  expect(download.status).toBe(200);
  expect(download.headers.get('content-type')).toMatch(/application\/zip/);
  const zipFile = path.join(tmp, `${id}.zip`);
  await fs.writeFile(zipFile, Buffer.from(await download.arrayBuffer()));
  const entries = await unzipEntries(zipFile);
  expect(entries).toHaveLength(1);
  return (entries[0] as { text: string }).text;
}

function expectAllRows(csv: string): void {
  const lines = csv.split(/\r?\n/).filter((l) => l !== '');
  expect(lines[0]).toMatch(/^time,cpu_usage,ram_free,network_adapter,net_usage_up,net_usage_down,host/);
  expect(lines.slice(1)).toHaveLength(SAMPLES * 2);
}

/** An environment for one run: our Redis and prefix, and a free port in place of 5555. */
async function runEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const prefix = uniquePrefix('image');
  prefixes.push(prefix);
  return { ...extra, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix, API_PORT: String(await freePort('127.0.0.1')) };
}

function start(args: string[], env: Record<string, string>): Container {
  const container = runContainer(image, args, env);
  running.push(container);
  return container;
}

beforeAll(async () => {
  tmp = await makeTempDir('image');
  image = await replayImage(repo, path.join(tmp, 'image'));
  await writeStoreRows(image.hostPath('/var/lib/pc_telemetry/telemetry'));
}, 180_000);

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await Promise.all(prefixes.map((p) => removePrefix(p)));
  if (tmp) await removeTempDir(tmp);
});

describe('the image, run as a container would run it', () => {
  it('all-in-one by default: healthy, serves the spec, refuses collections (DOCKER_MODE), exports into WORKDIR/tmp, stops cleanly', async () => {
    const codeBefore = await snapshot(image.hostPath('/opt/pc-telemetry'));
    const env = await runEnv();
    const api = `http://127.0.0.1:${env.API_PORT}`;
    const container = start([], env); // docker run IMAGE → CMD ["all"]
    await waitFor200(`${api}/api/v1/health`, container);

    expect(await runToEnd(image.healthcheck, { ...image.env, ...env }, image.workdir)).toBe(0);
    expect((await fetch(`${api}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${api}/swagger/`)).status).toBe(200);
    const refused = await fetch(`${api}/api/v1/collections`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(405);

    expectAllRows(await exportWindow(api));
    const exportsDir = image.hostPath('/var/lib/pc_telemetry/tmp/exports');
    expect((await fs.readdir(exportsDir)).some((name) => name.endsWith('.zip'))).toBe(true);

    expect(await container.stop()).toEqual({ code: 0, signal: null });
    expect(await runToEnd(image.healthcheck, { ...image.env, ...env }, image.workdir)).not.toBe(0);
    expect(await snapshot(image.hostPath('/opt/pc-telemetry'))).toEqual(codeBefore);
  });

  it('api and worker as docker-compose.yml runs them: the worker builds the export, the api sends it', async () => {
    const { services } = readCompose(path.join(repo, 'docker-compose.yml'));
    const shared = await runEnv();
    const apiService = services.api as { command: string[]; environment: Record<string, string> };
    const workerService = services.worker as { command: string[]; environment: Record<string, string> };
    const api = start(apiService.command, { ...apiService.environment, ...shared });
    const apiUrl = `http://127.0.0.1:${shared.API_PORT}`;
    await waitFor200(`${apiUrl}/api/v1/health`, api);
    expect(await runToEnd(image.healthcheck, { ...image.env, ...apiService.environment, ...shared }, image.workdir)).toBe(0);

    const worker = start(workerService.command, { ...workerService.environment, ...shared });
    expectAllRows(await exportWindow(apiUrl));
    expect(worker.output()).toMatch(/workers started/);

    expect(await worker.stop()).toEqual({ code: 0, signal: null });
    expect(await api.stop()).toEqual({ code: 0, signal: null });
  });

  it('`collector` runs the host collector into WORKDIR/telemetry and exits 0 at the end of its duration', async () => {
    const collector = start(['collector', '--interval', '0.5', '--duration', '2'], { HOST_NAME: 'image-collector' });
    expect(await collector.exited).toEqual({ code: 0, signal: null });
    const hostDir = image.hostPath('/var/lib/pc_telemetry/telemetry/image-collector');
    const [dayFile] = await fs.readdir(hostDir);
    const lines = (await fs.readFile(path.join(hostDir, dayFile as string), 'utf8')).trim().split('\n');
    expect(lines[0]).toMatch(/^time,cpu_usage,ram_free,network_adapter,net_usage_up,net_usage_down/);
    expect(lines.length).toBeGreaterThan(1);
  });

  it('runs any other command as given, in WORKDIR', async () => {
    const shell = start(['node', '-e', 'console.log("cwd=" + process.cwd())'], {});
    expect(await shell.exited).toEqual({ code: 0, signal: null });
    expect(shell.output().trim()).toBe(`cwd=${image.workdir}`);
  });
});
