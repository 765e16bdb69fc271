/**
 * Real service processes for the fault tests: `node --import tsx src/main.ts <mode>` and the host
 * collector, started as a user would, with their own environment, and killed by pid.
 *
 * Node runs the TypeScript itself (`--import tsx`), so the child's pid is the service's own pid:
 * SIGKILL hits the service, not a wrapper, and /proc/<pid>/status shows its memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testRedisUrl } from '../../support/redis.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves once its output matches `pattern`; rejects when it exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** True while the process runs. */
  alive(): boolean;
  exited: Promise<Exit>;
  /** Sends `signal` and waits for the exit (at once when it already exited). */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Starts `node --import tsx <script> ...args` in the project root with `env` on top of this environment. */
export function startNodeScript(script: string, args: string[], env: Record<string, string>, wrapper: string[] = []): ServiceProcess {
  const command = [...wrapper, process.execPath, '--import', 'tsx', script, ...args];
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exit: Exit | null = null;
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      for (const listener of [...listeners]) listener();
      resolve(exit);
    }),
  );
  return {
    child,
    pid: child.pid as number,
    output: () => output,
    alive: () => exit === null,
    exited,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no output like ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
        const done = (error: Error | null, match?: RegExpExecArray) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve(match as RegExpExecArray);
        };
        const check = () => {
          const match = pattern.exec(output);
          if (match) done(null, match);
          else if (exit) done(new Error(`exited (${JSON.stringify(exit)}) before printing ${pattern}:\n${output}`));
        };
        listeners.add(check);
        check();
      });
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (exit) return exit;
      child.kill(signal);
      return exited;
    },
  };
}

/**
 * The environment of a service process for one fault test: its own prefix and folders under
 * `root`, the test Redis, a free port; `overrides` on top (JOB_LOCK_S, TMP_DIR, REDIS_URL, …).
 */
export function serviceEnv(root: string, opts: { prefix: string; host: string; tz: string }, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: opts.prefix,
    TELEMETRY_DIR: path.join(root, 'telemetry'),
    TMP_DIR: path.join(root, 'tmp'),
    HOST_NAME: opts.host,
    TELEMETRY_TZ: opts.tz,
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    ...overrides,
  };
}

/** The service (`src/main.ts all|api|worker`) with `env` (REDIS_URL, QUEUE_PREFIX, folders, …). */
export function startService(mode: 'all' | 'api' | 'worker', env: Record<string, string>, wrapper: string[] = []): ServiceProcess {
  return startNodeScript('src/main.ts', [mode], env, wrapper);
}

/**
 * An API process and `count` worker processes sharing `env`, each added to `services` (for
 * killAll); resolves once all are ready, with the API's base URL (`http://host:port/api/v1`).
 */
export async function startApiWithWorkers(env: Record<string, string>, count: number, services: ServiceProcess[]): Promise<{ base: string; workers: ServiceProcess[] }> {
  const api = startService('api', env);
  const workers = Array.from({ length: count }, () => startService('worker', env));
  services.push(api, ...workers);
  const [url] = await Promise.all([serviceReady(api, 'api'), ...workers.map((worker) => serviceReady(worker, 'worker'))]);
  return { base: `${url}/api/v1`, workers };
}

/** Waits until the service says it is ready; for api and all, answers its base URL (`http://host:port`). */
export async function serviceReady(service: ServiceProcess, mode: 'all' | 'api' | 'worker'): Promise<string> {
  await service.waitForOutput(new RegExp(`ready \\(${mode}\\)`), 40_000);
  if (mode === 'worker') return '';
  const match = /API listening on (http:\/\/\S+?)\s/.exec(service.output());
  if (!match?.[1]) throw new Error(`no API address in the output:\n${service.output()}`);
  return match[1];
}

/** Resident memory of process `pid` in MB (VmRSS), or null once it is gone. */
export async function residentMb(pid: number): Promise<number | null> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

/** Kills whatever of `services` still runs (afterAll). */
export async function killAll(services: Iterable<ServiceProcess>): Promise<void> {
  await Promise.all([...services].map((service) => service.kill('SIGKILL')));
}
