/** `GET /jobs/{id}`: any job by id. */
import { Router } from 'express';
import type { ApiDeps } from '../deps.js';

/** The job route. */
export function jobRoutes({ jobs }: ApiDeps): Router {
  const router = Router();
  router.get('/jobs/:id', async (req, res) => {
    res.json(await jobs.getJob(req.params.id));
  });
  return router;
}
