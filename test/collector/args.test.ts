import { describe, expect, it } from 'vitest';
import { parseCollectorArgs, UsageError } from '../../src/collector/args.js';
import { formatRate, formatSampleLine, formatSummary } from '../../src/collector/report.js';
import type { TelemetryRow } from '../../src/store/row.js';

const defaults = { dir: '/var/lib/pct/telemetry', host: 'box' };
const parse = (...argv: string[]) => parseCollectorArgs(argv, defaults, '/work');

describe('parseCollectorArgs', () => {
  it('takes the interval, an optional duration, and defaults dir and host from the configuration', () => {
    expect(parse('--interval', '0.5')).toEqual({ help: false, intervalS: 0.5, durationS: undefined, dir: defaults.dir, host: 'box' });
    expect(parse('--interval=5', '--duration', '604800', '--dir', 'data', '--host', 'lab-7.local')).toEqual({
      help: false, intervalS: 5, durationS: 604_800, dir: '/work/data', host: 'lab-7.local',
    });
    expect(parse('--interval', '0.2').help).toBe(false);
    expect(parse('--interval', '3600').help).toBe(false);
    expect(parse('-h')).toEqual({ help: true });
  });

  it.each([
    [[], /--interval is required/],
    [['--interval'], /interval/],
    [['--interval', 'fast'], /--interval must be a number of seconds, 0\.2 to 3600; got "fast"/],
    [['--interval', '0.19'], /--interval/],
    [['--interval', '3600.5'], /--interval/],
    [['--interval', '-1'], /interval/],
    [['--interval', '1e3'], /--interval/],
    [['--interval', 'Infinity'], /--interval/],
    [['--interval', '1', '--duration', '0'], /--duration must be a number of seconds, more than 0 and at most 604800/],
    [['--interval', '1', '--duration', '604801'], /--duration/],
    [['--interval', '1', '--host', '../etc'], /--host must be/],
    [['--interval', '1', '--host', '04-12-2026'], /--host must be/],
    [['--interval', '1', '--dir', ''], /--dir must not be empty/],
    [['--interval', '1', '--verbose'], /verbose/],
    [['--interval', '1', 'extra'], /extra/],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(message);
  });
});

describe('collector output', () => {
  const row = (network_adapter: string, up: number | null, down: number | null): TelemetryRow => ({
    time: '2026-12-04T20:15:00.123+04:00', cpu_usage: 12.3, ram_free: 45, network_adapter, net_usage_up: up, net_usage_down: down, host: 'h', elapsed_s: 1,
  });

  it('names the busiest interface by bytes moved', () => {
    expect(formatSampleLine([row('lo', 10, 10), row('eth0', 1024, 5 * 1024 * 1024), row('wlan0', null, null)])).toBe(
      '2026-12-04T20:15:00.123+04:00  cpu 12.3%  ram free 45.0%  eth0 up 1.0 KB/s down 5.0 MB/s',
    );
    expect(formatSampleLine([row('eth0', null, null)])).toContain('eth0 up - down -');
    expect(formatRate(999)).toBe('999 B/s');
  });

  it('summarises samples, rows, times and files', () => {
    const text = formatSummary({ samples: 2, rows: 8, first_time: 'a', last_time: 'b', stopped: true }, ['/x/2026-12-04.csv']);
    expect(text).toBe('stopped: 2 samples, 8 rows\nfrom a to b\nfile: /x/2026-12-04.csv');
  });
});
