/** The host collector's command line: parsing, limits and the usage text. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_DURATION_S, MAX_INTERVAL_S, MIN_INTERVAL_S } from '../sampling/limits.js';
import { isStoreHostName } from '../store/paths.js';


export interface CollectorArgs {
  intervalS: number;
  /** None: until Ctrl-C or SIGTERM. */
  durationS?: number;
  /** Absolute store folder. */
  dir: string;
  host: string;
}

/** What `--help` asked for, or the arguments to run with. */
export type ParsedCollectorArgs = { help: true } | ({ help: false } & CollectorArgs);

/** Bad command line: the message names the flag; the caller prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The usage text, with the defaults this run would use. */
export function usage(defaults: { dir: string; host: string }): string {
  return [
    'Usage: npm run collector -- --interval <s> [--duration <s>] [--dir <path>] [--host <name>]',
    '',
    'Samples CPU, free RAM and every network interface into the store until the duration ends',
    'or Ctrl-C / SIGTERM, which stop it after writing what it sampled.',
    '',
    `  --interval <s>   seconds between samples, ${MIN_INTERVAL_S} to ${MAX_INTERVAL_S} (required)`,
    `  --duration <s>   seconds to collect, up to ${MAX_DURATION_S} (7 days); default: until stopped`,
    `  --dir <path>     store folder (default TELEMETRY_DIR: ${defaults.dir})`,
    `  --host <name>    host the rows are filed under (default HOST_NAME: ${defaults.host})`,
    '  --help           show this text',
  ].join('\n');
}

/** A plain decimal number of seconds within [min, max]; anything else is a UsageError naming the flag. */
function seconds(flag: string, text: string, min: number, max: number, minIncluded: boolean): number {
  const value = /^(\d+(\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text) : Number.NaN;
  const aboveMin = minIncluded ? value >= min : value > min;
  if (!Number.isFinite(value) || !aboveMin || value > max) {
    const range = minIncluded ? `${min} to ${max}` : `more than ${min} and at most ${max}`;
    throw new UsageError(`--${flag} must be a number of seconds, ${range}; got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Parses the collector's flags, with `defaults` for --dir and --host (from the configuration). */
export function parseCollectorArgs(argv: readonly string[], defaults: { dir: string; host: string }, cwd = process.cwd()): ParsedCollectorArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        interval: { type: 'string' },
        duration: { type: 'string' },
        dir: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  if (values.interval === undefined) throw new UsageError('--interval is required');

  const intervalS = seconds('interval', values.interval, MIN_INTERVAL_S, MAX_INTERVAL_S, true);
  const durationS = values.duration === undefined ? undefined : seconds('duration', values.duration, 0, MAX_DURATION_S, false);
  const host = values.host ?? defaults.host;
  // HOST_NAME_PATTERN, and not shaped like an old-layout day folder (DD-MM-YYYY) the reader would mistake it for.
  if (!isStoreHostName(host)) {
    throw new UsageError(
      `--host must be letters, digits, dot, dash or underscore (at most 128, starting with a letter or digit, not a DD-MM-YYYY date); got ${JSON.stringify(host)}`,
    );
  }
  if (values.dir !== undefined && values.dir.trim() === '') throw new UsageError('--dir must not be empty');
  const dir = path.resolve(cwd, values.dir ?? defaults.dir);
  return { help: false, intervalS, durationS, dir, host };
}
