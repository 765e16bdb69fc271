/**
 * The one OpenAPI file, loaded once. It feeds Swagger UI, `/openapi.json`, the request and
 * response validator and (through `npm run gen:api-types`) the TypeScript types in
 * `openapi-types.ts`, so the contract is written in one place only.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Absolute path of `openapi.yaml`. */
export const SPEC_PATH = fileURLToPath(new URL('./openapi.yaml', import.meta.url));

/** Where the spec's paths are mounted (its `servers[0].url`). */
export const API_BASE = '/api/v1';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof METHODS)[number], { deprecated?: boolean; operationId?: string }>>>;
  [key: string]: unknown;
}

/** Reads and parses the spec file; every caller gets its own copy (the validator mutates what it gets). */
export async function loadApiSpec(): Promise<OpenApiDocument> {
  const text = await readFile(SPEC_PATH, 'utf8');
  return parse(text) as OpenApiDocument;
}

/**
 * Full paths (with `/api/v1`) whose operations are deprecated: the old tool's routes, whose
 * errors keep its envelope `{message, error, data}`.
 */
export function deprecatedPaths(spec: OpenApiDocument): Set<string> {
  const found = new Set<string>();
  for (const [route, item] of Object.entries(spec.paths)) {
    if (METHODS.some((method) => item[method]?.deprecated === true)) found.add(`${API_BASE}${route}`);
  }
  return found;
}
