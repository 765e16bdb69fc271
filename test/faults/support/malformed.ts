/**
 * Malformed HTTP requests for a route, from a seeded generator: bad path ids (traversal, null
 * bytes, broken percent-encoding, huge), bad query values (dates, numbers, unicode, repeats,
 * unknown names, very long), and bad bodies (wrong types, invalid JSON, binary, oversized, deeply
 * nested) under wrong or odd content types, charsets and encodings. Each request stays valid
 * HTTP: the fault is in what it says, not in how it is framed.
 */
import zlib from 'node:zlib';
import type { Dice } from './random.js';
import type { SpecRoute } from './spec-routes.js';

export interface MalformedRequest {
  method: string;
  /** Path and query exactly as sent (already percent-encoded where the wire needs it). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  route: SpecRoute;
}

const ID_VALUES = [
  '..%2F..%2F..%2Fetc%2Fpasswd', '../../../etc/passwd', '..', '.', '%2e%2e%2f%2e%2e', '..%5C..%5Cwindows%5Cwin.ini',
  'exp-..%2F..%2Fx', '%00', 'exp-%00', 'exp-0123456789abcdef%00.zip', '%ZZ', '%E0%A4%A', '%', '%C0%AE%C0%AE%2F',
  'exp-%C3%BC%E6%BC%A2%F0%9F%99%82', '%E2%80%AE', '%FF%FE', 'x'.repeat(129), 'y'.repeat(4000),
  '1e309', '99999999999999999999999999', '-1', '0', 'NaN', 'null', 'undefined', 'true', '%20', '+', 'a%2Fb',
  'a;b=c', '*', '%7B%7D', '%5B%5D', "'%20OR%201=1--", '<script>', 'exp-0123456789abcdef', 'col-0123456789abcdef',
  'repeat:cleanup:1', 'exp-0123456789abcdef.zip', 'exp-0123456789abcdef.zip.part',
];

const TIME_VALUES = [
  '2026-12-04T20:15:00+04:00', '2026-12-04T16:15:00Z', '2026-12-04T20:15:00', '2026-12-04', '2020-01-01T00:00:00Z',
  '2026-13-45T25:61:61Z', '2026-02-30T00:00:00Z', '2026-12-04T20:15:00+99:99', '2026-12-04T20:15:00.1234567890123Z',
  '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '0000-00-00T00:00:00Z', '9999-12-31T23:59:59.999+14:00',
  'yesterday', 'now', '', ' ', '0', '-1', '1e309', '9'.repeat(60), '1733328900000', 'NaN', 'Infinity',
  '04-12-2026', '04.12.2026 20:15', '2026-12-04 20:15:00', '2026-W49-5', 'T', 'Z', '+04:00', '2026-12-04T20:15:00+04:00Z',
  '٢٠٢٦-١٢-٠٤', '2026-12-04\u0000', 'null', 'undefined', '[object Object]', '{"$gt":""}', "'; DROP TABLE x; --",
  '<script>alert(1)</script>', '../../etc/passwd', '\u202e2026', '🙂'.repeat(20),
];

const HOST_VALUES = ['..', '.', '../etc', 'a/b', 'a\\b', '-host', 'h'.repeat(200), '', ' ', 'host\u0000x', 'хост', '🙂', '*', 'api-test-host', 'fault-fuzz-host'];
const INTERFACE_VALUES = ['eth0', 'Ethernet 2', '', 'a/b', '..', 'x'.repeat(100), '\u0001', 'lo\u0000', '🙂'];
const FORMAT_VALUES = ['json', 'csv', 'xml', 'JSON', '', 'csv,json', 'zip', '1'];

const INVALID_JSON = [
  '{', '}', '{"a":}', "{'start_time':'2026-12-04'}", 'nul', 'tru', '{"a":1,}', '[1,2', '"unterminated', '{"a":1}garbage',
  '\ufeff{"interval_s":5}', '{"interval_s":NaN}', '{"interval_s":Infinity}', '{"interval_s":0x10}', '{"a":"\\x00"}',
  '{"a":"\\ud800"}', '{"a" "b"}', '//comment\n{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}',
  '1e309', '-', '.', '{"a":1e99999}', '\u0000', '   ', '{}}', '[[[[[[[[', '{"start_time":"2026-12-04T20:15:00Z","end_time":}',
];

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16',
  'application/json; charset=bogus', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz',
  'application/xml', 'application/*', 'application/vnd.api+json', 'a/b/c;;;', 'application/json; boundary="', '*/*', 'JSON',
];

