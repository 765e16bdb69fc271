/**
 * API benchmark: requests/s and latency of `GET /api/v1/jobs/{id}` and `POST /api/v1/exports`
 * under 50 connections (autocannon), beside references measured in the same run:
 *   - `bare`: a bare express app answering `GET /hello` (no spec, no validator, no Redis);
 *   - `hello`: the real app's `GET /api/v1/hello` (validator, no Redis);
 *   - the same two routes mounted without the validator (same route modules, same JobService).
 * Each scenario runs against a fresh server in a child process, profiled (node:inspector) during
 * the measured run only; its self time, grouped by package, names where the server spends its
 * CPU. The CPU use of the server process and of redis-server during the run tell which of the
 * two saturates.
 *
 * POST /exports adds real export jobs: the window is one second of an empty store, no worker
 * runs (API mode), so only enqueueing is measured; the prefix is removed afterwards.
 *
 *   npx tsx bench/api.ts [--duration 10] [--connections 50]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { removePrefix, testRedisUrl } from '../test/support/redis.js';
import { makeTempDir, removeTempDir } from '../test/support/tmp.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SELF = fileURLToPath(import.meta.url);
const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};

/** Child mode: the real API (API only, no workers) and a bare express app on free ports. */
async function serve(settings: { root: string; prefix: string }): Promise<void> {
  const { loadConfig } = await import('../env/default_env.js');
  const { startApiServer } = await import('../src/api/server.js');
  const { JobService } = await import('../src/queue/job-service.js');
  const express = (await import('express')).default;
  const config = loadConfig({
    TELEMETRY_DIR: path.join(settings.root, 'telemetry'),
    TMP_DIR: path.join(settings.root, 'tmp'),
    QUEUE_PREFIX: settings.prefix,
    REDIS_URL: testRedisUrl(),
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    HOST_NAME: 'bench-host',
    DEBUG_MODE: 'false',
  });
  const jobs = new JobService(config);
  const api = await startApiServer({ config, jobs });
  const bare = express();
  bare.get('/hello', (_req, res) => {
    res.json('Hello');
  });
  // The same routes and error handler without the validator: the difference is its cost.
  const deps = { config, jobs };
  bare.use(
    '/unvalidated/api/v1',
    express.json({ limit: '16kb', strict: false }),
    (await import('../src/api/routes/legacy-data.js')).legacyDataRoutes(deps),
    (await import('../src/api/routes/jobs.js')).jobRoutes(deps),
    (await import('../src/api/routes/exports.js')).exportRoutes(deps),
  );
  const { errorHandler } = await import('../src/api/error-handler.js');
  bare.use(errorHandler(new Set()));
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => bareServer.once('listening', resolve));
  const barePort = (bareServer.address() as { port: number }).port;
  // The parent brackets the measured run with 'profile' and 'stop': startup and warm-up stay out.
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  process.on('message', async (message) => {
    if (message === 'profile') {
      await session.post('Profiler.start');
      process.send!('profiling');
    } else if (message === 'stop') {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(path.join(settings.root, 'profile.cpuprofile'), JSON.stringify(profile));
      process.exit(0);
    }
  });
  process.stdout.write(`READY ${JSON.stringify({ api: api.url, bare: `http://127.0.0.1:${barePort}` })}\n`);
}

interface Server {
  child: ChildProcess;
  api: string;
  bare: string;
}

