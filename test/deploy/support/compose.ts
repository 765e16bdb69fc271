/**
 * docker-compose.yml as Compose sees it with an empty shell environment: YAML merge keys resolved
 * and `${VAR:-default}` / `${VAR}` replaced by their defaults (or nothing).
 */
import fs from 'node:fs';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  ports?: string[];
  container_name?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  profiles?: string[];
  network_mode?: string;
  pid?: string;
  user?: string;
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

function interpolate(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (_, _name, fallback?: string) => fallback ?? '');
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  }
  return value;
}

/** Reads the compose file; environment values come back as strings, as containers get them. */
export function readCompose(file: string): ComposeFile {
  const parsed = interpolate(parse(fs.readFileSync(file, 'utf8'), { merge: true })) as ComposeFile;
  for (const service of Object.values(parsed.services)) {
    if (service.environment) {
      service.environment = Object.fromEntries(Object.entries(service.environment).map(([k, v]) => [k, String(v)]));
    }
  }
  return parsed;
}

/** `source:target[:mode]` → { source, target }. */
export function mount(spec: string): { source: string; target: string } {
  const [source = '', target = ''] = spec.split(':');
  return { source, target };
}
