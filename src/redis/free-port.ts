/** Port checks for the private redis-server: the default port when it is free, else any free one. */
import net from 'node:net';

function listenOnce(port: number, host: string): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

/** True when nothing listens on `host:port`, so a server we start could bind it. */
export async function portIsFree(port: number, host: string): Promise<boolean> {
  return (await listenOnce(port, host)) === port;
}

/** A port on `host` that was free a moment ago (the kernel's pick). */
export async function freePort(host: string): Promise<number> {
  const port = await listenOnce(0, host);
  if (port === null) throw new Error(`Cannot find a free port on ${host}`);
  return port;
}
