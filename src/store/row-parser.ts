/**
 * Turns lines of a day file into rows: the store's eight columns or the old tool's six.
 *
 * Reading the time is the one step done for every line looked at, so the store's own format
 * (`YYYY-MM-DDTHH:mm:ss.SSS±HH:MM`) has a fast path that reuses the day and the offset of the
 * previous line (both change at most a few times per file); anything else goes through
 * `parseInstant`, and such times are rewritten in the store's format so every row reads alike.
 */
import { splitCsvLine } from './csv-line.js';
import { LEGACY_COLUMNS, STORE_COLUMNS, type TelemetryRow } from './row.js';
import { formatInstant, parseInstant } from './time.js';

export const STORE_HEADER_LINE = STORE_COLUMNS.join(',');
export const LEGACY_HEADER_LINE = LEGACY_COLUMNS.join(',');

/** Epoch ms of a time field, or null; stateful (caches), so one per file being read. */
export type TimeReader = (time: string) => number | null;

/** True for `YYYY-MM-DDTHH:mm:ss.SSS±HH:MM`, checked on the separators only (digits come later). */
function isStoreTimeShape(s: string): boolean {
  if (s.length !== 29) return false;
  const sign = s.charCodeAt(23);
  return (
    s.charCodeAt(10) === 84 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58 && s.charCodeAt(19) === 46 &&
    (sign === 43 || sign === 45) && s.charCodeAt(26) === 58
  );
}

/** Creates a time reader for `tz` with its own caches of the last day and offset seen. */
export function createTimeReader(tz: string): TimeReader {
  let dayText = '';
  let dayMs = 0;
  let offsetText = '';
  let offsetMs = 0;
  return (s) => {
    if (!isStoreTimeShape(s)) return parseInstant(s, tz);
    if (!s.startsWith(dayText) || dayText === '') {
      const day = parseInstant(s.slice(0, 10), 'UTC');
      if (day === null) return null;
      dayText = s.slice(0, 10);
      dayMs = day;
    }
    if (!s.endsWith(offsetText) || offsetText === '') {
      const zoned = parseInstant(`1970-01-01T00:00${s.slice(23)}`, 'UTC');
      if (zoned === null) return null;
      offsetText = s.slice(23);
      offsetMs = -zoned;
    }
    let clock = 0;
    // HH:mm:ss.SSS digits at fixed places; -1 marks a non-digit.
    const h1 = s.charCodeAt(11) - 48, h2 = s.charCodeAt(12) - 48, m1 = s.charCodeAt(14) - 48, m2 = s.charCodeAt(15) - 48;
    const s1 = s.charCodeAt(17) - 48, s2 = s.charCodeAt(18) - 48;
    const f1 = s.charCodeAt(20) - 48, f2 = s.charCodeAt(21) - 48, f3 = s.charCodeAt(22) - 48;
    if ((h1 | h2 | m1 | m2 | s1 | s2 | f1 | f2 | f3) < 0 || h2 > 9 || m2 > 9 || s2 > 9 || f1 > 9 || f2 > 9 || f3 > 9) return null;
    const hour = h1 * 10 + h2, minute = m1 * 10 + m2, second = s1 * 10 + s2;
    if (hour > 23 || minute > 59 || second > 59) return null;
    clock = ((hour * 60 + minute) * 60 + second) * 1000 + f1 * 100 + f2 * 10 + f3;
    return dayMs + clock - offsetMs;
  };
}

/** The layout a file's lines follow, decided from its header (or its folder when it has none). */
export interface LineFormat {
  columns: 6 | 8;
  /** Host for rows without a host column (the old layout). */
  legacyHost: string;
  tz: string;
}

/** A row with its time as epoch ms (for merging), or null when the line cannot be read. */
export interface ParsedRow {
  ms: number;
  row: TelemetryRow;
}

function numberField(text: string | undefined): number | null | undefined {
  if (text === undefined || text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined; // undefined: not a number, the line is bad
}

/**
 * The row of one line whose time (already read as `ms`) is in the window, or null when its
 * columns are wrong (count, a non-number, a broken quote).
 */
export function parseRowFields(line: string, ms: number, format: LineFormat): TelemetryRow | null {
  const fields = splitCsvLine(line);
  if (fields === null || fields.length !== format.columns) return null;
  const cpu = numberField(fields[1]);
  const ram = numberField(fields[2]);
  const up = numberField(fields[4]);
  const down = numberField(fields[5]);
  const elapsed = format.columns === 8 ? numberField(fields[7]) : null;
  if (cpu === undefined || ram === undefined || up === undefined || down === undefined || elapsed === undefined) return null;
  const time = fields[0] as string;
  return {
    time: isStoreTimeShape(time) ? time : formatInstant(ms, format.tz),
    cpu_usage: cpu,
    ram_free: ram,
    network_adapter: fields[3] as string,
    net_usage_up: up,
    net_usage_down: down,
    host: format.columns === 8 ? (fields[6] as string) : format.legacyHost,
    elapsed_s: elapsed,
  };
}

/** The time field of a line: the text before the first comma (times never need quotes). */
export function timeField(line: string): string {
  const comma = line.indexOf(',');
  return comma === -1 ? line : line.slice(0, comma);
}
