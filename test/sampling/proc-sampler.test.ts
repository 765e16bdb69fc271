import { describe, expect, it } from 'vitest';
import { ProcSampler, type ProcSnapshot } from '../../src/sampling/proc-sampler.js';
import { cpuBusyPercent, interfaceRates } from '../../src/sampling/rates.js';
import type { Sample } from '../../src/sampling/types.js';
import { meminfoText, netDevText, statText } from './proc-text.js';

type Iface = readonly [name: string, rx: number, tx: number];

/**
 * Drives a real ProcSampler through a recorded sequence of /proc texts, one per tick, with the
 * monotonic clock at the given seconds.
 */
function drive(ticks: { atS: number; busy?: number; idle?: number; availKb?: number; ifaces: Iface[] }[], intervalMs?: number) {
  let i = 0;
  let nowMs = 0;
  const snapshot = (): ProcSnapshot => {
    const t = ticks[i]!;
    return {
      stat: statText({ user: t.busy ?? 1000 + i, system: 0, idle: t.idle ?? 1000 + i }),
      meminfo: meminfoText(1_000_000, t.availKb ?? 500_000),
      netdev: netDevText(t.ifaces),
    };
  };
  const sampler = new ProcSampler({ read: snapshot, monotonicMs: () => nowMs, intervalMs });
  const out: (Sample | null)[] = [];
  for (i = 0; i < ticks.length; i++) {
    nowMs = ticks[i]!.atS * 1000;
    out.push(sampler.sample(1_800_000_000_000 + i));
  }
  return out;
}

const rates = (s: Sample | null) => Object.fromEntries((s?.interfaces ?? []).map((r) => [r.name, [r.up, r.down]]));

