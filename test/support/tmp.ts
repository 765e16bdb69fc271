import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh empty folder under the OS temp dir; remove it with `removeTempDir`. */
export async function makeTempDir(topic: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `pct-${topic}-`));
}

export async function removeTempDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}
