import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { STORE_HEADER } from '../../src/store/csv-line.js';
import type { TelemetryRow } from '../../src/store/row.js';
import { createRowEncoder, csvHeader, rowRecord, stringifyRows } from '../../workers/export-csv.js';

const AWKWARD = ['eth0', 'vEthernet (WSL, "lab")', 'a"b', 'line\nbreak', 'cr\rhere', '=SUM(A1)', ' spaced ', '', 'Ethernet 2', 'Wi-Fi é'];
const NUMBERS = [null, 0, -0, 1, 12.5, 99.999, 1e21, 123_456_789, 0.1 + 0.2, -3];

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length] as T;
}

describe('export CSV encoding', () => {
  it('writes exactly what csv-stringify writes for the same records', () => {
    const rows: TelemetryRow[] = Array.from({ length: 5000 }, (_, i) => ({
      time: new Date(Date.UTC(2026, 11, 4) + i * 997).toISOString().replace('Z', '+00:00'),
      cpu_usage: pick(NUMBERS, i),
      ram_free: pick(NUMBERS, i * 3 + 1),
      network_adapter: pick(AWKWARD, i * 7),
      net_usage_up: pick(NUMBERS, i * 5 + 2),
      net_usage_down: pick(NUMBERS, i * 11 + 3),
      host: pick(['lab-01', 'host,with,commas', 'h"q'], i),
      elapsed_s: pick(NUMBERS, i * 13 + 4),
    }));
    const encode = createRowEncoder();
    const expected = stringify(rows.map(rowRecord));
    expect(encode(rows)).toBe(expected);
    // Twice: the memoised texts give the same bytes.
    expect(encode(rows.slice(0, 100))).toBe(stringify(rows.slice(0, 100).map(rowRecord)));
    expect(stringifyRows(rows)).toBe(expected);
  });

  it('writes the store header', () => {
    expect(csvHeader()).toBe(`${STORE_HEADER}\n`);
  });
});
