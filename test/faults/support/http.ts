/** HTTP calls of the fault tests: every call has a deadline, so a hanging service fails the test instead of stalling it. */

export interface Answer {
  status: number;
  /** Milliseconds from sending to the whole body received. */
  ms: number;
  contentType: string;
  body: Buffer;
  json(): any;
}

/** One request with a deadline (`timeoutMs`); a JSON `body` is sent as application/json. */
export async function request(url: string, init: { method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<Answer> {
  const startedAt = Date.now();
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
  });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    ms: Date.now() - startedAt,
    contentType: res.headers.get('content-type') ?? '',
    body,
    json: () => JSON.parse(body.toString('utf8')),
  };
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
