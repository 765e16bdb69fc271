/**
 * The routes of the API as its OpenAPI file declares them, so a test that goes over "every route"
 * covers a route added later without being told.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './processes.js';

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
}

export interface SpecRoute {
  method: string;
  /** Full template with the base, e.g. `/api/v1/exports/{id}/download`. */
  template: string;
  operationId: string;
  deprecated: boolean;
  parameters: SpecParameter[];
  /** Property names of the JSON body's schema, when it takes one. */
  bodyFields: string[] | null;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

type Node = Record<string, any>;

function resolve(spec: Node, node: Node | undefined): Node | undefined {
  let current = node;
  while (current && typeof current.$ref === 'string') {
    current = (current.$ref as string).replace(/^#\//, '').split('/').reduce<Node | undefined>((at, key) => at?.[key], spec);
  }
  return current;
}

/** Every operation of `src/api/openapi.yaml`, with its parameters and body fields. */
export async function loadSpecRoutes(): Promise<SpecRoute[]> {
  const spec = parse(await readFile(path.join(ROOT, 'src/api/openapi.yaml'), 'utf8')) as Node;
  const base = (spec.servers?.[0]?.url as string | undefined) ?? '';
  const routes: SpecRoute[] = [];
  for (const [template, item] of Object.entries(spec.paths as Record<string, Node>)) {
    for (const method of METHODS) {
      const operation = item[method] as Node | undefined;
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .map((p: Node) => resolve(spec, p) as Node)
        .map((p) => ({ name: p.name as string, in: p.in as SpecParameter['in'], required: p.required === true }));
      const bodySchema = resolve(spec, resolve(spec, operation.requestBody)?.content?.['application/json']?.schema);
      routes.push({
        method: method.toUpperCase(),
        template: base + template,
        operationId: operation.operationId ?? `${method} ${template}`,
        deprecated: operation.deprecated === true,
        parameters,
        bodyFields: bodySchema ? Object.keys(bodySchema.properties ?? {}) : null,
      });
    }
  }
  return routes;
}
