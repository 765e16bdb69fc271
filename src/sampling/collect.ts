/**
 * The collect loop shared by the collection job and the host collector: sample on an absolute
 * schedule, write one row per interface per sample through the store writer, stop at the duration
 * or when asked, having written everything sampled.
 */
import type { TelemetryRow } from '../store/row.js';
import { formatInstant } from '../store/time.js';
import { StoreWriter } from '../store/writer.js';
import { createSampler } from './sampler.js';
import { runSchedule } from './schedule.js';
import type { Sample, Sampler } from './types.js';

export interface CollectResult {
  /** Samples written (the priming tick is not one). */
  samples: number;
  rows: number;
  first_time: string | null;
  last_time: string | null;
  /** True when stopped by the signal rather than by reaching the duration. */
  stopped: boolean;
}

export interface CollectOptions {
  intervalS: number;
  /** Seconds to collect; the last sample is the first one at or after it. None: until aborted. */
  durationS?: number;
  host: string;
  tz: string;
  dir: string;
  /** Abort = stop after writing what was sampled. */
  signal: AbortSignal;
  /** Called after each sample's rows are written. */
  onSample?: (rows: TelemetryRow[], totals: { samples: number; rows: number }) => void;
  /** The sampler to use; the platform's (`createSampler`) by default. */
  sampler?: Sampler;
}

/** One store row per interface of `sample`; rounds elapsed seconds to the millisecond. */
export function sampleToRows(sample: Sample, host: string, tz: string): TelemetryRow[] {
  const time = formatInstant(sample.time, tz);
  const elapsed = sample.elapsedS === null ? null : Math.round(sample.elapsedS * 1000) / 1000;
  return sample.interfaces.map((iface) => ({
    time,
    cpu_usage: sample.cpu,
    ram_free: sample.ramFree,
    network_adapter: iface.name,
    net_usage_up: iface.up,
    net_usage_down: iface.down,
    host,
    elapsed_s: elapsed,
  }));
}

/** Fails with a message naming the option when the interval or duration makes no sense. */
function checkTiming(intervalS: number, durationS: number | undefined): void {
  if (!Number.isFinite(intervalS) || intervalS <= 0) throw new RangeError(`intervalS must be a positive number of seconds, got ${intervalS}`);
  if (durationS !== undefined && (!Number.isFinite(durationS) || durationS <= 0)) {
    throw new RangeError(`durationS must be a positive number of seconds, got ${durationS}`);
  }
}

/**
 * Primes the sampler on tick 0, then writes one row per interface per tick until `durationS` is
 * covered or `signal` aborts. A tick in progress when the signal aborts is finished and written.
 * Rejects when the store cannot be written (the rows written before stay).
 */
export async function collect(opts: CollectOptions): Promise<CollectResult> {
  checkTiming(opts.intervalS, opts.durationS);
  const intervalMs = opts.intervalS * 1000;
  const durationMs = opts.durationS === undefined ? Infinity : opts.durationS * 1000;
  const writer = new StoreWriter({ dir: opts.dir, host: opts.host, tz: opts.tz });
  const sampler = opts.sampler ?? (await createSampler({ intervalMs }));
  const result: CollectResult = { samples: 0, rows: 0, first_time: null, last_time: null, stopped: true };

  // The schedule stops on the caller's abort or on reaching the duration; only the first counts as "stopped".
  const stop = new AbortController();
  const forwardAbort = () => stop.abort();
  opts.signal.addEventListener('abort', forwardAbort, { once: true });
  if (opts.signal.aborted) stop.abort();

  try {
    await runSchedule(
      intervalMs,
      async (k) => {
        const sample = await sampler.sample(Date.now());
        if (sample !== null) {
          const rows = sampleToRows(sample, opts.host, opts.tz);
          await writer.append(rows);
          result.samples += 1;
          result.rows += rows.length;
          if (rows[0]) {
            result.first_time ??= rows[0].time;
            result.last_time = rows[0].time;
          }
          opts.onSample?.(rows, { samples: result.samples, rows: result.rows });
        }
        // A tiny tolerance: k·interval can land a float rounding short of an exact duration.
        if (k * intervalMs >= durationMs - 1e-6 && !stop.signal.aborted) {
          result.stopped = false;
          stop.abort();
        }
      },
      stop.signal,
    );
  } finally {
    opts.signal.removeEventListener('abort', forwardAbort);
    if (!opts.sampler) sampler.close?.(); // a sampler passed in belongs to the caller
    await writer.close();
  }
  return result;
}
