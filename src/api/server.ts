/** The API on a socket: listens on API_HOST:API_PORT (port 0 picks a free one, as tests do). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from './app.js';
import { answerClientError } from './client-error.js';
import type { ApiDeps } from './deps.js';

export interface ApiServer {
  server: http.Server;
  /** Base URL, e.g. http://127.0.0.1:5555 (no trailing slash). */
  url: string;
  /** Stops taking connections, lets requests in flight finish (cut after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

function urlHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/** Builds the app and starts listening; resolves once the port is bound. */
export async function startApiServer(deps: ApiDeps & AppOptions): Promise<ApiServer> {
  const app = await createApp(deps);
  const server = http.createServer(app);
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.config.apiPort, deps.config.apiHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://${urlHost(server.address() as AddressInfo)}:${(server.address() as AddressInfo).port}`;

  const close = (graceMs = 5000) =>
    new Promise<void>((resolve) => {
      // Idle keep-alive sockets are closed at once; busy ones get `graceMs` to finish.
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      cut.unref();
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    });
  return { server, url, close };
}
