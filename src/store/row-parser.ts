/**
 * Turns lines of a day file into rows: the store's eight columns or the old tool's six.
 *
 * This is the reader's inner loop, so it works on positions in a chunk of text rather than on
 * a string per line or per field: the time is read digit by digit, reusing the day and the
 * offset of the previous line (both change at most a few times per file); numbers are read digit
 * by digit; interface and host names repeat, so one string per distinct name is kept and reused.
 * Anything unusual (quotes, exponents, times in another format) takes the general path.
 * Times not in the store's format (the old tool's, or without offset) are rewritten in it, so
 * every row reads alike.
 */
import { splitCsvLine } from './csv-line.js';
import type { TelemetryRow } from './row.js';
import { formatInstant, parseInstant } from './time.js';

/** The layout a file's lines follow, decided from its header (or its folder when it has none). */
export interface LineFormat {
  columns: 6 | 8;
  /** Host for rows without a host column (the old layout). */
  legacyHost: string;
  tz: string;
}

const STORE_TIME_LENGTH = 29; // YYYY-MM-DDTHH:mm:ss.SSS±HH:MM
const MAX_NAMES = 64;
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** True when text[at..at+29) has the separators of the store's time format. */
export function hasStoreTimeShape(text: string, at: number): boolean {
  const sign = text.charCodeAt(at + 23);
  return (
    text.charCodeAt(at + 10) === 84 && text.charCodeAt(at + 13) === 58 && text.charCodeAt(at + 16) === 58 &&
    text.charCodeAt(at + 19) === 46 && (sign === 43 || sign === 45) && text.charCodeAt(at + 26) === 58
  );
}

function digitAt(text: string, at: number): number {
  const d = text.charCodeAt(at) - 48;
  // -10000 makes any of the sums in time() negative, whatever its other digits (at most 990):
  // "not a digit". (-100 let a bad last millisecond digit through: 9*100 + 9*10 - 100 >= 0.)
  return d >= 0 && d <= 9 ? d : -10000;
}

/**
 * A number field text[from..to): null when empty, undefined when not a number. Plain decimals
 * are read digit by digit; the quotient of two exact integers rounds the same way Number() does.
 */
function numberAt(text: string, from: number, to: number): number | null | undefined {
  if (from === to) return null;
  let at = from;
  const negative = text.charCodeAt(at) === 45;
  if (negative) at++;
  let value = 0;
  let scale = 0;
  let digits = 0;
  for (; at < to; at++) {
    const c = text.charCodeAt(at);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
      if (scale > 0) scale++;
    } else if (c === 46 && scale === 0) {
      scale = 1;
    } else {
      digits = 99; // anything else (exponent, spaces, garbage): let Number() decide
      break;
    }
  }
  if (digits === 0 || digits > 15 || scale === 1) {
    const general = Number(text.slice(from, to));
    return Number.isFinite(general) && to > from ? general : undefined;
  }
  const number = scale > 1 ? value / (POWERS_OF_TEN[scale - 1] as number) : value;
  return negative ? -number : number;
}

/** Parses the lines of one file; holds caches, so one per file. */
export class LineParser {
  private dayText = '';
  private dayMs = 0;
  private offsetText = '';
  private offsetMs = 0;
  private readonly names: string[] = [];
  /** The next '"' at or after the last line looked at in quoteText (-1: none), so a block is searched once. */
  private quoteText = '';
  private quoteAt = -1;

  constructor(readonly format: LineFormat) {}

  /** Epoch ms of the time field of the line text[from..to), or null when it has none that parses. */
  time(text: string, from: number, to: number): number | null {
    let comma = text.indexOf(',', from);
    if (comma === -1 || comma > to) comma = to;
    if (comma - from !== STORE_TIME_LENGTH || !hasStoreTimeShape(text, from)) {
      return parseInstant(text.slice(from, comma), this.format.tz);
    }
    if (this.dayText === '' || !text.startsWith(this.dayText, from)) {
      const day = parseInstant(text.slice(from, from + 10), 'UTC');
      if (day === null) return null;
      this.dayText = text.slice(from, from + 10);
      this.dayMs = day;
    }
    if (this.offsetText === '' || !text.startsWith(this.offsetText, from + 23)) {
      const zoned = parseInstant(`1970-01-01T00:00${text.slice(from + 23, from + 29)}`, 'UTC');
      if (zoned === null) return null;
      this.offsetText = text.slice(from + 23, from + 29);
      this.offsetMs = -zoned;
    }
    const hour = digitAt(text, from + 11) * 10 + digitAt(text, from + 12);
    const minute = digitAt(text, from + 14) * 10 + digitAt(text, from + 15);
    const second = digitAt(text, from + 17) * 10 + digitAt(text, from + 18);
    const millis = digitAt(text, from + 20) * 100 + digitAt(text, from + 21) * 10 + digitAt(text, from + 22);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return null;
    return this.dayMs + ((hour * 60 + minute) * 60 + second) * 1000 + millis - this.offsetMs;
  }

