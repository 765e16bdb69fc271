/** Checks, before any sampling, that the collector will be able to write its day files. */
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Creates `<dir>/<host>` if needed and proves it writable by creating and removing a probe file
 * (a permission check alone says yes to root on a read-only mount). Throws an Error whose message
 * says which folder and why.
 */
export async function ensureWritableHostDir(dir: string, host: string): Promise<string> {
  const hostDir = path.join(dir, host);
  const probe = path.join(hostDir, `.write-check-${process.pid}`);
  try {
    await fs.mkdir(hostDir, { recursive: true });
    await fs.writeFile(probe, '');
    await fs.rm(probe, { force: true });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`cannot write to the store folder ${hostDir} (${reason}): choose another --dir or fix its permissions`);
  }
  return hostDir;
}
