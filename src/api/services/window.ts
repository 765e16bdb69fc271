/**
 * A time window from what a client sent: both ends read with the store's `parseInstant` (an
 * offset or Z as given, none in TELEMETRY_TZ), every problem named by its field.
 */
import type { Config } from '../../../env/default_env.js';
import { BadRequestError, type FieldProblem } from '../../errors.js';
import { parseInstant } from '../../store/time.js';

export interface TimeWindow {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, inclusive. */
  end: number;
}

export interface WindowInput {
  start_time?: string | undefined;
  end_time?: string | undefined;
}

// `value` is checked, not trusted: the old routes also take the window from a JSON body that no
// schema covers (a GET's body), where it can be a number, an object, anything.
function readEnd(field: 'start_time' | 'end_time', value: unknown, tz: string, problems: FieldProblem[]): number | null {
  if (value === undefined || value === null || value === '') {
    problems.push({ field, message: `${field} is required (ISO 8601, e.g. 2026-12-04T20:15:00+04:00)` });
    return null;
  }
  if (typeof value !== 'string') {
    problems.push({ field, message: `${field} must be a string holding an ISO 8601 time, e.g. 2026-12-04T20:15:00+04:00` });
    return null;
  }
  const ms = parseInstant(value, tz);
  if (ms === null) {
    problems.push({ field, message: `${field} ${JSON.stringify(value)} is not a time; use ISO 8601, e.g. 2026-12-04T20:15:00+04:00` });
  }
  return ms;
}

/** Parses and checks a window; throws BadRequestError naming each bad field (start after end names start_time). */
export function parseWindow(config: Config, input: WindowInput): TimeWindow {
  const problems: FieldProblem[] = [];
  const start = readEnd('start_time', input.start_time, config.telemetryTz, problems);
  const end = readEnd('end_time', input.end_time, config.telemetryTz, problems);
  if (start !== null && end !== null && start > end) {
    problems.push({ field: 'start_time', message: 'start_time is after end_time' });
  }
  if (problems.length > 0 || start === null || end === null) {
    throw new BadRequestError(`Invalid window: ${problems.map((p) => p.message).join('; ')}`, problems);
  }
  return { start, end };
}
