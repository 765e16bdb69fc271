/** `GET /telemetry`: a small window's rows as JSON or CSV, straight from the store. */
import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import type { operations } from '../openapi-types.js';
import { queryTelemetry, telemetryCsv } from '../services/telemetry-query.js';

type TelemetryParams = operations['getTelemetry']['parameters']['query'];

/** The telemetry route. */
export function telemetryRoutes({ config }: ApiDeps): Router {
  const router = Router();
  router.get('/telemetry', async (req, res) => {
    // The validator has checked and coerced the query (interface is always an array here).
    const query = req.query as unknown as TelemetryParams;
    const page = await queryTelemetry(config, {
      start_time: query.start_time,
      end_time: query.end_time,
      host: query.host,
      interfaces: query.interface,
    });
    if (query.format === 'csv') {
      res.type('text/csv').send(telemetryCsv(page.rows));
    } else {
      res.json(page);
    }
  });
  return router;
}
