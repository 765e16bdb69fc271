/**
 * The TypeScript types are generated from the spec (`npm run gen:api-types`) and committed; this
 * fails when someone changed openapi.yaml and forgot to regenerate them.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEC_PATH } from '../../src/api/spec.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';

const run = promisify(execFile);
const COMMITTED = path.join(path.dirname(SPEC_PATH), 'openapi-types.ts');

describe('generated API types', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await makeTempDir('api-types');
  });
  afterAll(async () => {
    await removeTempDir(tmp);
  });

  it('match what openapi-typescript makes of openapi.yaml now', async () => {
    const fresh = path.join(tmp, 'openapi-types.ts');
    await run(process.execPath, [path.resolve('node_modules/openapi-typescript/bin/cli.js'), SPEC_PATH, '-o', fresh]);
    const [expected, actual] = await Promise.all([readFile(fresh, 'utf8'), readFile(COMMITTED, 'utf8')]);
    expect(actual, 'src/api/openapi-types.ts is stale: run npm run gen:api-types').toBe(expected);
  });
});
