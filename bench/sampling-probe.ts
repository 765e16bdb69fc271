/**
 * Child process of bench/sampling.ts: takes samples one way, then prints its own CPU cost as JSON.
 *
 *   node --import tsx bench/sampling-probe.ts <noop|bare|sampler|si> <rounds> <samples-per-round> <spacing-ms> <warm-up-samples> <clock-tick>
 *
 * The first samples (priming, systeminformation's one-off setup, the JIT and the post-start-up GCs
 * of Node and tsx, which settle within about 10 s) are left out of the figures, so they are the
 * steady cost per sample of a long-running collector. The samples are measured in rounds, each
 * reported apart, because on a shared virtual machine interference only ever adds CPU time: the
 * caller takes the median and the minimum of the rounds. CPU is this process's (process.cpuUsage, µs) plus that of
 * the child processes it started and reaped (cutime + cstime from /proc/self/stat, clock ticks).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const [kind = 'sampler', roundsText = '5', samplesText = '12', spacingText = '1000', warmUpText = '15', clockTickText = '100'] =
  process.argv.slice(2);
const rounds = Number(roundsText);
const samples = Number(samplesText);
const warmUpSamples = Number(warmUpText);
const spacingMs = Number(spacingText);
const clockTick = Number(clockTickText);

// Count the processes systeminformation starts: it captures child_process functions when it loads,
// so they are wrapped before it is imported.
const childProcess = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
let spawned = 0;
// Every asynchronous child (exec, execFile, spawn) goes through the internal ChildProcess#spawn.
const prototype = childProcess.ChildProcess.prototype as unknown as { spawn: (...a: unknown[]) => unknown };
const asyncSpawn = prototype.spawn;
prototype.spawn = function (this: unknown, ...args: unknown[]) {
  spawned += 1;
  return asyncSpawn.apply(this, args);
};
for (const name of ['execSync', 'execFileSync', 'spawnSync'] as const) {
  const original = childProcess[name] as (...a: unknown[]) => unknown;
  (childProcess as Record<string, unknown>)[name] = (...args: unknown[]) => {
    spawned += 1;
    return original(...args);
  };
}

/** Reaped children's CPU in ms, from /proc/self/stat fields 16 and 17. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTick;
}

async function makeTake(): Promise<() => unknown> {
  // The floor: what waking a Node process once a second costs with no work at all.
  if (kind === 'noop') return () => undefined;
  if (kind === 'bare') {
    return () => [readFileSync('/proc/stat', 'latin1'), readFileSync('/proc/meminfo', 'latin1'), readFileSync('/proc/net/dev', 'latin1')];
  }
  if (kind === 'si') {
    const { createSystemInformationSampler } = await import('../src/sampling/si-sampler.js');
    const sampler = await createSystemInformationSampler({ intervalMs: spacingMs || 1000 });
    return () => sampler.sample();
  }
  const { ProcSampler } = await import('../src/sampling/proc-sampler.js');
  const sampler = new ProcSampler({ intervalMs: spacingMs || 1000 });
  return () => sampler.sample();
}

/** Takes `count` samples `spacingMs` apart on an absolute schedule (back to back when 0). */
async function takeSamples(take: () => unknown, count: number): Promise<void> {
  const start = performance.now();
  for (let k = 1; k <= count; k++) {
    if (spacingMs > 0) {
      const wait = start + k * spacingMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await take();
  }
}

const take = await makeTake();
await take(); // priming
await takeSamples(take, warmUpSamples);
const results = [];
for (let round = 0; round < rounds; round++) {
  const spawnedBefore = spawned;
  const cpuBefore = process.cpuUsage();
  const childrenBefore = childrenCpuMs();
  await takeSamples(take, samples);
  const cpu = process.cpuUsage(cpuBefore);
  const selfMs = (cpu.user + cpu.system) / 1000;
  const childrenMs = childrenCpuMs() - childrenBefore;
  results.push({ selfMs, childrenMs, cpuMsPerSample: (selfMs + childrenMs) / samples, childProcessesPerSample: (spawned - spawnedBefore) / samples });
}
process.stdout.write(`${JSON.stringify({ kind, rounds: results })}\n`);
