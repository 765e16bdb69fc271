/**
 * A redis-server run as our own child process: loopback only, append-only file on, data in a
 * folder of the project. It is stopped by `stop()`, and also when this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { redisAnswers } from './redis-answers.js';

export const REDIS_LOG_FILE = 'redis-server.log';
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

/** What to say when there is no redis-server to start: every way to get a Redis, in one message. */
export const NO_REDIS_SERVER_MESSAGE = [
  'No Redis answers at redis://127.0.0.1:6379 and there is no redis-server in PATH to start one.',
  'Get a Redis in one of these ways, then run the command again:',
  '  - Debian/Ubuntu: sudo apt-get install redis-server   (npm start then runs a private one in ./.redis)',
  '  - macOS:         brew install redis',
  '  - Docker:        docker compose up                    (Redis, API and worker in containers)',
  '  - or point at a Redis you already have: REDIS_URL=redis://host:6379 npm start',
].join('\n');

export interface RedisServerProcess {
  readonly pid: number;
  readonly url: string;
  /** SIGTERM (Redis flushes its append-only file and exits), then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1:`port` with its data in `dataDir` and waits until it answers PING. */
export async function startRedisServer(opts: { dataDir: string; port: number }): Promise<RedisServerProcess> {
  const logPath = path.join(opts.dataDir, REDIS_LOG_FILE);
  const logFd = fs.openSync(logPath, 'w');
  let child: ChildProcess;
  try {
    child = spawn('redis-server', redisArgs(opts.dataDir, opts.port), {
      cwd: opts.dataDir,
      // Its own process group: a Ctrl-C in the terminal reaches us, and we stop Redis only
      // after the service has closed its connections, instead of both at once.
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    await spawned(child);
  } finally {
    fs.closeSync(logFd);
  }
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGTERM'); // sync only; Redis shuts down cleanly on its own
  process.once('exit', killOnExit);
  child.unref(); // a forgotten stop() must not keep this process alive; the exit hook still fires

  const url = `redis://127.0.0.1:${opts.port}`;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
    })());

  const ready = await waitUntilAnswers(url, child);
  if (!ready) {
    await stop();
    throw new Error(`redis-server (pid ${pid}) did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s.\n` +
      `Last lines of ${logPath}:\n${logTail(logPath)}`);
  }
  return { pid, url, stop };
}

function redisArgs(dataDir: string, port: number): string[] {
  return [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dataDir,
    '--appendonly', 'yes',
    '--save', '', // the append-only file is the one persistence; no extra snapshots
    '--daemonize', 'no',
  ];
}

function spawned(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error(NO_REDIS_SERVER_MESSAGE) : error);
    });
  });
}

/** Polls until PING answers; gives up early when the child has already exited. */
async function waitUntilAnswers(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await redisAnswers(url, 500)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function logTail(logPath: string, lines = 20): string {
  try {
    const text = fs.readFileSync(logPath, 'utf8').trimEnd();
    return text === '' ? '  (empty)' : text.split('\n').slice(-lines).map((l) => `  ${l}`).join('\n');
  } catch {
    return '  (no log)';
  }
}
