/**
 * Requests Node's HTTP parser rejects before express sees them (a URL or headers over Node's
 * 16 KB limit, bytes that are not HTTP) would get Node's bare 400/431. This answers them in the
 * one error shape instead, so a client always gets JSON it can read.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';

/** Writes a JSON error for a request the HTTP parser could not read, then closes the socket. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const message = tooLarge
    ? 'The request line or headers are larger than 16 KB; send long filters in a request body instead'
    : `The request is not valid HTTP (${error.code ?? 'parse error'})`;
  const body = JSON.stringify({ error: true, message });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
