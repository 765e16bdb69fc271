/**
 * The old tool's data routes (`hello`, `cpu_usage`, `cpu_usage_data`, `cpu_usage_to_json`,
 * `ram_usage_to_json`, `return_hw_data`): its shapes, 204 for an empty window, answers streamed.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import type { ApiDeps } from '../deps.js';
import { legacyAnswer, legacyFileName, legacyWindow, type LegacyAnswerKind } from '../services/legacy-data.js';
import type { WindowInput } from '../services/window.js';

interface LegacyParams extends WindowInput {
  host?: string;
}

/** GET routes take the window in the query; POST ones in the JSON body or, for old scripts, the query. */
function paramsOf(req: Request): LegacyParams {
  const query = req.query as LegacyParams;
  const body = (req.body ?? {}) as WindowInput;
  return { start_time: body.start_time ?? query.start_time, end_time: body.end_time ?? query.end_time, host: query.host };
}

/** The old data routes. */
export function legacyDataRoutes({ config }: ApiDeps): Router {
  const router = Router();

  const answer = (kind: LegacyAnswerKind, attachment: boolean) => async (req: Request, res: Response) => {
    const params = paramsOf(req);
    const window = legacyWindow(config, kind, params);
    const chunks = await legacyAnswer(config, kind, window, params.host);
    if (!chunks) {
      res.status(204).end();
      return;
    }
    res.status(200).type('application/json');
    if (attachment) res.attachment(legacyFileName(kind, window));
    try {
      await pipeline(Readable.from(chunks), res);
    } catch (error) {
      // A client that hangs up mid-answer is not a fault of ours; anything else is.
      if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    }
  };

  router.get('/hello', (_req, res) => {
    res.json('Hello');
  });
  router.get('/cpu_usage', answer('cpu_usage', false));
  router.post('/cpu_usage_data', answer('cpu_usage_data', false));
  router.get('/cpu_usage_to_json', answer('cpu_usage_to_json', true));
  router.get('/ram_usage_to_json', answer('ram_usage_to_json', true));
  router.post('/return_hw_data', answer('return_hw_data', false));
  return router;
}
