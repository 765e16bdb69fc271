/**
 * The portable sampler, for platforms without /proc: the customer's systeminformation library
 * (currentLoad, mem, networkStats). It is loaded lazily, so a Linux collector never pays for it.
 * Network rates go through the same rate maths as on Linux (resets, gaps, new interfaces).
 */
import type { NetCounters } from './proc-parse.js';
import { countersByName, interfaceRates, roundTenth } from './rates.js';
import { GAP_FACTOR, type Sample, type Sampler, type SamplerOptions } from './types.js';

type SystemInformation = typeof import('systeminformation');

class SystemInformationSampler implements Sampler {
  private readonly gapMs: number;
  private primed = false;
  private lastAt = 0;
  private lastNet = new Map<string, NetCounters>();

  constructor(
    private readonly si: SystemInformation,
    options: SamplerOptions,
  ) {
    this.gapMs = options.intervalMs ? options.intervalMs * GAP_FACTOR : Infinity;
  }

  /** The three library calls at once; null on the first (priming) call. */
  async sample(now?: number): Promise<Sample | null> {
    const time = now ?? Date.now();
    const at = performance.now();
    // '*' asks for every interface; without it the library reports only the default one.
    const [load, mem, stats] = await Promise.all([this.si.currentLoad(), this.si.mem(), this.si.networkStats('*')]);
    const net: NetCounters[] = stats.map((s) => ({ name: s.iface, rx: s.rx_bytes, tx: s.tx_bytes }));

    const wasPrimed = this.primed;
    const elapsedMs = at - this.lastAt;
    const prevNet = this.lastNet;
    this.primed = true;
    this.lastAt = at;
    this.lastNet = countersByName(net);
    if (!wasPrimed) return null;

    const elapsedS = elapsedMs / 1000;
    const cpu = Number.isFinite(load.currentLoad) ? roundTenth(Math.min(100, Math.max(0, load.currentLoad))) : null;
    return {
      time,
      cpu,
      ramFree: mem.total > 0 ? roundTenth((mem.available / mem.total) * 100) : null,
      elapsedS,
      interfaces: interfaceRates(prevNet, net, elapsedS, elapsedMs > this.gapMs),
    };
  }
}

/** A sampler over systeminformation; imports the library on first use. */
export async function createSystemInformationSampler(options: SamplerOptions = {}): Promise<Sampler> {
  const loaded = await import('systeminformation');
  const si = ((loaded as { default?: SystemInformation }).default ?? loaded) as SystemInformation;
  return new SystemInformationSampler(si, options);
}
