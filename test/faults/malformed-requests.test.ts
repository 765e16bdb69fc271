// 1,000 malformed requests spread over every route the OpenAPI file declares, against the real
// service (API and workers in one process, on the real Redis): no 5xx, no crash, and every 4xx in
// the one error shape. Replay a run with FAULT_SEED=<the printed seed>.
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removePrefix, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { request } from './support/http.js';
import { describeRequest, malformedRequest, type MalformedRequest } from './support/malformed.js';
import { problemWith, send } from './support/raw-http.js';
import { killAll, serviceReady, startService, type ServiceProcess } from './support/processes.js';
import { Dice, runSeed, seededRandom } from './support/random.js';
import { loadSpecRoutes, type SpecRoute } from './support/spec-routes.js';

const REQUESTS = 1000;
const PARALLEL = 8;
const HOST = 'fault-fuzz-host';

describe('1,000 malformed requests across every route', () => {
  const seed = runSeed();
  const prefix = uniquePrefix('fault-fuzz');
  const services: ServiceProcess[] = [];
  let root: string;
  let routes: SpecRoute[];

  beforeAll(async () => {
    root = await makeTempDir('fault-fuzz');
    routes = await loadSpecRoutes();
  });

  afterAll(async () => {
    await killAll(services);
    await removePrefix(prefix);
    await removeTempDir(root);
  });

  it('answers every one with a 2xx or a 4xx in the error shape, never a 5xx, and stays up', async () => {
    console.log(`malformed-requests: seed ${seed} (replay with FAULT_SEED=${seed}); ${routes.length} operations in the spec`);
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const service = startService('all', {
      REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix, TELEMETRY_DIR: path.join(root, 'telemetry'), TMP_DIR: path.join(root, 'tmp'),
      HOST_NAME: HOST, TELEMETRY_TZ: 'Europe/Samara', API_HOST: '127.0.0.1', API_PORT: '0',
    });
    services.push(service);
    const base = await serviceReady(service, 'all');
    const legacyPaths = new Set(routes.filter((r) => r.deprecated).map((r) => r.template));

    const dice = new Dice(seededRandom(seed));
    // Every operation in turn, so each gets its share; what is malformed is random.
    const requests = Array.from({ length: REQUESTS }, (_, i) => malformedRequest(dice, routes[i % routes.length] as SpecRoute));
    const agent = new http.Agent({ keepAlive: true, maxSockets: PARALLEL });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const startedAt = Date.now();
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < requests.length) {
          const index = next++;
          const req = requests[index] as MalformedRequest;
          let problem: string | null;
          try {
            const reply = await send(base, agent, req);
            statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
            problem = problemWith(reply, req, legacyPaths);
          } catch (error) {
            problem = `no answer: ${(error as Error).message}`;
          }
          if (problem) failures.push(`#${index} ${req.route.operationId}: ${problem}\n    ${describeRequest(req)}`);
        }
      }),
    );
    agent.destroy();
    const tookS = (Date.now() - startedAt) / 1000;
    const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ');
    console.log(`malformed-requests: ${REQUESTS} requests in ${tookS.toFixed(1)} s: ${summary}`);
    if (failures.length > 0) {
      // Tell a crash (or a kill from outside) from bad answers: how the service ended, what it said last.
      const ended = service.alive() ? 'still running' : `exited ${JSON.stringify(await service.exited)}`;
      console.log(`malformed-requests: seed ${seed}, ${failures.length} failures:\n${failures.slice(0, 25).join('\n')}`);
      console.log(`malformed-requests: the service is ${ended}; its output ends:\n${service.output().slice(-3000)}`);
    }
    expect(failures, `seed ${seed}`).toEqual([]);

    // Still alive and well; stop whatever collections the valid-by-chance requests started.
    expect(service.alive(), service.output()).toBe(true);
    expect((await request(`${base}/api/v1/health`)).status).toBe(200);
    const { jobs } = (await request(`${base}/api/v1/collections`)).json() as { jobs: { id: string; state: string }[] };
    for (const job of jobs.filter((j) => j.state === 'active' || j.state === 'waiting')) {
      await request(`${base}/api/v1/collections/${job.id}`, { method: 'DELETE' });
    }
    expect(service.output()).not.toMatch(/Internal error|failed mid-answer|Unhandled|uncaught/i);
  }, 180_000);
});
