/**
 * `npm start` on a fresh machine: find the Redis the service needs, or start a private one.
 *
 * REDIS_URL given → used as is, never started. Otherwise a Redis answering at the default address
 * is used; failing that, a redis-server from PATH is started with its data in REDIS_DATA_DIR
 * (./.redis), on the default port when it is free, else on any free port.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../env/default_env.js';
import { freePort, portIsFree } from './free-port.js';
import { redisAnswers } from './redis-answers.js';
import { startRedisServer } from './redis-server-process.js';

export interface EnsuredRedis {
  /** The Redis URL to use; differs from config.redisUrl when the default port was taken. */
  readonly url: string;
  /** `config` with `redisUrl` set to `url`, for callers that pass the config on. */
  readonly config: Config;
  /** Stops the private redis-server when this call started one; otherwise does nothing. */
  stop(): Promise<void>;
}

/** Written beside the data while our server runs, so a later start finds one a crash left behind. */
const STATE_FILE = 'redis-server.json';
interface ServerState { pid: number; port: number }

/**
 * Returns a Redis that answers, starting a private redis-server when needed (see the module doc).
 * Throws an Error whose message says what to do when none can be had; callers print it and exit 1.
 */
export async function ensureRedis(config: Config, log: (msg: string) => void = () => {}): Promise<EnsuredRedis> {
  const existing = (url: string): EnsuredRedis => ({
    url, config: withUrl(config, url), stop: async () => {},
  });
  if (config.redisUrlExplicit) return existing(config.redisUrl);
  if (await redisAnswers(config.redisUrl)) {
    log(`Redis: using the one answering at ${config.redisUrl}`);
    return existing(config.redisUrl);
  }

  const dataDir = config.redisDataDir;
  await fs.mkdir(dataDir, { recursive: true }).catch((error: Error) => {
    throw new Error(`Cannot create REDIS_DATA_DIR ${dataDir} for a private redis-server: ${error.message}`);
  });
  const leftOver = await runningLeftOver(dataDir);
  if (leftOver) {
    log(`Redis: using the private redis-server an earlier run left on ${leftOver} (data in ${dataDir})`);
    return existing(leftOver);
  }

  const wanted = new URL(config.redisUrl);
  const defaultPort = Number(wanted.port || 6379);
  const port = (await portIsFree(defaultPort, '127.0.0.1')) ? defaultPort : await freePort('127.0.0.1');
  log(`Redis: nothing answers at ${config.redisUrl}; starting a private redis-server on 127.0.0.1:${port} (data in ${dataDir})`);
  const server = await startRedisServer({ dataDir, port });
  const statePath = path.join(dataDir, STATE_FILE);
  await fs.writeFile(statePath, JSON.stringify({ pid: server.pid, port } satisfies ServerState));
  log(`Redis: private redis-server ready (pid ${server.pid})`);

  const url = `redis://127.0.0.1:${port}${wanted.pathname.length > 1 ? wanted.pathname : ''}`;
  return {
    url,
    config: withUrl(config, url),
    stop: async () => {
      await server.stop();
      await fs.rm(statePath, { force: true });
    },
  };
}

function withUrl(config: Config, url: string): Config {
  return url === config.redisUrl ? config : Object.freeze({ ...config, redisUrl: url });
}

/** The URL of our redis-server still running from an earlier run (killed before it could stop it). */
async function runningLeftOver(dataDir: string): Promise<string | null> {
  let state: ServerState;
  try {
    state = JSON.parse(await fs.readFile(path.join(dataDir, STATE_FILE), 'utf8')) as ServerState;
  } catch {
    return null;
  }
  if (!Number.isInteger(state.pid) || !Number.isInteger(state.port) || !processExists(state.pid)) return null;
  const url = `redis://127.0.0.1:${state.port}`;
  return (await redisAnswers(url)) ? url : null;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