async function startServer(root: string, prefix: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--serve', JSON.stringify({ root, prefix })], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const urls = await new Promise<{ api: string; bare: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /READY (.*)\n/.exec(out);
      if (line?.[1]) resolve(JSON.parse(line[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, ...urls };
}

async function startProfile(server: Server): Promise<void> {
  const started = new Promise((resolve) => server.child.once('message', resolve));
  server.child.send('profile');
  await started;
}

/** Stops the server; with `profile`, asks it to write the profile first (root/profile.cpuprofile). */
async function stopServer(server: Server, profile: boolean): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  if (profile) server.child.send('stop');
  else server.child.kill('SIGTERM');
  await exited;
}

/** utime + stime of a process in seconds, from /proc (Linux). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

interface CpuProfile {
  nodes: { id: number; callFrame: { url: string; functionName: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a profile node's code lives: a package, our code, a node core module, or V8 (GC, native). */
function groupOf(url: string, functionName: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').replace(/^node:(http|_http)\w*/, 'node:http').replace(/\/.*$/, '');
  if (url.includes('/src/') || url.includes('/workers/')) return 'pc-telemetry';
  return url === '' ? `(${functionName.replace(/[()]/g, '') || 'native'})` : 'other';
}

/**
 * The layer a sample belongs to: the innermost frame of its stack that is in one of these
 * (so node's socket writes under ioredis count as Redis client, under express as express).
 */
const LAYER_OF_GROUP: Record<string, string> = {
  'express-openapi-validator': 'validator',
  ajv: 'validator',
  bullmq: 'Redis client (bullmq, ioredis)',
  ioredis: 'Redis client (bullmq, ioredis)',
  'pc-telemetry': 'pc-telemetry code',
  express: 'express',
  router: 'express',
  'body-parser': 'express',
  '(garbage collector)': 'garbage collector',
};

/** Self time shares (% of busy time): by package, by function, and by layer (whole stack). */
function profileShares(profile: CpuProfile): { groups: Record<string, number>; functions: Record<string, number>; layers: Record<string, number> } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const groups: Record<string, number> = {};
  const functions: Record<string, number> = {};
  const layers: Record<string, number> = {};
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    const group = groupOf(frame.url, frame.functionName);
    groups[group] = (groups[group] ?? 0) + dt;
    const fn = `${frame.functionName || '(anonymous)'} [${group}]`;
    functions[fn] = (functions[fn] ?? 0) + dt;
    let layer = 'node HTTP, sockets and the rest';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at);
      const found = f && LAYER_OF_GROUP[groupOf(f.url, f.functionName)];
      if (found) {
        layer = found;
        break;
      }
    }
    layers[layer] = (layers[layer] ?? 0) + dt;
    busy += dt;
  });
  const top = (totals: Record<string, number>, n: number) =>
    Object.fromEntries(
      Object.entries(totals)
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([key, us]) => [key, Math.round((1000 * us) / busy) / 10]),
    );
  return { groups: top(groups, 8), functions: top(functions, 6), layers: top(layers, 10) };
}

interface Scenario {
  name: string;
  target: (server: Server, jobId: string) => { url: string; method: string; body?: string };
}

