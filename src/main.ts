/**
 * Process entry: `tsx src/main.ts [all|api|worker]` (npm start / npm run api / npm run worker).
 *
 * - all (default): the API, the workers and the cleanup scheduler in one process.
 * - api: HTTP only; jobs are run by worker processes sharing the same Redis.
 * - worker: workers and the cleanup scheduler; start as many as you like, anywhere.
 *
 * SIGTERM / SIGINT: stop taking requests, close the workers (running exports finish or are
 * handed back, collections write what they sampled and complete), close Redis, exit 0. Whatever
 * still hangs after SHUTDOWN_DEADLINE_MS is cut: exit 1 with a message. A second signal exits at
 * once.
 */
import { loadConfigOrExit } from '../env/default_env.js';
import { ensureRedis } from './redis/ensure-redis.js';

const MODES = ['all', 'api', 'worker'] as const;
type Mode = (typeof MODES)[number];

/** Under the 10 s a process manager usually grants between SIGTERM and SIGKILL. */
export const SHUTDOWN_DEADLINE_MS = 9000;

function log(line: string): void {
  console.log(`[pc-telemetry] ${line}`);
}

function parseMode(arg: string | undefined): Mode {
  const mode = arg ?? 'all';
  if ((MODES as readonly string[]).includes(mode)) return mode as Mode;
  console.error(`Usage: tsx src/main.ts [${MODES.join('|')}]  (got ${JSON.stringify(mode)})`);
  process.exit(2);
}

async function main(): Promise<void> {
  const mode = parseMode(process.argv[2]);
  // Only the all-in-one process may start a private Redis: one started by `api` or `worker` would
  // vanish with that process while others still share it.
  const redis = mode === 'all' ? await ensureRedis(loadConfigOrExit(), log) : undefined;
  const config = redis?.config ?? loadConfigOrExit();
  const closers: { name: string; close: () => Promise<void> }[] = [];
  let stopping = false;

  const shutdown = async (signal: string) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: shutting down`);
    setTimeout(() => {
      console.error(`[pc-telemetry] shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // The HTTP server and the workers stop side by side; the JobService (last in the list) after both.
    const jobService = closers.find((c) => c.name === 'jobs');
    const results = await Promise.allSettled(closers.filter((c) => c !== jobService).map((c) => c.close()));
    if (jobService) results.push(...(await Promise.allSettled([jobService.close()])));
    results.forEach((r) => r.status === 'rejected' && console.error(`[pc-telemetry] while closing: ${String(r.reason)}`));
    await redis?.stop().catch((e: unknown) => console.error(`[pc-telemetry] while stopping Redis: ${String(e)}`));
    log('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  // Each mode loads only what it runs: a worker never loads express, the API never starts workers.
  if (mode !== 'worker') {
    const { JobService } = await import('./queue/job-service.js');
    const { startApiServer } = await import('./api/server.js');
    const jobs = new JobService(config);
    closers.push({ name: 'jobs', close: () => jobs.close() });
    const api = await startApiServer({ config, jobs });
    closers.push({ name: 'api', close: () => api.close() });
    log(`API listening on ${api.url} (Swagger UI: ${api.url}/swagger)`);
  }
  if (mode !== 'api') {
    const { startWorkers } = await import('../workers/run-workers.js');
    const workers = await startWorkers(config);
    closers.push({ name: 'workers', close: () => workers.close() });
    log(`workers started (queue prefix ${config.queuePrefix}, host ${config.hostName})`);
  }
  log(`ready (${mode})`);
}

main().catch((error: unknown) => {
  console.error(`[pc-telemetry] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
