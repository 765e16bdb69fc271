/**
 * The old tool's `run_telemetry_collection` and `stop_telemetry_collection`, in its envelope
 * `{message, error, data}` and with its status codes, over the collection jobs.
 */
import { Router, type Response } from 'express';
import { ConflictError } from '../../errors.js';
import type { JobView } from '../../queue/job-view.js';
import type { ApiDeps } from '../deps.js';
import type { components } from '../openapi-types.js';
import { stopThisHostsCollection } from '../services/legacy-collection.js';

type LegacyEnvelope = components['schemas']['LegacyEnvelope'];
type LegacyStarted = components['schemas']['LegacyStarted'];

/** The old tool's wording for DOCKER_MODE, plus where to look now. */
const DOCKER_MODE_MESSAGE =
  'Collecting telemetry data fail. Docker mode enabled. Use external telemetry collection lib: ' +
  'run the host collector (npm run collector) on the host, writing into the shared telemetry folder';

function envelope(res: Response, status: number, body: LegacyEnvelope): void {
  res.status(status).json(body);
}

/** The old collection routes. */
export function legacyCollectionRoutes({ config, jobs }: ApiDeps): Router {
  const router = Router();
  router.get('/run_telemetry_collection', async (_req, res) => {
    if (config.dockerMode) return envelope(res, 405, { message: DOCKER_MODE_MESSAGE, error: true, data: null });
    try {
      const job = await jobs.startCollection({});
      const started: LegacyStarted = { message: 'collecting telemetry data started', error: false, data: job.id };
      res.status(201).json(started);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const running = (error.details as { job?: JobView } | undefined)?.job;
      envelope(res, 409, { message: error.message, error: true, data: running?.id ?? null });
    }
  });
  router.get('/stop_telemetry_collection', async (_req, res) => {
    const stopped = await stopThisHostsCollection(config, jobs);
    if (!stopped) return envelope(res, 200, { message: 'process not exist', error: true, data: null });
    envelope(res, 200, { message: `collection ${stopped.id} terminated`, error: false, data: stopped.id });
  });
  return router;
}
