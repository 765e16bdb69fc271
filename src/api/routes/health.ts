/** `GET /health`: 200 while Redis answers, 503 (JSON) while it does not. */
import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import type { components } from '../openapi-types.js';

type Health = components['schemas']['Health'];
type HealthDown = components['schemas']['HealthDown'];

/** The health route. */
export function healthRoutes({ jobs }: ApiDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const up = await jobs.redisAnswers().catch(() => false);
    if (up) {
      res.json({ status: 'ok', redis: 'up' } satisfies Health);
    } else {
      const down: HealthDown = {
        error: true,
        message: 'Redis does not answer; collections and exports answer 503 until it does (store reads keep working)',
        redis: 'down',
      };
      res.status(503).json(down);
    }
  });
  return router;
}
