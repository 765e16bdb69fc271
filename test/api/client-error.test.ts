import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, testConfig, type TestApi } from './harness.js';

/** Sends raw bytes and returns the whole answer once the server closes the connection. */
function sendRaw(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

function parseAnswer(raw: string): { status: number; contentType: string; body: unknown } {
  const [head, body] = raw.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]);
  const contentType = /content-type: ([^\r\n]+)/i.exec(head!)?.[1] ?? '';
  return { status, contentType, body: JSON.parse(body!) };
}

describe('requests the HTTP parser rejects', () => {
  let t: TestApi;
  beforeAll(async () => {
    const { config, root } = await testConfig('client-error');
    t = await startTestApi(config, root);
  });
  afterAll(() => t.close());

  it('answers a URL over 16 KB with 431 in the error shape', async () => {
    const answer = parseAnswer(await sendRaw(t.api.url, `GET /api/v1/telemetry?host=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect(answer.status).toBe(431);
    expect(answer.contentType).toMatch(/application\/json/);
    expect(answer.body).toMatchObject({ error: true, message: expect.stringContaining('16 KB') });
  });

  it('answers bytes that are not HTTP with 400 in the error shape', async () => {
    const answer = parseAnswer(await sendRaw(t.api.url, 'HELLO THERE\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: true, message: expect.any(String) });
  });

  it('keeps serving afterwards', async () => {
    const res = await fetch(`${t.base}/hello`);
    expect(res.status).toBe(200);
  });
});
