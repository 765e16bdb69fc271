/**
 * A redis-server of the test's own that it can SIGKILL and start again on the same port and data
 * folder. With `appendonly`, what Redis acknowledged before the kill (jobs, locks) is there
 * again after the restart, as with the append-only file the deployment uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export class TestRedisServer {
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    /** Folder for the append-only file. */
    readonly dataDir: string,
    readonly appendOnly = true,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (again) and waits until it answers PING, having loaded its data. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dataDir];
    args.push('--appendonly', this.appendOnly ? 'yes' : 'no');
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    const until = Date.now() + 15_000;
    while (!(await answers(this.url))) {
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