const TINY_WINDOW = JSON.stringify({ start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-01T00:00:01Z' });
const SCENARIOS: Scenario[] = [
  { name: 'bare express GET /hello (reference)', target: (s) => ({ url: `${s.bare}/hello`, method: 'GET' }) },
  { name: 'GET /api/v1/hello (validator, no Redis)', target: (s) => ({ url: `${s.api}/api/v1/hello`, method: 'GET' }) },
  { name: 'GET /api/v1/jobs/{id}', target: (s, id) => ({ url: `${s.api}/api/v1/jobs/${id}`, method: 'GET' }) },
  { name: 'GET /api/v1/jobs/{id}, no validator', target: (s, id) => ({ url: `${s.bare}/unvalidated/api/v1/jobs/${id}`, method: 'GET' }) },
  { name: 'POST /api/v1/exports', target: (s) => ({ url: `${s.api}/api/v1/exports`, method: 'POST', body: TINY_WINDOW }) },
  { name: 'POST /api/v1/exports, no validator', target: (s) => ({ url: `${s.bare}/unvalidated/api/v1/exports`, method: 'POST', body: TINY_WINDOW }) },
];

async function main(): Promise<void> {
  const duration = flag('duration', 10);
  const connections = flag('connections', 50);
  const root = await makeTempDir('bench-api');
  const prefix = `pct-bench-api-${process.pid}`;
  const redis = new Redis(testRedisUrl());
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  const results: Record<string, unknown>[] = [];
  try {
    for (const scenario of SCENARIOS) {
      const server = await startServer(root, prefix);
      try {
        const seed = await fetch(`${server.api}/api/v1/exports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: TINY_WINDOW });
        const jobId = ((await seed.json()) as { id: string }).id;
        const { url, method, body } = scenario.target(server, jobId);
        const opts = { url, method, body, connections, headers: body ? { 'content-type': 'application/json' } : {} };
        await autocannon({ ...opts, duration: 2 }); // warm-up: JIT, connection pools, validator compiled
        await startProfile(server);
        const [serverBefore, redisBefore] = await Promise.all([cpuSeconds(server.child.pid!), cpuSeconds(redisPid).catch(() => NaN)]);
        const run = await autocannon({ ...opts, duration });
        const [serverAfter, redisAfter] = await Promise.all([cpuSeconds(server.child.pid!), cpuSeconds(redisPid).catch(() => NaN)]);
        await stopServer(server, true);
        const shares = profileShares(JSON.parse(await readFile(path.join(root, 'profile.cpuprofile'), 'utf8')) as CpuProfile);
        results.push({
          scenario: scenario.name,
          requests_per_s: Math.round(run.requests.average),
          p50_ms: run.latency.p50,
          p99_ms: run.latency.p99,
          non2xx: run.non2xx,
          errors: run.errors + run.timeouts,
          server_cpu_pct: Math.round(((serverAfter - serverBefore) / duration) * 100),
          redis_cpu_pct: Math.round(((redisAfter - redisBefore) / duration) * 100),
          server_cpu_ms_per_request: Math.round(((serverAfter - serverBefore) * 1e6) / Math.max(1, run.requests.total)) / 1000,
          profile_self_time_pct: shares,
        });
      } finally {
        if (server.child.exitCode === null) await stopServer(server, false);
      }
    }
  } finally {
    redis.disconnect();
    await removePrefix(prefix);
    await removeTempDir(root);
  }
  report(results, { duration, connections });
}

function report(results: Record<string, unknown>[], settings: { duration: number; connections: number }): void {
  const reference = results[0]?.requests_per_s as number;
  console.log(`\nAPI benchmark: ${settings.connections} connections, ${settings.duration} s each, ${os.cpus().length} cores\n`);
  console.log('scenario'.padEnd(44) + 'req/s'.padStart(8) + 'vs bare'.padStart(9) + 'p50 ms'.padStart(8) + 'p99 ms'.padStart(8) + 'srv CPU'.padStart(9) + 'redis CPU'.padStart(10) + 'non2xx'.padStart(8));
  for (const r of results) {
    const ratio = ((r.requests_per_s as number) / reference).toFixed(2);
    console.log(
      String(r.scenario).padEnd(44) + String(r.requests_per_s).padStart(8) + `${ratio}x`.padStart(9) + String(r.p50_ms).padStart(8) +
        String(r.p99_ms).padStart(8) + `${r.server_cpu_pct}%`.padStart(9) + `${r.redis_cpu_pct}%`.padStart(10) + String(r.non2xx).padStart(8),
    );
  }
  console.log('\nserver CPU ms per request, and profile self time during the run (% of busy time):');
  for (const r of results) {
    const shares = r.profile_self_time_pct as { groups: Record<string, number>; functions: Record<string, number>; layers: Record<string, number> };
    console.log(`  ${r.scenario}: ${r.server_cpu_ms_per_request} ms/request`);
    console.log(`    by layer:    ${Object.entries(shares.layers).map(([k, v]) => `${k} ${v}%`).join(', ')}`);
    console.log(`    by package:  ${Object.entries(shares.groups).map(([k, v]) => `${k} ${v}%`).join(', ')}`);
    console.log(`    by function: ${Object.entries(shares.functions).map(([k, v]) => `${k} ${v}%`).join(', ')}`);
  }
  const out = path.join(path.dirname(SELF), 'results', 'api.json');
  void mkdir(path.dirname(out), { recursive: true }).then(() => writeFile(out, JSON.stringify({ settings, results }, null, 2)));
  console.log(`\nwritten to ${out}`);
}

if (process.argv.includes('--serve')) {
  void serve(JSON.parse(process.argv[process.argv.indexOf('--serve') + 1]!));
} else {
  await main();
}
