/** Builds /proc text in the kernel's own formats, so parser tests read what a real machine shows. */

/** /proc/stat with the aggregate line built from the given ticks, plus per-cpu and other lines. */
export function statText(t: {
  user: number; nice?: number; system: number; idle: number; iowait?: number;
  irq?: number; softirq?: number; steal?: number; guest?: number;
}): string {
  const f = [t.user, t.nice ?? 0, t.system, t.idle, t.iowait ?? 0, t.irq ?? 0, t.softirq ?? 0, t.steal ?? 0, t.guest ?? 0, 0];
  const half = f.map((n) => Math.floor(n / 2));
  return [
    `cpu  ${f.join(' ')}`,
    `cpu0 ${half.join(' ')}`,
    `cpu1 ${half.join(' ')}`,
    'intr 494135 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0',
    'ctxt 1246418',
    'btime 1796402481',
    'processes 10196',
    'procs_running 3',
    'procs_blocked 0',
    'softirq 226164 0 25091 6 8688 81887 0 3 61279 0 49210',
    '',
  ].join('\n');
}

/** /proc/meminfo with the given total and available (kB); `available: null` leaves the line out, as kernels before 3.14 do. */
export function meminfoText(totalKb: number, availableKb: number | null, extra = { free: 1000, buffers: 200, cached: 300 }): string {
  const line = (name: string, kb: number) => `${`${name}:`.padEnd(16)}${String(kb).padStart(8)} kB`;
  return [
    line('MemTotal', totalKb),
    line('MemFree', extra.free),
    ...(availableKb === null ? [] : [line('MemAvailable', availableKb)]),
    line('Buffers', extra.buffers),
    line('Cached', extra.cached),
    line('SwapCached', 0),
    line('Active', 315204),
    '',
  ].join('\n');
}

/** /proc/net/dev for the given interfaces, in the kernel's printf layout (name right-aligned in 6). */
export function netDevText(ifaces: readonly (readonly [name: string, rx: number, tx: number])[]): string {
  const head = [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  ];
  const rows = ifaces.map(
    ([name, rx, tx]) =>
      `${name.padStart(6)}:${String(rx).padStart(8)} ${'591'.padStart(7)}    0    0    0     0          0         0 ` +
      `${String(tx).padStart(8)} ${'433'.padStart(7)}    0    0    0     0       0          0`,
  );
  return [...head, ...rows, ''].join('\n');
}
