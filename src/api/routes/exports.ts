/** Exports: add the job, read it, download its zip once it is ready. */
import { Router } from 'express';
import { GoneError } from '../../errors.js';
import type { ApiDeps } from '../deps.js';
import type { components } from '../openapi-types.js';
import { parseWindow } from '../services/window.js';

type ExportRequest = components['schemas']['ExportRequest'];

/** The export routes. */
export function exportRoutes({ config, jobs }: ApiDeps): Router {
  const router = Router();
  router.post('/exports', async (req, res) => {
    const body = req.body as ExportRequest;
    // Checked here too so a bad window is a 400 naming the field even while Redis is down.
    parseWindow(config, body);
    res.status(202).json(await jobs.startExport(body));
  });
  router.get('/exports/:id', async (req, res) => {
    res.json(await jobs.getJob(req.params.id, 'export'));
  });
  router.get('/exports/:id/download', async (req, res, next) => {
    const file = await jobs.exportFile(req.params.id);
    res.attachment(file.fileName);
    res.type('application/zip');
    res.sendFile(file.path, (error) => {
      if (!error || res.headersSent) return;
      // Cleanup removed the file between the check and the send.
      next(new GoneError(`Export ${req.params.id} was cleaned up; export the window again`));
    });
  });
  return router;
}
