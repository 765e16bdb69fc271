/**
 * Where exports live: `TMP_DIR/exports/<id>.zip`, written as `<id>.zip.part` and renamed when
 * complete, so a download never sees half a file. The id alone names the file (ids are checked
 * against JOB_ID_PATTERN, so no path can be smuggled in); the name users see comes from
 * `exportFileName`.
 */
import path from 'node:path';
import type { Config } from '../../env/default_env.js';
import { formatInstant } from '../store/time.js';

export const PART_SUFFIX = '.part';

/** The folder that holds exports (the cleanup job touches nothing else in TMP_DIR). */
export function exportsDir(config: Config): string {
  return path.join(config.tmpDir, 'exports');
}

/** The finished zip of export `id`. */
export function exportZipPath(config: Config, id: string): string {
  return path.join(exportsDir(config), `${id}.zip`);
}

/** The file export `id` writes while it runs. */
export function exportPartPath(config: Config, id: string): string {
  return exportZipPath(config, id) + PART_SUFFIX;
}

/** `2026-12-04T20:15:00.000+04:00` → `2026-12-04T201500+0400`: sortable, no ':' (Windows). */
function compactInstant(ms: number, tz: string): string {
  const iso = formatInstant(ms, tz);
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.exec(iso);
  if (!match) return iso.replace(/[^0-9A-Za-z+-]/g, '');
  const [, date, hh, mm, ss, offset] = match;
  return `${date}T${hh}${mm}${ss}${(offset as string).replace(':', '')}`;
}

/**
 * The name a user sees for an export, without extension: `telemetry_<host|all-hosts>_<start>_<end>`
 * in TELEMETRY_TZ, e.g. `telemetry_lab-01_2026-12-04T201500+0400_2026-12-05T201500+0400`.
 * Only letters, digits and `_ - . +` appear, so it is safe in a header and on any file system.
 */
export function exportBaseName(host: string | undefined, startMs: number, endMs: number, tz: string): string {
  const who = (host ?? 'all-hosts').replace(/[^A-Za-z0-9._-]/g, '_');
  return `telemetry_${who}_${compactInstant(startMs, tz)}_${compactInstant(endMs, tz)}`;
}
