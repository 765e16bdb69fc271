/**
 * One row of the store: one network interface of one sample.
 *
 * The first six columns are the old tool's, in its order and meaning, so its consumers keep
 * working; the columns after them are new.
 */
export interface TelemetryRow {
  /** ISO 8601 with milliseconds and UTC offset, e.g. 2026-12-04T20:15:00.000+04:00. */
  time: string;
  /** CPU busy percent of the whole machine over the last interval (0 to 100). */
  cpu_usage: number | null;
  /** Available memory as a percent of total (0 to 100). */
  ram_free: number | null;
  network_adapter: string;
  /** Bytes per second sent; null after a counter reset, a gap, or on the priming sample. */
  net_usage_up: number | null;
  /** Bytes per second received; null as for net_usage_up. */
  net_usage_down: number | null;
  /** The host the sample was taken on. */
  host: string;
  /** Real seconds since the previous sample (null on the first one). */
  elapsed_s: number | null;
}

/** The old tool's columns, in its order. */
export const LEGACY_COLUMNS = [
  'time',
  'cpu_usage',
  'ram_free',
  'network_adapter',
  'net_usage_up',
  'net_usage_down',
] as const;

/** The store's header: the old columns first, then the new ones. */
export const STORE_COLUMNS = [...LEGACY_COLUMNS, 'host', 'elapsed_s'] as const satisfies readonly (keyof TelemetryRow)[];
