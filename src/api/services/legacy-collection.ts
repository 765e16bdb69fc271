/**
 * The old tool's `stop_telemetry_collection` took no id: it stopped "the" collection. Here that
 * is the collection waiting or running on this host, found among the jobs the queue knows.
 */
import type { Config } from '../../../env/default_env.js';
import type { JobView } from '../../queue/job-view.js';
import type { JobService } from '../../queue/job-service.js';

/** BullMQ states of a collection that has not finished yet. */
const UNFINISHED_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused']);

function onThisHost(job: JobView, hostName: string): boolean {
  const host = (job.data as { host?: unknown }).host;
  return host === undefined || host === hostName;
}

/** Stops this host's unfinished collection; null when there is none. */
export async function stopThisHostsCollection(config: Config, jobs: JobService): Promise<JobView | null> {
  const running = (await jobs.listCollections()).find((job) => UNFINISHED_STATES.has(job.state) && onThisHost(job, config.hostName));
  return running ? jobs.stopCollection(running.id) : null;
}
