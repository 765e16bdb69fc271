/** Starts the real host collector as a child process, the way a user's shell would. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CollectorRun {
  child: ChildProcess;
  /** Resolves when the process exits. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves once stdout has `count` lines matching `pattern`. */
  linesMatching(pattern: RegExp, count: number): Promise<void>;
}

/**
 * `node --import tsx src/collector/main.ts ...args` with the given environment on top of this one's,
 * optionally under a wrapper command (e.g. `prlimit --fsize=…`).
 */
export function startCollector(args: string[], env: Record<string, string>, wrapper: string[] = []): CollectorRun {
  const command = [...wrapper, process.execPath, '--import', 'tsx', 'src/collector/main.ts', ...args];
  const child = spawn(command[0]!, command.slice(1), {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; count: number; resolve: () => void }[] = [];
  const check = () => {
    const lines = stdout.split('\n');
    for (const w of waiters.splice(0)) {
      if (lines.filter((l) => w.pattern.test(l)).length >= w.count) w.resolve();
      else waiters.push(w);
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    check();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    linesMatching: (pattern, count) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, count, resolve });
        check();
        void done.then(() => reject(new Error(`collector exited before printing ${count} lines like ${pattern}:\n${stdout}\n${stderr}`)));
      }),
  };
}
