/**
 * Sending a malformed request exactly as built (raw path, any method with any body) and judging
 * the answer: a 2xx, or a 4xx in the one error shape; never a 5xx or a hang.
 */
import http from 'node:http';
import type { MalformedRequest } from './malformed.js';

export interface Reply {
  status: number;
  contentType: string;
  text: string;
}

/** Sends `req` to `base` (`http://host:port`) through `agent`; rejects when no answer comes within 10 s. */
export function send(base: string, agent: http.Agent, req: Pick<MalformedRequest, 'method' | 'path' | 'headers' | 'body'>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = req.body === undefined ? req.headers : { ...req.headers, 'content-length': String(req.body.length) };
    const outgoing = http.request(base + req.path, { method: req.method, headers, agent, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 10 s')));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** What is wrong with `reply`, or null when it is a proper answer to a malformed request. */
export function problemWith(reply: Reply, req: Pick<MalformedRequest, 'method' | 'path'>, legacyPaths: Set<string>): string | null {
  if (reply.status >= 500) return `status ${reply.status}: ${reply.text.slice(0, 300)}`;
  if (reply.status < 400) {
    if (req.method !== 'HEAD' && reply.contentType.includes('json') && reply.text !== '') {
      try {
        JSON.parse(reply.text);
      } catch {
        return `status ${reply.status} with a JSON type but a body that is not JSON`;
      }
    }
    return null;
  }
  if (!reply.contentType.startsWith('application/json')) return `status ${reply.status} as ${JSON.stringify(reply.contentType)}: ${reply.text.slice(0, 200)}`;
  let body: any;
  try {
    body = JSON.parse(reply.text);
  } catch {
    return `status ${reply.status} with a body that is not JSON: ${reply.text.slice(0, 200)}`;
  }
  if (body?.error !== true || typeof body.message !== 'string' || body.message === '') {
    return `status ${reply.status} not in the error shape: ${reply.text.slice(0, 300)}`;
  }
  if (body.details !== undefined) {
    const fine = Array.isArray(body.details)
      ? body.details.every((d: any) => typeof d?.field === 'string' && typeof d?.message === 'string')
      : typeof body.details === 'object' && body.details !== null;
    if (!fine) return `status ${reply.status} with malformed details: ${JSON.stringify(body.details).slice(0, 300)}`;
  }
  // The old routes keep their envelope {message, error, data} (data: null, or what the spec names, e.g. the running job's id).
  const pathOnly = req.path.split('?')[0] as string;
  if (legacyPaths.has(pathOnly) && !('data' in body)) return `old route's ${reply.status} without data: ${reply.text.slice(0, 200)}`;
  return null;
}
