import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMemInfo, parseNetDev, parseProcStat } from '../../src/sampling/proc-parse.js';
import { meminfoText, netDevText, statText } from './proc-text.js';

describe('parseProcStat', () => {
  it('sums the first eight fields of the aggregate line and counts idle + iowait as not busy', () => {
    const text = statText({ user: 20543, system: 6003, idle: 102855, iowait: 754, softirq: 140, steal: 657, guest: 99 });
    const total = 20543 + 6003 + 102855 + 754 + 140 + 657; // guest is inside user already
    expect(parseProcStat(text)).toEqual({ total, busy: total - 102855 - 754 });
  });

  it('finds the cpu line when it is not first, and ignores per-cpu lines', () => {
    expect(parseProcStat(`intr 1 2 3\ncpu0 9 9 9 9\ncpu  1 2 3 4 5\n`)).toEqual({ total: 15, busy: 6 });
  });

  it('answers null for text without a usable aggregate line', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('cpu0 1 2 3 4\n')).toBeNull();
    expect(parseProcStat('cpu  1 2 x 4\n')).toBeNull();
    expect(parseProcStat('cpu  1 2\n')).toBeNull();
  });
});

describe('parseMemInfo', () => {
  it('is MemAvailable / MemTotal × 100', () => {
    expect(parseMemInfo(meminfoText(24_683_784, 24_089_348))).toBeCloseTo((24_089_348 / 24_683_784) * 100, 10);
  });

  it('falls back to MemFree + Buffers + Cached when MemAvailable is missing', () => {
    expect(parseMemInfo(meminfoText(10_000, null, { free: 1000, buffers: 500, cached: 2500 }))).toBeCloseTo(40, 10);
  });

  it('answers null without a total, and never leaves 0..100', () => {
    expect(parseMemInfo('MemFree: 10 kB\n')).toBeNull();
    expect(parseMemInfo(meminfoText(0, 0))).toBeNull();
    expect(parseMemInfo(meminfoText(100, 150))).toBe(100);
  });
});

describe('parseNetDev', () => {
  it('reads receive (field 1) and transmit (field 9) bytes of every interface, lo included, in order', () => {
    const text = netDevText([
      ['lo', 42_455, 42_455],
      ['eth0', 225_634_728, 639_082],
      ['wlp2s0', 7, 8],
    ]);
    expect(parseNetDev(text)).toEqual([
      { name: 'lo', rx: 42_455, tx: 42_455 },
      { name: 'eth0', rx: 225_634_728, tx: 639_082 },
      { name: 'wlp2s0', rx: 7, tx: 8 },
    ]);
    expect(text).toContain('  eth0:225634728'); // a counter touching the colon, as on real machines
  });

  it('leaves out header and malformed lines', () => {
    const text = `${netDevText([['eth0', 1, 2]])}  bad: 1 2 3\nveth1: x 0 0 0 0 0 0 0 5 0 0 0 0 0 0 0\n`;
    expect(parseNetDev(text)).toEqual([{ name: 'eth0', rx: 1, tx: 2 }]);
  });

  it.runIf(process.platform === 'linux')('parses this machine’s own files', () => {
    expect(parseProcStat(readFileSync('/proc/stat', 'latin1'))?.total).toBeGreaterThan(0);
    expect(parseMemInfo(readFileSync('/proc/meminfo', 'latin1'))).toBeGreaterThan(0);
    expect(parseNetDev(readFileSync('/proc/net/dev', 'latin1')).map((i) => i.name)).toContain('lo');
  });
});
