/**
 * Instants in the store: parsing what users and old files give, formatting what the store writes,
 * and the day a row belongs to in TELEMETRY_TZ.
 *
 * These run for every row read or written, so they avoid a Date or dayjs object per call: digits
 * are read by char code, calendar maths is integer arithmetic, and a zone's UTC offset comes from a
 * cached `Intl.DateTimeFormat`, memoised per quarter hour (every zone change since 1970 falls on a
 * quarter hour of UTC).
 */
import { daysFromCivil, zoneOffsetMs } from './zone.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/** The wall-clock fields of an ISO-like string, plus its offset when it has one. */
interface WallFields {
  wallMs: number;
  /** Offset from UTC in ms; undefined when the string has none (read it in the zone). */
  offsetMs: number | undefined;
}

function digits(s: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Reads `±HH:MM`, `±HHMM`, `±HH`, `Z` from `s[at..]` to the end; NaN when it is not one. */
function readOffset(s: string, at: number): number {
  const rest = s.length - at;
  const c = s.charCodeAt(at);
  if (rest === 1 && (c === 90 || c === 122)) return 0; // Z or z
  // A '+' turned into a space by URL query decoding: ' HH:MM' can mean nothing else.
  const sign = c === 43 || c === 32 ? 1 : c === 45 || c === 0x2212 ? -1 : 0;
  if (sign === 0) return NaN;
  let hours: number;
  let minutes = 0;
  if (rest === 6 && s.charCodeAt(at + 3) === 58) {
    hours = digits(s, at + 1, 2);
    minutes = digits(s, at + 4, 2);
  } else if (rest === 5 && c !== 32) {
    hours = digits(s, at + 1, 2);
    minutes = digits(s, at + 3, 2);
  } else if (rest === 3 && c !== 32) {
    hours = digits(s, at + 1, 2);
  } else {
    return NaN;
  }
  if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59) return NaN;
  return sign * (hours * 60 + minutes) * MS_PER_MINUTE;
}

/**
 * Splits `YYYY-MM-DD`, `YYYY-MM-DD[T| ]HH:mm[:ss[.fff…]][Z|±HH:MM]` into wall time and offset.
 * Null when the text is not such a string or names a date or time that does not exist.
 */
function readWallFields(s: string): WallFields | null {
  const length = s.length;
  if (length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (length === 10) return { wallMs: dayMs, offsetMs: undefined };

  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 116 && sep !== 32) || length < 16 || s.charCodeAt(13) !== 58) return null;
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  let at = 16;
  let second = 0;
  let millis = 0;
  if (at < length && s.charCodeAt(at) === 58) {
    second = digits(s, at + 1, 2);
    if (second < 0 || second > 59) return null;
    at += 3;
    if (at < length && (s.charCodeAt(at) === 46 || s.charCodeAt(at) === 44)) {
      // Fractions of any length (Python writes microseconds); kept to the millisecond, truncated.
      let end = at + 1;
      while (end < length && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
      const count = end - at - 1;
      if (count === 0) return null;
      millis = digits(s, at + 1, Math.min(count, 3)) * (count === 1 ? 100 : count === 2 ? 10 : 1);
      at = end;
    }
  }
  const wallMs = dayMs + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  if (at === length) return { wallMs, offsetMs: undefined };
  const offsetMs = readOffset(s, at);
  return Number.isNaN(offsetMs) ? null : { wallMs, offsetMs };
}

/**
 * The instant a wall-clock time names in `tz`. A time skipped by a spring-forward change is moved
 * forward by the change; a time that occurs twice at a fall-back change is the earlier one (as
 * Temporal's 'compatible' disambiguation and dayjs do).
 */
export function wallTimeToInstant(wallMs: number, tz: string): number {
  const before = zoneOffsetMs(wallMs - MS_PER_DAY, tz);
  const after = zoneOffsetMs(wallMs + MS_PER_DAY, tz);
  if (before === after) return wallMs - before;
  const withBefore = wallMs - before;
  const withAfter = wallMs - after;
  const beforeFits = zoneOffsetMs(withBefore, tz) === before;
  const afterFits = zoneOffsetMs(withAfter, tz) === after;
  if (beforeFits && afterFits) return Math.min(withBefore, withAfter);
  if (afterFits) return withAfter;
  return withBefore; // fits, or falls in a gap: the earlier offset moves it past the gap
}

/**
 * Epoch ms of an ISO 8601 instant, or null when `input` is not one.
 * Accepts `…Z` and `…±HH:MM` (taken as given), times without an offset (read as wall time in
 * `tz`), a date alone (start of that day in `tz`) and the old tool's `YYYY-MM-DD HH:mm:ss`.
 */
export function parseInstant(input: string, tz: string): number | null {
  const s = input.length > 0 && (input.charCodeAt(0) <= 32 || input.charCodeAt(input.length - 1) <= 32) ? input.trim() : input;
  const fields = readWallFields(s);
  if (fields === null) return null;
  if (fields.offsetMs !== undefined) return fields.wallMs - fields.offsetMs;
  return wallTimeToInstant(fields.wallMs, tz);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}

function pad4(n: number): string {
  return n >= 1000 ? `${n}` : `${n}`.padStart(4, '0');
}

/** `YYYY-MM-DD` of a wall-clock epoch-ms value (a UTC instant shifted by its offset). */
function wallDay(wallMs: number): string {
  const z = Math.floor(wallMs / MS_PER_DAY) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

/** `±HH:MM` for an offset in ms (seconds of pre-1900 local mean times are dropped). */
function offsetText(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / MS_PER_MINUTE);
  return `${offsetMs < 0 ? '-' : '+'}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** The instant as `YYYY-MM-DDTHH:mm:ss.SSS±HH:MM` in `tz`, e.g. `2026-12-04T20:15:00.123+04:00`. */
export function formatInstant(ms: number, tz: string): string {
  const offset = zoneOffsetMs(ms, tz);
  const wall = ms + offset;
  const dayStart = Math.floor(wall / MS_PER_DAY) * MS_PER_DAY;
  let rest = wall - dayStart;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${wallDay(wall)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(millis)}${offsetText(offset)}`;
}

/** The day (`YYYY-MM-DD`) the instant falls on in `tz`: the name of its day file. */
export function dayKey(ms: number, tz: string): string {
  return wallDay(ms + zoneOffsetMs(ms, tz));
}

/** Epoch ms of 00:00 of `day` (`YYYY-MM-DD`) in `tz`, or null when `day` is not a real date. */
export function startOfDay(day: string, tz: string): number | null {
  if (day.length !== 10) return null;
  return parseInstant(day, tz);
}

/** The day after `day` (`YYYY-MM-DD`), by the calendar. */
export function nextDay(day: string): string {
  const fields = readWallFields(day);
  if (fields === null) throw new RangeError(`not a day: ${JSON.stringify(day)}`);
  return wallDay(fields.wallMs + MS_PER_DAY);
}

/** The day before `day` (`YYYY-MM-DD`), by the calendar. */
export function previousDay(day: string): string {
  const fields = readWallFields(day);
  if (fields === null) throw new RangeError(`not a day: ${JSON.stringify(day)}`);
  return wallDay(fields.wallMs - MS_PER_DAY);
}