  /** text[from..to), one string per distinct name so repeated names share memory. */
  private name(text: string, from: number, to: number): string {
    const length = to - from;
    for (const name of this.names) {
      if (name.length === length && text.startsWith(name, from)) return name;
    }
    const name = text.slice(from, to);
    if (this.names.length < MAX_NAMES) this.names.push(name);
    return name;
  }

  /**
   * The row of the line text[from..to) whose time (already read) is `ms`, or null when its
   * columns are wrong: their count, a non-number where a number belongs, a broken quote.
   */
  row(text: string, from: number, to: number, ms: number): TelemetryRow | null {
    if (text !== this.quoteText || (this.quoteAt !== -1 && this.quoteAt < from)) {
      this.quoteText = text;
      this.quoteAt = text.indexOf('"', from);
    }
    if (this.quoteAt !== -1 && this.quoteAt < to) return this.rowByFields(text.slice(from, to), ms);
    const columns = this.format.columns;
    const ends: number[] = [];
    let at = from;
    for (let i = 0; i < columns - 1; i++) {
      const comma = text.indexOf(',', at);
      if (comma === -1 || comma >= to) return null;
      ends.push(comma);
      at = comma + 1;
    }
    const last = text.indexOf(',', at);
    if (last !== -1 && last < to) return null; // more columns than the header's
    ends.push(to);
    const [e0, e1, e2, e3, e4, e5, e6, e7] = ends as [number, number, number, number, number, number, number?, number?];
    const cpu = numberAt(text, e0 + 1, e1);
    const ram = numberAt(text, e1 + 1, e2);
    const up = numberAt(text, e3 + 1, e4);
    const down = numberAt(text, e4 + 1, e5);
    const elapsed = columns === 8 ? numberAt(text, (e6 as number) + 1, e7 as number) : null;
    if (cpu === undefined || ram === undefined || up === undefined || down === undefined || elapsed === undefined) return null;
    return {
      time: e0 - from === STORE_TIME_LENGTH && hasStoreTimeShape(text, from) ? text.slice(from, e0) : formatInstant(ms, this.format.tz),
      cpu_usage: cpu,
      ram_free: ram,
      network_adapter: this.name(text, e2 + 1, e3),
      net_usage_up: up,
      net_usage_down: down,
      host: columns === 8 ? this.name(text, e5 + 1, e6 as number) : this.format.legacyHost,
      elapsed_s: elapsed,
    };
  }

  /** The general path for a line with quotes. */
  private rowByFields(line: string, ms: number): TelemetryRow | null {
    const fields = splitCsvLine(line);
    if (fields === null || fields.length !== this.format.columns) return null;
    const numberField = (i: number) => {
      const field = fields[i] as string;
      return numberAt(field, 0, field.length);
    };
    const [cpu, ram, up, down] = [numberField(1), numberField(2), numberField(4), numberField(5)];
    const elapsed = this.format.columns === 8 ? numberField(7) : null;
    if (cpu === undefined || ram === undefined || up === undefined || down === undefined || elapsed === undefined) return null;
    const time = fields[0] as string;
    return {
      time: time.length === STORE_TIME_LENGTH && hasStoreTimeShape(time, 0) ? time : formatInstant(ms, this.format.tz),
      cpu_usage: cpu,
      ram_free: ram,
      network_adapter: fields[3] as string,
      net_usage_up: up,
      net_usage_down: down,
      host: this.format.columns === 8 ? (fields[6] as string) : this.format.legacyHost,
      elapsed_s: elapsed,
    };
  }
}
