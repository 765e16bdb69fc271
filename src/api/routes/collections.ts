/** Collections: start (one per host), list, read, stop. The work is JobService's. */
import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import type { components } from '../openapi-types.js';

type CollectionRequest = components['schemas']['CollectionRequest'];

/** The collection routes. */
export function collectionRoutes({ jobs }: ApiDeps): Router {
  const router = Router();
  router.post('/collections', async (req, res) => {
    // The body is optional: no body means the defaults (every 5 s, until stopped).
    const body = (req.body ?? {}) as CollectionRequest;
    res.status(202).json(await jobs.startCollection(body));
  });
  router.get('/collections', async (_req, res) => {
    // JobView is the spec's Job (data typed as a plain object); the response validator checks it under test.
    res.json({ jobs: await jobs.listCollections() });
  });
  router.get('/collections/:id', async (req, res) => {
    res.json(await jobs.getJob(req.params.id, 'collection'));
  });
  router.delete('/collections/:id', async (req, res) => {
    res.json(await jobs.stopCollection(req.params.id));
  });
  return router;
}
