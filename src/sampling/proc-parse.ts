/**
 * Pure parsers for the three Linux kernel files the sampler reads: text in, numbers out.
 * Kept free of I/O so tests can feed them real-format text with resets and vanishing interfaces.
 */

/** Cumulative CPU time of all cores, in clock ticks since boot. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/** Cumulative byte counters of one network interface. */
export interface NetCounters {
  name: string;
  /** Bytes received (the sampler's "down"). */
  rx: number;
  /** Bytes sent (the sampler's "up"). */
  tx: number;
}

/** The first line of `text` that starts with `prefix`, without its line end; null when none does. */
function lineStartingWith(text: string, prefix: string): string | null {
  let at = 0;
  if (!text.startsWith(prefix)) {
    const found = text.indexOf(`\n${prefix}`);
    if (found === -1) return null;
    at = found + 1;
  }
  const end = text.indexOf('\n', at);
  return text.slice(at, end === -1 ? undefined : end);
}

/**
 * The aggregate `cpu` line of /proc/stat: total = user+nice+system+idle+iowait+irq+softirq+steal
 * (guest time is already inside user and nice, so it is not added again); busy = total - idle - iowait,
 * as top and psutil count it. Null when the line is missing or malformed.
 */
export function parseProcStat(text: string): CpuTimes | null {
  const line = lineStartingWith(text, 'cpu ');
  if (line === null) return null;
  const fields = line
    .slice(4)
    .trim()
    .split(/\s+/)
    .slice(0, 8)
    .map(Number);
  if (fields.length < 4 || fields.some((n) => !Number.isFinite(n) || n < 0)) return null;
  const total = fields.reduce((sum, n) => sum + n, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** A `Name:  <number> kB` field of /proc/meminfo, in kB; null when absent. */
function meminfoField(text: string, name: string): number | null {
  const line = lineStartingWith(text, `${name}:`);
  const match = line === null ? null : /^\S+:\s*(\d+)/.exec(line);
  return match ? Number(match[1]) : null;
}

/**
 * Free memory as the old tool (psutil) defined it: MemAvailable / MemTotal × 100, unrounded.
 * Kernels before 3.14 have no MemAvailable; MemFree + Buffers + Cached approximates it there.
 * Null when the text has no usable total.
 */
export function parseMemInfo(text: string): number | null {
  const total = meminfoField(text, 'MemTotal');
  if (total === null || total <= 0) return null;
  let available = meminfoField(text, 'MemAvailable');
  if (available === null) {
    const free = meminfoField(text, 'MemFree');
    if (free === null) return null;
    available = free + (meminfoField(text, 'Buffers') ?? 0) + (meminfoField(text, 'Cached') ?? 0);
  }
  return Math.min(100, Math.max(0, (available / total) * 100));
}

/**
 * Every interface of /proc/net/dev, in the kernel's order, with its receive (field 1) and transmit
 * (field 9) byte counters. Interface names cannot contain ':' or spaces, so the first ':' ends the
 * name even when a large counter touches it (`eth0:225634728`). Malformed lines are left out.
 */
export function parseNetDev(text: string): NetCounters[] {
  const result: NetCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === '' || /\s|\|/.test(name)) continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/);
    if (fields.length < 16) continue;
    const rx = Number(fields[0]);
    const tx = Number(fields[8]);
    if (!Number.isFinite(rx) || !Number.isFinite(tx) || rx < 0 || tx < 0) continue;
    result.push({ name, rx, tx });
  }
  return result;
}
