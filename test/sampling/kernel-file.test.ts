import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KernelFile } from '../../src/sampling/kernel-file.js';
import { parseNetDev } from '../../src/sampling/proc-parse.js';
import { ProcFiles } from '../../src/sampling/proc-sampler.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('kernel-file');
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('KernelFile', () => {
  it('reads the whole current text each time through one descriptor, growing past its first buffer', () => {
    const file = path.join(dir, 'counters');
    writeFileSync(file, 'a'.repeat(10));
    const reader = new KernelFile(file);
    expect(reader.read()).toBe('a'.repeat(10));
    const long = 'x'.repeat(100_000);
    writeFileSync(file, long);
    expect(reader.read()).toBe(long);
    appendFileSync(file, 'yz');
    expect(reader.read()).toBe(`${long}yz`);
    reader.close();
    expect(reader.read()).toBe(`${long}yz`); // reopens after close
    reader.close();
  });

  it('throws for a file that does not exist', () => {
    expect(() => new KernelFile(path.join(dir, 'missing')).read()).toThrow(/ENOENT/);
  });

  it.runIf(process.platform === 'linux')('sees fresh /proc counters on every read of the same descriptor', async () => {
    const files = new ProcFiles();
    const first = files.read();
    await new Promise((r) => setTimeout(r, 50));
    const second = files.read();
    expect(second.stat.split('\n')[0]).not.toBe(first.stat.split('\n')[0]); // CPU ticks moved on
    const names = (text: string) => parseNetDev(text).map((i) => i.name);
    expect(names(second.netdev)).toEqual(names(readFileSync('/proc/net/dev', 'latin1')));
    expect(second.meminfo.startsWith('MemTotal:')).toBe(true);
    files.close();
  });
});