describe('ProcSampler rate maths', () => {
  it('primes on the first call, then gives counter deltas over real elapsed seconds', () => {
    const [first, second] = drive([
      { atS: 0, busy: 1000, idle: 3000, ifaces: [['lo', 100, 100], ['eth0', 1_000_000, 5_000]] },
      { atS: 2.5, busy: 1250, idle: 3750, availKb: 123_456, ifaces: [['lo', 100, 100], ['eth0', 3_500_000, 5_004]] },
    ]);
    expect(first).toBeNull();
    expect(second).toEqual({
      time: 1_800_000_000_001,
      cpu: 25,
      ramFree: 12.3,
      elapsedS: 2.5,
      interfaces: [
        { name: 'lo', up: 0, down: 0 },
        { name: 'eth0', up: 2, down: 1_000_000 }, // 4 B / 2.5 s = 1.6 → 2; rx is "down", tx is "up"
      ],
    });
  });

  it('gives null for an interface whose counter went backwards, then resumes from the new value', () => {
    const out = drive([
      { atS: 0, ifaces: [['lo', 0, 0], ['eth0', 9_000_000, 9_000_000]] },
      { atS: 1, ifaces: [['lo', 10, 10], ['eth0', 9_001_000, 9_002_000]] },
      { atS: 2, ifaces: [['lo', 20, 20], ['eth0', 400, 9_003_000]] }, // rx reset (re-created, wrapped)
      { atS: 3, ifaces: [['lo', 30, 30], ['eth0', 1_400, 9_004_000]] },
    ]);
    expect(out.slice(1).map(rates)).toEqual([
      { lo: [10, 10], eth0: [2_000, 1_000] },
      { lo: [10, 10], eth0: [null, null] },
      { lo: [10, 10], eth0: [1_000, 1_000] },
    ]);
    for (const s of out.slice(1)) for (const r of s!.interfaces) {
      if (r.up !== null) expect(r.up).toBeGreaterThanOrEqual(0);
      if (r.down !== null) expect(r.down).toBeGreaterThanOrEqual(0);
    }
  });

  it('drops an interface that disappears and primes one that appears (null on its first tick)', () => {
    const out = drive([
      { atS: 0, ifaces: [['lo', 0, 0], ['wlan0', 100, 100]] },
      { atS: 1, ifaces: [['lo', 5, 5], ['wlan0', 200, 300]] },
      { atS: 2, ifaces: [['lo', 10, 10], ['docker0', 50, 60]] }, // wlan0 gone, docker0 new
      { atS: 3, ifaces: [['lo', 15, 15], ['docker0', 150, 160], ['wlan0', 0, 0]] }, // wlan0 back, counters restarted
      { atS: 4, ifaces: [['lo', 20, 20], ['docker0', 250, 260], ['wlan0', 70, 80]] },
    ]);
    expect(out.slice(1).map(rates)).toEqual([
      { lo: [5, 5], wlan0: [200, 100] },
      { lo: [5, 5], docker0: [null, null] },
      { lo: [5, 5], docker0: [100, 100], wlan0: [null, null] },
      { lo: [5, 5], docker0: [100, 100], wlan0: [80, 70] },
    ]);
  });

  it('leaves network rates null across a gap (suspend) while still averaging cpu', () => {
    const out = drive(
      [
        { atS: 0, busy: 0, idle: 0, ifaces: [['eth0', 0, 0]] },
        { atS: 1, busy: 50, idle: 50, ifaces: [['eth0', 1_000, 1_000]] },
        { atS: 31, busy: 650, idle: 2450, ifaces: [['eth0', 9_000_000, 9_000_000]] }, // 30 s asleep
        { atS: 32, busy: 700, idle: 2500, ifaces: [['eth0', 9_001_000, 9_002_000]] },
      ],
      1000,
    );
    expect(out.slice(1).map((s) => [s!.cpu, s!.elapsedS, rates(s).eth0])).toEqual([
      [50, 1, [1_000, 1_000]],
      [20, 30, [null, null]],
      [50, 1, [2_000, 1_000]],
    ]);
  });

  it('counts one skipped tick (2 intervals) as no gap, three (beyond 2.5) as a gap', () => {
    const ifaces = (n: number): Iface[] => [['eth0', n, n]];
    const out = drive(
      [
        { atS: 0, ifaces: ifaces(0) },
        { atS: 1, ifaces: ifaces(1_000) },
        { atS: 3, ifaces: ifaces(3_000) },
        { atS: 6, ifaces: ifaces(6_000) },
      ],
      1000,
    );
    expect(out.slice(1).map((s) => rates(s).eth0)).toEqual([[1_000, 1_000], [1_000, 1_000], [null, null]]);
  });
});

describe('rate helpers', () => {
  it('cpu: rounds to 0.1, holds to 0..100, null when no time passed or counters reset', () => {
    expect(cpuBusyPercent({ busy: 0, total: 0 }, { busy: 1, total: 3 })).toBe(33.3);
    expect(cpuBusyPercent({ busy: 10, total: 100 }, { busy: 5, total: 200 })).toBe(0);
    expect(cpuBusyPercent({ busy: 10, total: 100 }, { busy: 10, total: 100 })).toBeNull();
    expect(cpuBusyPercent({ busy: 10, total: 100 }, { busy: 1, total: 50 })).toBeNull();
  });

  it('network: null for a non-positive elapsed time', () => {
    const prev = new Map([['eth0', { name: 'eth0', rx: 0, tx: 0 }]]);
    expect(interfaceRates(prev, [{ name: 'eth0', rx: 5, tx: 5 }], 0, false)).toEqual([{ name: 'eth0', up: null, down: null }]);
  });
});

describe.runIf(process.platform === 'linux')('ProcSampler on this machine', () => {
  it('measures the real /proc files', async () => {
    const sampler = new ProcSampler({ intervalMs: 100 });
    expect(sampler.sample()).toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    const sample = sampler.sample()!;
    expect(sample.elapsedS).toBeGreaterThan(0.05);
    expect(sample.ramFree).toBeGreaterThan(0);
    expect(sample.interfaces.find((i) => i.name === 'lo')?.up).toBeGreaterThanOrEqual(0);
  });
});
