/**
 * A redis-server of a test's own, which the test can SIGKILL and start again on the same port and
 * data folder. With `appendOnly`, what Redis acknowledged before the kill (jobs, locks) is there
 * again after the restart, as with the append-only file the deployment uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../src/redis/free-port.js';
import { redisAnswers } from '../../src/redis/redis-answers.js';

export class TestRedisServer {
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    /** Folder for the append-only file (none without persistence). */
    readonly dataDir?: string,
    readonly appendOnly = dataDir !== undefined,
  ) {}

  /** A server on a port nobody listens on right now (not started yet). */
  static async onFreePort(dataDir?: string, appendOnly?: boolean): Promise<TestRedisServer> {
    return new TestRedisServer(await freePort('127.0.0.1'), dataDir, appendOnly);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (again) and waits until it answers PING, having loaded its data. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', ''];
    if (this.dataDir) args.push('--dir', this.dataDir);
    args.push('--appendonly', this.appendOnly ? 'yes' : 'no');
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    const until = Date.now() + 15_000;
    while (!(await redisAnswers(this.url, 500))) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with ${child.exitCode}`);
      if (Date.now() > until) throw new Error(`redis-server on port ${this.port} does not answer`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
