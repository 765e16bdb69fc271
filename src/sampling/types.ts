/** What a sampler measures, and the interface both samplers (Linux /proc, systeminformation) implement. */

/** One network interface's throughput over the last interval, in whole bytes per second. */
export interface InterfaceRate {
  name: string;
  /** Bytes/s sent; null when the interface was first seen, its counter went backwards, or after a gap. */
  up: number | null;
  /** Bytes/s received; null as for `up`. */
  down: number | null;
}

/** One measurement of the whole machine over the interval since the previous one. */
export interface Sample {
  /** Wall-clock time of the read, epoch ms. */
  time: number;
  /** CPU busy percent of all cores together, rounded to 0.1; null when it cannot be computed. */
  cpu: number | null;
  /** Available memory as a percent of total, rounded to 0.1. */
  ramFree: number | null;
  /** Real seconds since the previous read, from a monotonic clock. */
  elapsedS: number | null;
  /** Every interface present at this read, in the kernel's order. */
  interfaces: InterfaceRate[];
}

/**
 * Takes samples; the first call only primes the counters and returns null.
 * The Linux sampler answers synchronously; the systeminformation one returns a promise,
 * so callers `await` the result.
 */
export interface Sampler {
  /** `now`: the wall-clock time to file the sample under (epoch ms; default the time of the read). */
  sample(now?: number): Sample | null | Promise<Sample | null>;
  /** Releases what the sampler holds open (the /proc sampler's file descriptors). */
  close?(): void;
}

export interface SamplerOptions {
  /**
   * The intended interval. When the real time since the previous read exceeds `GAP_FACTOR` times
   * this (the process or machine was suspended, a tick was skipped), network rates of that tick are
   * null: an average over the gap would hide the traffic's shape and look like a dip or a spike.
   * Unset: no gap detection.
   */
  intervalMs?: number;
}

/** Elapsed time beyond this many intervals counts as a gap. */
export const GAP_FACTOR = 2.5;
