import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { describe, expect, it } from 'vitest';
import { dayKey, formatInstant, nextDay, parseInstant, previousDay, startOfDay } from '../../src/store/time.js';

dayjs.extend(utc);
dayjs.extend(timezone);

const SAMARA = 'Europe/Samara';

describe('parseInstant', () => {
  it('takes an offset or Z as given, whatever the zone', () => {
    expect(parseInstant('2026-12-04T20:15:00.123+04:00', 'UTC')).toBe(Date.parse('2026-12-04T16:15:00.123Z'));
    expect(parseInstant('2026-12-04T20:15:00Z', SAMARA)).toBe(Date.parse('2026-12-04T20:15:00Z'));
    expect(parseInstant('2026-12-04T20:15:00-05:30', SAMARA)).toBe(Date.parse('2026-12-05T01:45:00Z'));
    expect(parseInstant('2026-12-04T20:15:00+0400', 'UTC')).toBe(Date.parse('2026-12-04T16:15:00Z'));
  });

  it('reads a time without offset as wall time in the zone', () => {
    expect(parseInstant('2026-12-04T20:15:00', SAMARA)).toBe(Date.parse('2026-12-04T16:15:00Z'));
    expect(parseInstant('2026-07-01T12:00:00', 'Europe/Berlin')).toBe(Date.parse('2026-07-01T10:00:00Z'));
    expect(parseInstant('2026-01-01T12:00:00', 'Europe/Berlin')).toBe(Date.parse('2026-01-01T11:00:00Z'));
  });

  it('reads the old tool forms: space separator, microseconds, date alone', () => {
    expect(parseInstant('2026-12-04 20:15:00', SAMARA)).toBe(Date.parse('2026-12-04T16:15:00Z'));
    expect(parseInstant('2026-12-04T20:15:00.123456+04:00', SAMARA)).toBe(Date.parse('2026-12-04T16:15:00.123Z'));
    expect(parseInstant('2026-12-04', SAMARA)).toBe(Date.parse('2026-12-03T20:00:00Z'));
    expect(parseInstant('2026-12-04T20:15', SAMARA)).toBe(Date.parse('2026-12-04T16:15:00Z'));
  });

  it('reads a + that URL decoding turned into a space as +', () => {
    expect(parseInstant('2026-12-04T20:15:00 04:00', 'UTC')).toBe(Date.parse('2026-12-04T16:15:00Z'));
  });

  it('moves a time skipped by spring forward past the gap, and takes the earlier of a repeated time', () => {
    // Berlin: 2026-03-29 02:00 CET jumps to 03:00 CEST; 2026-10-25 03:00 CEST falls back to 02:00 CET.
    expect(parseInstant('2026-03-29T02:30:00', 'Europe/Berlin')).toBe(Date.parse('2026-03-29T01:30:00Z'));
    expect(parseInstant('2026-10-25T02:30:00', 'Europe/Berlin')).toBe(Date.parse('2026-10-25T00:30:00Z'));
    expect(parseInstant('2026-10-25T03:30:00', 'Europe/Berlin')).toBe(Date.parse('2026-10-25T02:30:00Z'));
  });

  it('rejects garbage and dates or times that do not exist', () => {
    for (const bad of ['', 'garbage', '2026-13-01', '2026-02-29', '2026-12-04T24:00:00', '2026-12-04T20:60', '2026-12-04T20:15:00+25:00',
      '2026-12-04T20:15:00.', '2026-12-04X20:15:00', '20261204', '2026-12-04T20:15:00+04:00junk', '1764864900000']) {
      expect(parseInstant(bad, SAMARA), bad).toBeNull();
    }
    expect(parseInstant('2028-02-29', SAMARA)).not.toBeNull();
  });
});

describe('formatInstant and dayKey', () => {
  it('formats with milliseconds and the zone offset', () => {
    expect(formatInstant(Date.parse('2026-12-04T16:15:00.123Z'), SAMARA)).toBe('2026-12-04T20:15:00.123+04:00');
    expect(formatInstant(Date.parse('2026-12-04T16:15:00Z'), 'UTC')).toBe('2026-12-04T16:15:00.000+00:00');
    expect(formatInstant(Date.parse('2026-12-04T16:15:00Z'), 'America/St_Johns')).toBe('2026-12-04T12:45:00.000-03:30');
  });

  it('gives the day in the zone, which is not the UTC day near midnight', () => {
    expect(dayKey(Date.parse('2026-12-04T20:30:00Z'), SAMARA)).toBe('2026-12-05');
    expect(dayKey(Date.parse('2026-12-04T20:30:00Z'), 'UTC')).toBe('2026-12-04');
    expect(dayKey(Date.parse('2026-12-31T20:00:00Z'), SAMARA)).toBe('2027-01-01');
  });

  it('agrees with dayjs and round-trips through parseInstant across many zones and years', () => {
    const zones = [SAMARA, 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC', 'Pacific/Chatham'];
    let seed = 7;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647);
    for (const tz of zones) {
      for (let i = 0; i < 150; i++) {
        const ms = Date.UTC(1995, 0, 1) + Math.floor(random() * 40 * 365 * 86_400_000);
        const text = formatInstant(ms, tz);
        expect(text).toBe(dayjs(ms).tz(tz).format('YYYY-MM-DDTHH:mm:ss.SSSZ'));
        expect(parseInstant(text, tz)).toBe(ms);
        expect(dayKey(ms, tz)).toBe(text.slice(0, 10));
      }
    }
  });
});

describe('day arithmetic', () => {
  it('steps over month and year ends and leap days', () => {
    expect(nextDay('2026-01-31')).toBe('2026-02-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(previousDay('2026-03-01')).toBe('2026-02-28');
    expect(startOfDay('2026-12-05', SAMARA)).toBe(Date.parse('2026-12-04T20:00:00Z'));
    expect(startOfDay('2026-12-05T00:00', SAMARA)).toBeNull();
  });
});
