/** Chooses the sampler for this platform. */
import { accessSync, constants } from 'node:fs';
import { ProcSampler } from './proc-sampler.js';
import { createSystemInformationSampler } from './si-sampler.js';
import type { Sampler, SamplerOptions } from './types.js';

export type { InterfaceRate, Sample, Sampler, SamplerOptions } from './types.js';

/** True when the three kernel files the /proc sampler reads are readable here. */
function procReadable(): boolean {
  try {
    for (const file of ['/proc/stat', '/proc/meminfo', '/proc/net/dev']) accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The /proc sampler on Linux (cheap, no child processes); systeminformation elsewhere.
 * The first `sample()` of either primes and returns null.
 */
export async function createSampler(options: SamplerOptions = {}): Promise<Sampler> {
  if (process.platform === 'linux' && procReadable()) return new ProcSampler(options);
  return createSystemInformationSampler(options);
}
