/**
 * The explicit list of job kinds. Start-up fails when a kind has no handler or two, or a handler
 * sits on the wrong queue, rather than jobs waiting for ever for a worker nobody started.
 */
import { JOB_KINDS, type JobKind } from '../src/queue/job-view.js';
import { QUEUE_OF_KIND } from '../src/queue/queues.js';
import { cleanupJob } from './cleanup.js';
import { collectionJob } from './collection.js';
import { exportJob } from './export.js';
import type { JobHandler } from './job-handler.js';

// Each handler has its own data and result types; the registry only routes by kind.
export type AnyJobHandler = JobHandler<any, any>;

/** Every job kind this service runs. */
export const JOB_HANDLERS: readonly AnyJobHandler[] = [collectionJob, exportJob, cleanupJob];

/** Thrown at start-up for a registry that does not cover every kind exactly once. */
export class RegistryError extends Error {
  constructor(problems: string[]) {
    super(`Job registry is broken: ${problems.join('; ')}`);
    this.name = 'RegistryError';
  }
}

/**
 * Checks `handlers` and indexes them by kind. Throws RegistryError naming every duplicate,
 * missing or misplaced kind.
 */
export function buildRegistry(
  handlers: readonly AnyJobHandler[] = JOB_HANDLERS,
  kinds: readonly JobKind[] = JOB_KINDS,
): ReadonlyMap<JobKind, AnyJobHandler> {
  const problems: string[] = [];
  const byKind = new Map<JobKind, AnyJobHandler>();
  for (const handler of handlers) {
    if (byKind.has(handler.kind)) problems.push(`duplicate handler for '${handler.kind}'`);
    else byKind.set(handler.kind, handler);
    if (!kinds.includes(handler.kind)) problems.push(`handler for unknown kind '${handler.kind}'`);
    else if (QUEUE_OF_KIND[handler.kind] !== handler.queue) {
      problems.push(`'${handler.kind}' must run on queue '${QUEUE_OF_KIND[handler.kind]}', not '${handler.queue}'`);
    }
  }
  for (const kind of kinds) {
    if (!byKind.has(kind)) problems.push(`missing handler for '${kind}'`);
  }
  if (problems.length > 0) throw new RegistryError(problems);
  return byKind;
}
