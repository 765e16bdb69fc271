/**
 * UTC offsets of IANA zones, fast enough to ask for every row.
 *
 * `Intl.DateTimeFormat` knows the zone rules but costs microseconds per call, so each zone keeps a
 * formatter and a memo of offsets per quarter hour of UTC: every offset change since 1970 falls on
 * a quarter hour, so one lookup serves every instant in it.
 */
const MS_PER_DAY = 86_400_000;
const BUCKET_MS = 15 * 60_000;
const MAX_MEMO_ENTRIES = 50_000;

interface ZoneMemo {
  format: Intl.DateTimeFormat | null; // null for UTC: no formatter needed
  offsets: Map<number, number>;
  lastBucket: number;
  lastOffset: number;
}

const zones = new Map<string, ZoneMemo>();

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1 to 12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function memoFor(tz: string): ZoneMemo {
  let memo = zones.get(tz);
  if (memo === undefined) {
    const isUtc = tz === 'UTC' || tz === 'Etc/UTC';
    memo = {
      format: isUtc
        ? null
        : new Intl.DateTimeFormat('en-US', {
            timeZone: tz, // throws RangeError for an unknown zone, which config validation prevents
            hourCycle: 'h23',
            era: 'short',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
          }),
      offsets: new Map(),
      lastBucket: Number.NaN,
      lastOffset: 0,
    };
    zones.set(tz, memo);
  }
  return memo;
}

function computeOffset(format: Intl.DateTimeFormat, ms: number): number {
  const fields: Record<string, string> = {};
  for (const part of format.formatToParts(ms)) fields[part.type] = part.value;
  let year = Number(fields.year);
  if (fields.era === 'B' || fields.era === 'BC') year = 1 - year;
  const wall =
    daysFromCivil(year, Number(fields.month), Number(fields.day)) * MS_PER_DAY +
    ((Number(fields.hour) * 60 + Number(fields.minute)) * 60 + Number(fields.second)) * 1000;
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** Offset of `tz` from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const memo = memoFor(tz);
  if (memo.format === null) return 0;
  const bucket = Math.floor(ms / BUCKET_MS);
  if (bucket === memo.lastBucket) return memo.lastOffset;
  let offset = memo.offsets.get(bucket);
  if (offset === undefined) {
    offset = computeOffset(memo.format, bucket * BUCKET_MS);
    if (memo.offsets.size >= MAX_MEMO_ENTRIES) memo.offsets.clear();
    memo.offsets.set(bucket, offset);
  }
  memo.lastBucket = bucket;
  memo.lastOffset = offset;
  return offset;
}
