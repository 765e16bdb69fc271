/** Runs a replayed image's commands as `docker run` would: its entry point, ENV and WORKDIR. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ReplayedImage } from './image.js';

export interface Exit { code: number | null; signal: NodeJS.Signals | null }

export interface Container {
  readonly process: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  readonly exited: Promise<Exit>;
  /** SIGTERM (what `docker stop` sends) and the exit that follows. */
  stop(): Promise<Exit>;
}

/**
 * `docker run IMAGE [args]`: ENTRYPOINT with `args` (or CMD when none), in WORKDIR, with the image's
 * ENV and then `env` on top, as `-e` or compose's environment would. Only PATH comes from here.
 */
export function runContainer(image: ReplayedImage, args: string[], env: Record<string, string> = {}): Container {
  const [program, ...entryArgs] = image.entrypoint;
  if (!program) throw new Error('the image has no ENTRYPOINT');
  const child = spawn(program, [...entryArgs, ...(args.length > 0 ? args : image.cmd)], {
    cwd: image.workdir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...image.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    process: child,
    output: () => output,
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs a command to its end (as the Docker health check does) and returns its exit code. */
export function runToEnd(argv: string[], env: Record<string, string>, cwd: string): Promise<number | null> {
  const [program, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(program as string, args, { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

/** Polls `url` until it answers 200; fails with the container's output if it exits or time runs out. */
export async function waitFor200(url: string, container: Container, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (container.process.exitCode !== null || container.process.signalCode !== null) break;
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200; container output:\n${container.output()}`);
}
