/**
 * `GET /telemetry`: a window's rows straight from the store, bounded by QUERY_MAX_ROWS so one
 * request can never hold an unbounded window in memory (that is what exports are for).
 */
import type { Config } from '../../../env/default_env.js';
import { TooLargeError } from '../../errors.js';
import { formatRowLine, STORE_HEADER } from '../../store/csv-line.js';
import { readWindowBatches, type ReadStats } from '../../store/reader.js';
import type { TelemetryRow } from '../../store/row.js';
import { formatInstant } from '../../store/time.js';
import type { components } from '../openapi-types.js';
import { parseWindow, type WindowInput } from './window.js';

export type TelemetryPage = components['schemas']['TelemetryPage'];

export interface TelemetryQuery extends WindowInput {
  host?: string | undefined;
  interfaces?: string[] | undefined;
}

/** The window's rows in time order; TooLargeError (413) past `config.queryMaxRows`, pointing to exports. */
export async function queryTelemetry(config: Config, query: TelemetryQuery): Promise<TelemetryPage> {
  const window = parseWindow(config, query);
  const stats: ReadStats = { files: 0, rows: 0, skipped: 0 };
  let rows: TelemetryRow[] = [];
  const batches = readWindowBatches({
    dir: config.telemetryDir,
    tz: config.telemetryTz,
    start: window.start,
    end: window.end,
    host: query.host,
    interfaces: query.interfaces,
    legacyHost: config.hostName,
    stats,
  });
  for await (const batch of batches) {
    if (rows.length + batch.length > config.queryMaxRows) {
      throw new TooLargeError(
        `The window holds more than ${config.queryMaxRows} rows (QUERY_MAX_ROWS); ` +
          'narrow it, or export it with POST /api/v1/exports and download the zip',
      );
    }
    rows = rows.length === 0 ? batch : rows.concat(batch);
  }
  return {
    start_time: formatInstant(window.start, config.telemetryTz),
    end_time: formatInstant(window.end, config.telemetryTz),
    count: rows.length,
    skipped: stats.skipped,
    rows,
  };
}

/** The rows as CSV with the store's header and the store's own field formatting. */
export function telemetryCsv(rows: readonly TelemetryRow[]): string {
  return STORE_HEADER + '\n' + rows.map(formatRowLine).join('');
}
