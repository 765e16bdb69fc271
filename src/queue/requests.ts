/**
 * Turns request bodies into job data, or a BadRequestError naming every bad field.
 *
 * The API's validator checks types against the spec first; this is the service's own line of
 * defence (JobService is also called by the old routes and by tests), and where the rules that a
 * schema cannot say live: start before end, a window of at most 31 days, a duration of at least
 * one interval.
 */
import { HOST_NAME_PATTERN } from '../../env/default_env.js';
import { BadRequestError, type FieldProblem } from '../errors.js';
import { MAX_DURATION_S, MAX_INTERVAL_S, MIN_INTERVAL_S } from '../sampling/limits.js';
import { formatInstant, parseInstant } from '../store/time.js';
import type { CollectionData } from '../../workers/collection.js';
import type { ExportData } from '../../workers/export.js';

export const DEFAULT_INTERVAL_S = 5;
export const MAX_EXPORT_WINDOW_DAYS = 31;
const MAX_LABEL_LENGTH = 200;
const MAX_INTERFACES = 64;
const MAX_INTERFACE_NAME = 64;
// Control characters have no business in labels or interface names (they end up in CSV and logs).
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
  throwIfAny(what: string): void {
    if (this.list.length === 0) return;
    const summary = this.list.map((p) => `${p.field}: ${p.message}`).join('; ');
    throw new BadRequestError(`Invalid ${what}: ${summary}`, this.list);
  }
}

function asObject(body: unknown, allowed: readonly string[], problems: Problems): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    problems.add('body', 'expected a JSON object');
    return {};
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) problems.add(key, `unknown field (allowed: ${allowed.join(', ')})`);
  }
  return record;
}

function numberIn(value: unknown, field: string, min: number, max: number, problems: Problems): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    problems.add(field, `expected a number from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

/** Validates a collection request; `host` is the host the collection is filed under. */
export function parseCollectionRequest(body: unknown, host: string): CollectionData {
  const problems = new Problems();
  const record = asObject(body, ['interval_s', 'duration_s', 'label'], problems);
  const interval =
    record.interval_s === undefined
      ? DEFAULT_INTERVAL_S
      : numberIn(record.interval_s, 'interval_s', MIN_INTERVAL_S, MAX_INTERVAL_S, problems);
  let duration: number | undefined;
  if (record.duration_s !== undefined && record.duration_s !== null) {
    duration = numberIn(record.duration_s, 'duration_s', MIN_INTERVAL_S, MAX_DURATION_S, problems);
    // The first tick only primes the counters: a shorter run could never produce a sample.
    if (duration !== undefined && interval !== undefined && duration < interval) {
      problems.add('duration_s', `must be at least interval_s (${interval} s), or left out to run until stopped`);
    }
  }
  let label: string | undefined;
  if (record.label !== undefined && record.label !== null) {
    if (typeof record.label !== 'string' || record.label.length > MAX_LABEL_LENGTH || CONTROL_CHARS.test(record.label)) {
      problems.add('label', `expected text of at most ${MAX_LABEL_LENGTH} characters without control characters`);
    } else {
      label = record.label;
    }
  }
  problems.throwIfAny('collection request');
  return {
    interval_s: interval as number,
    ...(duration !== undefined ? { duration_s: duration } : {}),
    ...(label !== undefined ? { label } : {}),
    host,
  };
}

function instantField(record: Record<string, unknown>, field: string, tz: string, problems: Problems): number | undefined {
  const value = record[field];
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(field, 'required: an ISO 8601 time such as 2026-12-04T20:15:00+04:00');
    return undefined;
  }
  const ms = parseInstant(value.trim(), tz);
  if (ms === null) {
    problems.add(field, `not a time: ${JSON.stringify(value.slice(0, 64))} (expected ISO 8601, e.g. 2026-12-04T20:15:00+04:00)`);
    return undefined;
  }
  return ms;
}

function interfacesField(value: unknown, problems: Problems): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= MAX_INTERFACES &&
    value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_INTERFACE_NAME && !CONTROL_CHARS.test(v));
  if (!valid) {
    problems.add(
      'interfaces',
      `expected 1 to ${MAX_INTERFACES} interface names of 1 to ${MAX_INTERFACE_NAME} characters, or leave it out for all`,
    );
    return undefined;
  }
  return [...new Set(value as string[])];
}

/**
 * Validates an export request. Times are normalised to ISO 8601 with the offset of `tz`, so the
 * job's data says exactly which window it covers whichever zone a worker runs in.
 */
export function parseExportRequest(body: unknown, tz: string): ExportData {
  const problems = new Problems();
  const record = asObject(body, ['start_time', 'end_time', 'host', 'interfaces'], problems);
  const start = instantField(record, 'start_time', tz, problems);
  const end = instantField(record, 'end_time', tz, problems);
  if (start !== undefined && end !== undefined) {
    if (start > end) problems.add('end_time', 'must not be before start_time');
    else if (end - start > MAX_EXPORT_WINDOW_DAYS * 86_400_000) {
      problems.add('end_time', `the window is longer than ${MAX_EXPORT_WINDOW_DAYS} days; split it into several exports`);
    }
  }
  let host: string | undefined;
  if (record.host !== undefined && record.host !== null) {
    if (typeof record.host !== 'string' || !HOST_NAME_PATTERN.test(record.host)) {
      problems.add('host', 'expected a host name of letters, digits, dot, dash or underscore (at most 128)');
    } else {
      host = record.host;
    }
  }
  const interfaces = interfacesField(record.interfaces, problems);
  problems.throwIfAny('export request');
  return {
    start_time: formatInstant(start as number, tz),
    end_time: formatInstant(end as number, tz),
    ...(host !== undefined ? { host } : {}),
    ...(interfaces !== undefined ? { interfaces } : {}),
  };
}
