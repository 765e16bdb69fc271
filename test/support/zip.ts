/** Reads the entries of a zip (a downloaded buffer or a file): names, sizes, SHA-256 and text of the uncompressed bytes. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import yauzl from 'yauzl';

export interface ZipEntryDigest {
  name: string;
  bytes: number;
  sha256: string;
  /** The entry's text, when asked for (`keepText`). */
  text?: string;
}

/** Every entry of the zip in `buffer`; rejects for a truncated or corrupt zip (yauzl checks CRCs and sizes). */
export function zipDigests(buffer: Buffer, keepText = false): Promise<ZipEntryDigest[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('not a zip'));
      const entries: ZipEntryDigest[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no entry stream'));
          const hash = createHash('sha256');
          const chunks: Buffer[] = [];
          let bytes = 0;
          stream.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            bytes += chunk.length;
            if (keepText) chunks.push(chunk);
          });
          stream.on('error', reject);
          stream.on('end', () => {
            const digest: ZipEntryDigest = { name: entry.fileName, bytes, sha256: hash.digest('hex') };
            if (keepText) digest.text = Buffer.concat(chunks).toString('utf8');
            entries.push(digest);
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

export interface ZipEntryText {
  name: string;
  text: string;
}

/** Every entry of the zip in `buffer`, as text (test zips are small). */
export async function zipTexts(buffer: Buffer): Promise<ZipEntryText[]> {
  const entries = await zipDigests(buffer, true);
  return entries.map((entry) => ({ name: entry.name, text: entry.text ?? '' }));
}

/** Every entry of the zip file at `file`, as text. */
export async function unzipEntries(file: string): Promise<ZipEntryText[]> {
  return zipTexts(await readFile(file));
}
