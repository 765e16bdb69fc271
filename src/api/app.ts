/**
 * The express app: the spec at `/openapi.json`, Swagger UI at `/swagger`, the validator (every
 * request; JSON responses too when asked, as the tests do), the routes under `/api/v1`, and the
 * one error handler. Everything the routes do is in services; the app only wires.
 */
import express, { type Express } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import swaggerUi from 'swagger-ui-express';
import type { ApiDeps } from './deps.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { collectionRoutes } from './routes/collections.js';
import { exportRoutes } from './routes/exports.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { legacyCollectionRoutes } from './routes/legacy-collection.js';
import { legacyDataRoutes } from './routes/legacy-data.js';
import { telemetryRoutes } from './routes/telemetry.js';
import { API_BASE, deprecatedPaths, loadApiSpec } from './spec.js';

/** Largest JSON body accepted; every body here is a few fields, so more is a mistake or an attack (413). */
export const JSON_BODY_LIMIT = '16kb';

export interface AppOptions {
  /** Check every JSON answer against the spec (a mismatch is a 500). Default: DEBUG_MODE. Tests turn it on. */
  validateResponses?: boolean;
}

/** Builds the API app around a JobService; no socket is opened (see server.ts). */
export async function createApp(deps: ApiDeps & AppOptions): Promise<Express> {
  const spec = await loadApiSpec();
  const app = express();
  app.disable('x-powered-by');

  // strict: false so a bare JSON `null` body (what the old tool's Python client sends with every
  // GET) parses instead of failing; the validator still demands an object where a body is due.
  app.use(express.json({ limit: JSON_BODY_LIMIT, strict: false }));

  const publicSpec = structuredClone(spec);
  app.get('/openapi.json', (_req, res) => {
    res.json(publicSpec);
  });
  app.use('/swagger', swaggerUi.serve, swaggerUi.setup(structuredClone(spec)));

  app.use(
    OpenApiValidator.middleware({
      // The validator resolves $refs in place: give it its own copy.
      apiSpec: structuredClone(spec) as unknown as string,
      validateRequests: { allErrors: true },
      validateResponses: deps.validateResponses ?? deps.config.debugMode,
      validateFormats: true,
    }),
  );

  app.use(
    API_BASE,
    healthRoutes(deps),
    collectionRoutes(deps),
    exportRoutes(deps),
    jobRoutes(deps),
    telemetryRoutes(deps),
    legacyCollectionRoutes(deps),
    legacyDataRoutes(deps),
  );
  app.use(notFoundHandler);
  app.use(errorHandler(deprecatedPaths(spec)));
  return app;
}
