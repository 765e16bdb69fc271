/**
 * The Linux sampler: reads /proc/stat, /proc/meminfo and /proc/net/dev directly. Three small
 * synchronous reads of descriptors kept open and no child processes per tick, which is what keeps
 * a sample cheaper than sadc's.
 */
import { KernelFile } from './kernel-file.js';
import { parseMemInfo, parseNetDev, parseProcStat, type CpuTimes, type NetCounters } from './proc-parse.js';
import { countersByName, cpuBusyPercent, interfaceRates, roundTenth } from './rates.js';
import { GAP_FACTOR, type Sample, type Sampler, type SamplerOptions } from './types.js';

/** The raw text of the three kernel files at one moment. */
export interface ProcSnapshot {
  stat: string;
  meminfo: string;
  netdev: string;
}

/** Reads this machine's three kernel files through descriptors it keeps open until `close`. */
export class ProcFiles {
  private readonly stat = new KernelFile('/proc/stat');
  private readonly meminfo = new KernelFile('/proc/meminfo');
  private readonly netdev = new KernelFile('/proc/net/dev');

  /** The three texts as they are now. */
  read(): ProcSnapshot {
    return { stat: this.stat.read(), meminfo: this.meminfo.read(), netdev: this.netdev.read() };
  }

  close(): void {
    for (const file of [this.stat, this.meminfo, this.netdev]) file.close();
  }
}

export interface ProcSamplerOptions extends SamplerOptions {
  /** Where the text comes from; this machine's /proc by default, recorded text in tests. */
  read?: () => ProcSnapshot;
  /** Monotonic milliseconds for elapsed time; `performance.now` by default. */
  monotonicMs?: () => number;
}

/** Sampler over /proc text; the first `sample()` primes and returns null. */
export class ProcSampler implements Sampler {
  private readonly read: () => ProcSnapshot;
  private readonly files: ProcFiles | null;
  private readonly monotonicMs: () => number;
  private readonly gapMs: number;
  private primed = false;
  private lastAt = 0;
  private lastCpu: CpuTimes | null = null;
  private lastNet = new Map<string, NetCounters>();

  constructor(options: ProcSamplerOptions = {}) {
    this.files = options.read ? null : new ProcFiles();
    this.read = options.read ?? (() => this.files!.read());
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
    this.gapMs = options.intervalMs ? options.intervalMs * GAP_FACTOR : Infinity;
  }

  /** Closes the kernel files' descriptors. */
  close(): void {
    this.files?.close();
  }

  /** Reads the counters; the rates since the previous call, or null on the first (priming) call. */
  sample(now?: number): Sample | null {
    const time = now ?? Date.now();
    const at = this.monotonicMs();
    const text = this.read();
    const cpu = parseProcStat(text.stat);
    const ram = parseMemInfo(text.meminfo);
    const net = parseNetDev(text.netdev);

    const wasPrimed = this.primed;
    const elapsedMs = at - this.lastAt;
    const prevCpu = this.lastCpu;
    const prevNet = this.lastNet;
    this.primed = true;
    this.lastAt = at;
    this.lastCpu = cpu;
    this.lastNet = countersByName(net);
    if (!wasPrimed) return null;

    const elapsedS = elapsedMs / 1000;
    return {
      time,
      cpu: prevCpu && cpu ? cpuBusyPercent(prevCpu, cpu) : null,
      ramFree: ram === null ? null : roundTenth(ram),
      elapsedS,
      interfaces: interfaceRates(prevNet, net, elapsedS, elapsedMs > this.gapMs),
    };
  }
}
