/** Process measurement helpers for bench/sampling.ts: start, watch and read the cost of child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Watched {
  name: string;
  child: ChildProcess;
  /** Lines printed so far that look like a collector's sample line. */
  sampleLines: () => number;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const SAMPLE_LINE = /^\d{4}-\d\d-\d\dT\S+\s+cpu /gm;

/** Starts `command args` in `cwd`, keeping its output. */
export function startWatched(name: string, command: string, args: string[], cwd: string): Watched {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      if (code !== 0 && err) process.stderr.write(`[${name}] ${err}`);
      resolve({ code, signal });
    }),
  );
  return { name, child, exited, stdout: () => out, sampleLines: () => out.match(SAMPLE_LINE)?.length ?? 0 };
}

/** Runs a command to completion and returns its stdout. */
export async function runToEnd(command: string, args: string[], cwd: string): Promise<string> {
  const watched = startWatched(command, command, args, cwd);
  const { code } = await watched.exited;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}`);
  return watched.stdout();
}

/** CPU time of every live thread of `pid`, in ns (/proc/<pid>/task/<tid>/schedstat, first field). */
export function processCpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return total;
}

export interface Memory {
  rssMb: number;
  anonMb: number;
  fileMb: number;
  peakMb: number;
  /** RSS of the process's own child processes (tsx's esbuild service, if it runs one). */
  childrenRssMb: number;
}

function statusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/** Resident memory of `pid` from /proc/<pid>/status, in MB (1024 × 1024 bytes). */
export function processMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  let childrenKb = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) childrenKb += statusKb(readFileSync(`/proc/${entry}/status`, 'latin1'), 'VmRSS');
    } catch {
      // gone meanwhile
    }
  }
  const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
  return {
    rssMb: mb(statusKb(status, 'VmRSS')),
    anonMb: mb(statusKb(status, 'RssAnon')),
    fileMb: mb(statusKb(status, 'RssFile') + statusKb(status, 'RssShmem')),
    peakMb: mb(statusKb(status, 'VmHWM')),
    childrenRssMb: mb(childrenKb),
  };
}

/**
 * CPU (user + system, ms) of `command args` and everything it waited for, from bash's `time`
 * (getrusage of the children, millisecond precision), start-up included.
 */
export async function bashTimedCpuMs(command: string, args: string[], cwd: string): Promise<number> {
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const script = `TIMEFORMAT='%3U %3S'; { time ${quoted} >/dev/null 2>/dev/null ; } 2>&1`;
  const out = await runToEnd('bash', ['-c', script], cwd);
  const [user, system] = out.trim().split('\n').at(-1)!.split(' ').map(Number);
  return ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