const ENCODINGS = ['gzip', 'deflate', 'br', 'x-unknown', 'gzip, gzip', 'identity'];
const MAX_QUERY_CHARS = 8000;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const ACCEPTS = ['application/json', 'text/csv', 'application/xml', '*/*', 'text/html;q=0.1, garbage', ''];

/** %XX for every UTF-8 byte of `c` (a lone surrogate goes out as U+FFFD's bytes, as any client would send it). */
function percentBytes(c: string): string {
  return Array.from(Buffer.from(c, 'utf8'), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** Percent-encodes what cannot go on the wire raw (Node's client refuses it), keeping the rest as crafted. */
function wire(text: string): string {
  return Array.from(text)
    .map((c) => (/^[\x21-\x7e]$/.test(c) && c !== '#' && c !== '?' ? c : percentBytes(c)))
    .join('');
}

/** Percent-encodes everything but unreserved characters. */
function encoded(text: string): string {
  return Array.from(text)
    .map((c) => (/^[A-Za-z0-9_.~-]$/.test(c) ? c : percentBytes(c)))
    .join('');
}

function randomText(dice: Dice, maxLength: number): string {
  const ranges: [number, number][] = [[0x20, 0x7e], [0x00, 0x1f], [0xa0, 0x2ff], [0x400, 0x4ff], [0x4e00, 0x4fff], [0x1f600, 0x1f64f], [0xd800, 0xdfff]];
  let out = '';
  const length = dice.int(0, maxLength);
  for (let i = 0; i < length; i++) {
    const [from, to] = dice.pick(ranges);
    out += String.fromCodePoint(dice.int(from, to));
  }
  return out;
}

function randomNumber(dice: Dice): number {
  return dice.pick([0, -0, -1, 0.1, 0.2, 0.19999, 5, 3600, 3600.0001, 604800, 604801, 2 ** 53 + 1, 1e308, -1e308, Number.MIN_VALUE, dice.next() * 1e6 - 5e5]);
}

/** A random JSON value of at most `depth` levels. */
function randomJson(dice: Dice, depth: number, fields: string[] = []): unknown {
  const kind = depth <= 0 ? dice.int(0, 3) : dice.int(0, 5);
  if (kind === 0) return dice.pick([null, true, false]);
  if (kind === 1) return randomNumber(dice);
  if (kind === 2) return dice.chance(0.5) ? dice.pick(TIME_VALUES) : randomText(dice, 40);
  if (kind === 3) return dice.pick(['', '0', 'true', 'null', '5', 'a'.repeat(300)]);
  if (kind === 4) return Array.from({ length: dice.int(0, 5) }, () => randomJson(dice, depth - 1));
  const keys = [...fields, '__proto__', 'constructor', 'extra', randomText(dice, 10), 'start_time', 'end_time', 'interval_s', 'host'];
  const object: Record<string, unknown> = {};
  for (let i = dice.int(0, 5); i > 0; i--) object[dice.pick(keys)] = randomJson(dice, depth - 1);
  return object;
}

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** A malformed body, and the content type it goes out under. */
function malformedBody(dice: Dice, route: SpecRoute): { body: Buffer; headers: Record<string, string> } {
  const fields = route.bodyFields ?? [];
  let text: string | Buffer;
  switch (dice.int(0, 7)) {
    case 0: {
      // The route's own fields, each with a value of a random type.
      const object: Record<string, unknown> = {};
      for (const field of fields) if (dice.chance(0.8)) object[field] = randomJson(dice, 2);
      if (dice.chance(0.3)) object[randomText(dice, 12) || 'unknown_field'] = randomJson(dice, 1);
      text = JSON.stringify(object);
      break;
    }
    case 1:
      text = JSON.stringify(randomJson(dice, 4, fields));
      break;
    case 2:
      text = dice.pick(INVALID_JSON);
      break;
    case 3:
      text = Buffer.from(Array.from({ length: dice.int(1, 2000) }, () => dice.int(0, 255)));
      break;
    case 4:
      // Over the 16 KB body limit.
      text = JSON.stringify({ [fields[0] ?? 'a']: 'z'.repeat(dice.int(17_000, 200_000)) });
      break;
    case 5:
      text = dice.chance(0.5) ? nested(dice.int(100, 3000)) : `{"a":${nested(dice.int(100, 3000))}}`;
      break;
    case 6:
      // The fields as UTF-16, or in invalid UTF-8.
      text = dice.chance(0.5)
        ? Buffer.from(JSON.stringify({ [fields[0] ?? 'a']: '2026-12-04T20:15:00Z' }), 'utf16le')
        : Buffer.concat([Buffer.from(`{"${fields[0] ?? 'a'}":"`), Buffer.from([0xff, 0xfe, 0xc0, 0xae, 0x80]), Buffer.from('"}')]);
      break;
    default:
      text = JSON.stringify(randomText(dice, 200));
  }
  let body = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const headers: Record<string, string> = {};
  if (dice.chance(0.85)) headers['content-type'] = dice.chance(0.5) ? 'application/json' : dice.pick(CONTENT_TYPES);
  if (dice.chance(0.12)) {
    const encoding = dice.pick(ENCODINGS);
    headers['content-encoding'] = encoding;
    // Half of them really compressed (a valid body underneath), half not (a lie).
    if (dice.chance(0.5) && encoding === 'gzip') body = zlib.gzipSync(body);
    else if (dice.chance(0.5) && encoding === 'deflate') body = zlib.deflateSync(body);
    else if (dice.chance(0.5) && encoding === 'br') body = zlib.brotliCompressSync(body);
  }
  return { body, headers };
}

function queryValue(dice: Dice, name: string): string {
  if (dice.chance(0.1)) return randomText(dice, 60);
  if (dice.chance(0.04)) return 'q'.repeat(dice.int(1000, 6000));
  if (name.endsWith('_time')) return dice.pick(TIME_VALUES);
  if (name === 'host') return dice.pick(HOST_VALUES);
  if (name === 'interface') return dice.pick(INTERFACE_VALUES);
  if (name === 'format') return dice.pick(FORMAT_VALUES);
  return dice.pick([...TIME_VALUES.slice(0, 5), ...HOST_VALUES]);
}

function encodeQueryValue(dice: Dice, value: string): string {
  // Mostly encoded; sometimes raw where the wire allows it (':' and '+' unencoded, as curl sends times).
  return dice.chance(0.7) ? encoded(value) : wire(value);
}

/** One malformed request against `route`. */
export function malformedRequest(dice: Dice, route: SpecRoute): MalformedRequest {
  let path = route.template.replace(/\{([^}]+)\}/g, () =>
    dice.chance(0.7) ? dice.pick(ID_VALUES) : wire(randomText(dice, 30)) || '%2F',
  );
  const pairs: string[] = [];
  for (const parameter of route.parameters.filter((p) => p.in === 'query')) {
    if (!dice.chance(parameter.required ? 0.85 : 0.6)) continue;
    const repeats = dice.chance(0.1) ? dice.int(2, 70) : 1;
    for (let i = 0; i < repeats; i++) pairs.push(`${parameter.name}=${encodeQueryValue(dice, queryValue(dice, parameter.name))}`);
  }
  if (dice.chance(0.15)) pairs.push(`${wire(randomText(dice, 8)) || 'x'}=${encodeQueryValue(dice, randomText(dice, 20))}`);
  if (dice.chance(0.05)) pairs.push(`${'k'.repeat(dice.int(1, 200))}=${'v'.repeat(dice.int(1000, 7000))}`);
  if (dice.chance(0.05)) pairs.push(dice.pick(['=', '&&&', '%', 'a=%ZZ', 'start_time[]=1', 'start_time[a]=1', '__proto__[x]=1', 'a=1=2']));
  // Long, but within reason: Node answers a request line past its 16 KB header limit itself (431).
  while (pairs.join('&').length > MAX_QUERY_CHARS) pairs.splice(dice.int(0, pairs.length - 1), 1);
  if (pairs.length > 0) path += `?${pairs.join('&')}`;

  const method = dice.chance(0.85) ? route.method : dice.pick(METHODS);
  const headers: Record<string, string> = {};
  let body: Buffer | undefined;
  if (route.bodyFields !== null ? dice.chance(0.9) : dice.chance(0.3)) {
    const made = malformedBody(dice, route);
    body = made.body;
    Object.assign(headers, made.headers);
  }
  if (dice.chance(0.2)) headers.accept = dice.pick(ACCEPTS);
  if (dice.chance(0.05)) headers['x-http-method-override'] = dice.pick(METHODS);
  return { method, path, headers, body, route };
}

/** A line that lets a person replay the request. */
export function describeRequest(request: MalformedRequest): string {
  const body = request.body === undefined ? '' : ` body(${request.body.length} B)=${JSON.stringify(request.body.subarray(0, 160).toString('latin1'))}`;
  return `${request.method} ${request.path.slice(0, 300)}${request.path.length > 300 ? `…(${request.path.length} chars)` : ''} headers=${JSON.stringify(request.headers)}${body}`;
}
