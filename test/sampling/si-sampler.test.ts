import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSystemInformationSampler } from '../../src/sampling/si-sampler.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('systeminformation sampler (the fallback off Linux)', () => {
  it('primes, then gives the same shape as the /proc sampler', async () => {
    const sampler = await createSystemInformationSampler({ intervalMs: 300 });
    expect(await sampler.sample()).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    const sample = (await sampler.sample(1_800_000_000_000))!;
    expect(sample.time).toBe(1_800_000_000_000);
    expect(sample.cpu).toBeGreaterThanOrEqual(0);
    expect(sample.cpu).toBeLessThanOrEqual(100);
    expect(sample.ramFree).toBeGreaterThan(0);
    expect(sample.elapsedS).toBeGreaterThan(0.2);
    expect(sample.interfaces.length).toBeGreaterThan(0);
    for (const { up, down } of sample.interfaces) {
      for (const rate of [up, down]) if (rate !== null) expect(Number.isInteger(rate) && rate >= 0).toBe(true);
    }
  });

  it.runIf(process.platform === 'linux')('is never loaded on Linux, where createSampler reads /proc', () => {
    const script = `
      import { createRequire } from 'node:module';
      import { createSampler } from './src/sampling/sampler.ts';
      const sampler = await createSampler();
      sampler.sample();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('systeminformation'));
      console.log(JSON.stringify({ kind: sampler.constructor.name, loaded: loaded.length }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ kind: 'ProcSampler', loaded: 0 });
  });
});
