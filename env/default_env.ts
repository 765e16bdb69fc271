/**
 * The service's configuration: every setting, its default, and its validation, in one place.
 *
 * This is the only module that reads `process.env`. Entry points call `loadConfigOrExit()` once;
 * everything else receives the resulting frozen `Config` as a parameter, which is also how tests
 * run several differently configured instances side by side.
 */
import os from 'node:os';
import path from 'node:path';

export interface Config {
  /** Verbose logging, as DEBUG_MODE in the old tool. */
  readonly debugMode: boolean;
  /** Running inside a container: collecting from the API is refused (the host collector does it). */
  readonly dockerMode: boolean;
  readonly apiHost: string;
  readonly apiPort: number;
  readonly redisUrl: string;
  /** True when REDIS_URL was given explicitly, so the service must never start a Redis of its own. */
  readonly redisUrlExplicit: boolean;
  /** BullMQ key prefix; lets several deployments and test runs share one Redis. */
  readonly queuePrefix: string;
  /** Absolute path of the CSV store. */
  readonly telemetryDir: string;
  /** Absolute path where exports are built and kept until they expire. */
  readonly tmpDir: string;
  /** IANA zone for day-file names and for times given without an offset. */
  readonly telemetryTz: string;
  /** The host a collection on this machine is filed under. */
  readonly hostName: string;
  /** Seconds between two cleanup runs. */
  readonly clearTempFolderTimeoutS: number;
  /** Seconds a finished export (and any finished job) stays readable. */
  readonly exportTtlS: number;
  /** Largest number of rows `GET /telemetry` answers inline; more is an export's job. */
  readonly queryMaxRows: number;
  /**
   * Seconds a running job's lock lasts unless its worker renews it (it does every half of it):
   * a job whose worker died is handed to another worker within about twice this.
   */
  readonly jobLockS: number;
  /** Where a Redis started by `npm start` keeps its data. */
  readonly redisDataDir: string;
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Thrown by `loadConfig` with every problem found, not just the first. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Host names become folder names in the store, so they are held to a safe alphabet, and may not
 * look like the old tool's day folders (DD-MM-YYYY), which share the store's top level.
 */
export const HOST_NAME_PATTERN = /^(?!\d{2}-\d{2}-\d{4}$)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `zone` is an IANA time zone this Node knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: EnvSource) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string, check?: (v: string) => string | undefined): string {
    const value = this.raw(name) ?? fallback;
    const problem = check?.(value);
    if (problem) this.problems.push(`${name}=${JSON.stringify(value)}: ${problem}`);
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lower)) return true;
    if (['false', '0', 'no', 'off'].includes(lower)) return false;
    this.problems.push(`${name}=${JSON.stringify(value)}: expected true or false`);
    return fallback;
  }

  number(name: string, fallback: number, min: number, max: number, integer = false): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min || parsed > max) {
      const kind = integer ? 'an integer' : 'a number';
      this.problems.push(`${name}=${JSON.stringify(value)}: expected ${kind} from ${min} to ${max}`);
      return fallback;
    }
    return parsed;
  }
}

/**
 * Reads and validates the configuration from the environment, with `overrides` on top.
 * Throws `ConfigError` listing every bad variable.
 */
export function loadConfig(overrides: EnvSource = {}, cwd = process.cwd()): Config {
  const env = new EnvReader({ ...process.env, ...overrides });
  const dir = (name: string, fallback: string) => path.resolve(cwd, env.string(name, fallback));

  const redisUrl = env.string('REDIS_URL', 'redis://127.0.0.1:6379', (v) =>
    /^rediss?:\/\/[^\s]+$/.test(v) ? undefined : 'expected redis://host:port[/db] or rediss://…',
  );
  const config: Config = {
    debugMode: env.boolean('DEBUG_MODE', false),
    dockerMode: env.boolean('DOCKER_MODE', false),
    apiHost: env.string('API_HOST', '127.0.0.1'),
    apiPort: env.number('API_PORT', 5555, 0, 65535, true),
    redisUrl,
    redisUrlExplicit: env.raw('REDIS_URL') !== undefined,
    queuePrefix: env.string('QUEUE_PREFIX', 'pct', (v) =>
      /^[A-Za-z0-9_.-]{1,64}$/.test(v) ? undefined : 'expected 1 to 64 of A-Z a-z 0-9 _ . -',
    ),
    telemetryDir: dir('TELEMETRY_DIR', './telemetry'),
    tmpDir: dir('TMP_DIR', './tmp'),
    telemetryTz: env.string('TELEMETRY_TZ', 'Europe/Samara', (v) =>
      isValidTimeZone(v) ? undefined : 'not an IANA time zone (for example Europe/Samara or UTC)',
    ),
    hostName: env.string('HOST_NAME', os.hostname(), (v) =>
      HOST_NAME_PATTERN.test(v) ? undefined : 'expected letters, digits, dot, dash or underscore (at most 128), not shaped like a DD-MM-YYYY day folder',
    ),
    clearTempFolderTimeoutS: env.number('CLEAR_TEMP_FOLDER_TIMEOUT', 15, 1, 86_400),
    exportTtlS: env.number('EXPORT_TTL_S', 3600, 1, 30 * 86_400),
    queryMaxRows: env.number('QUERY_MAX_ROWS', 100_000, 1, 10_000_000, true),
    jobLockS: env.number('JOB_LOCK_S', 60, 1, 3600),
    redisDataDir: dir('REDIS_DATA_DIR', './.redis'),
  };
  if (env.problems.length > 0) throw new ConfigError(env.problems);
  return Object.freeze(config);
}

/** For entry points: the configuration, or exit code 1 after printing every problem. */
export function loadConfigOrExit(overrides: EnvSource = {}): Config {
  try {
    return loadConfig(overrides);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
