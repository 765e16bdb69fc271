import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobService } from '../../src/queue/job-service.js';
import { readWindow } from '../../src/store/reader.js';
import { testSetup, waitFor, type TestSetup } from './support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startMain(mode: string, setup: TestSetup, env: Record<string, string> = {}): Running {
  const child = spawn(TSX, ['src/main.ts', mode], {
    cwd: ROOT,
    env: {
      ...process.env,
      REDIS_URL: setup.config.redisUrl,
      QUEUE_PREFIX: setup.prefix,
      TELEMETRY_DIR: setup.config.telemetryDir,
      TMP_DIR: setup.config.tmpDir,
      HOST_NAME: setup.config.hostName,
      TELEMETRY_TZ: setup.config.telemetryTz,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function storedRows(setup: TestSetup): Promise<number> {
  let rows = 0;
  const now = Date.now();
  const window = { dir: setup.config.telemetryDir, tz: setup.config.telemetryTz, start: now - 3_600_000, end: now + 60_000 };
  for await (const _ of readWindow({ ...window, legacyHost: setup.config.hostName })) rows++;
  return rows;
}

async function stopWithin(running: Running, signal: NodeJS.Signals) {
  const startedAt = Date.now();
  running.child.kill(signal);
  const result = await running.exited;
  return { ...result, elapsed: Date.now() - startedAt };
}

describe('src/main.ts processes', () => {
  let setup: TestSetup;
  let jobs: JobService;
  const started: Running[] = [];

  beforeAll(async () => {
    setup = await testSetup('main');
    jobs = new JobService(setup.config);
  });
  afterAll(async () => {
    for (const running of started) if (running.child.exitCode === null) running.child.kill('SIGKILL');
    await jobs.close();
    await setup.cleanup();
  });

  it('worker: SIGTERM ends a running collection (completed, nothing lost) and exits 0 within 10 s', async () => {
    const worker = startMain('worker', setup);
    started.push(worker);
    await waitFor(() => worker.output().includes('ready (worker)'), 20_000);

    const collection = await jobs.startCollection({ interval_s: 0.2 });
    await waitFor(async () => {
      const view = await jobs.getJob(collection.id);
      return view.state === 'active' && (view.progress as { samples?: number }).samples;
    }, 15_000);

    const { code, elapsed } = await stopWithin(worker, 'SIGTERM');
    expect(code, worker.output()).toBe(0);
    expect(elapsed).toBeLessThan(10_000);
    const view = await jobs.getJob(collection.id);
    expect(view.state).toBe('completed');
    expect(view.result).toMatchObject({ stopped: true, stopped_by: 'shutdown' });
    expect(await storedRows(setup)).toBe((view.result as { rows: number }).rows);
  }, 60_000);

  it('all: serves HTTP and runs jobs in one process; SIGTERM exits 0', async () => {
    const all = startMain('all', setup, { API_PORT: '0' });
    started.push(all);
    await waitFor(() => all.output().includes('ready (all)'), 20_000);
    const url = /API listening on (http:\/\/[^\s]+)/.exec(all.output())?.[1];
    expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
    const now = Date.now();
    const created = await fetch(`${url}/api/v1/exports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start_time: new Date(now - 60_000).toISOString(), end_time: new Date(now).toISOString() }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    await waitFor(async () => (await jobs.getJob(id)).state === 'completed', 15_000);

    const { code, elapsed } = await stopWithin(all, 'SIGTERM');
    expect(code, all.output()).toBe(0);
    expect(elapsed).toBeLessThan(10_000);
  }, 60_000);

  it('refuses an unknown mode with a usage line', async () => {
    const wrong = startMain('everything', setup);
    started.push(wrong);
    const { code } = await wrong.exited;
    expect(code).toBe(2);
    expect(wrong.output()).toMatch(/Usage: .*all\|api\|worker/);
  });

  it('exits 1 listing the bad setting when the configuration is invalid', async () => {
    const bad = startMain('worker', setup, { EXPORT_TTL_S: 'soon' });
    started.push(bad);
    const { code } = await bad.exited;
    expect(code).toBe(1);
    expect(bad.output()).toContain('EXPORT_TTL_S');
  });
});
