/**
 * The one shape a job reads back as, whatever its kind: what `GET /jobs/{id}` and the typed
 * views under collections and exports return.
 */
import { randomBytes } from 'node:crypto';
import type { Job, JobState } from 'bullmq';
import { formatInstant } from '../store/time.js';

export type JobKind = 'collection' | 'export' | 'cleanup';
export const JOB_KINDS: readonly JobKind[] = ['collection', 'export', 'cleanup'];

export interface JobView {
  id: string;
  kind: JobKind;
  /** BullMQ's state (waiting, active, delayed, completed, failed, …), or 'removed' for a collection stopped before it started. */
  state: string;
  /** Percent (0..100), or an object when no percent makes sense (an open-ended collection: {samples, rows}). */
  progress: number | object;
  data: object;
  result: object | null;
  error: string | null;
  /** ISO 8601 with the offset of TELEMETRY_TZ. */
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/**
 * Ids come from URLs, so anything outside this alphabet is refused before it reaches Redis or a
 * file name (export ids name files in TMP_DIR). ':' is allowed because BullMQ's job scheduler
 * names the cleanup jobs it creates `repeat:<scheduler>:<time>`.
 */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_:-]{1,128}$/;

/** Short prefixes that make a job's kind readable from its id, and lookups a single queue read. */
const ID_PREFIX: Readonly<Record<'collection' | 'export', string>> = { collection: 'col-', export: 'exp-' };

/**
 * A new job id for `kind`: `col-` or `exp-` and 16 hex digits. Ids must be unique across the
 * three queues (BullMQ's own counters are per queue and would collide), and unguessable enough
 * that one client cannot stumble on another's export.
 */
export function newJobId(kind: 'collection' | 'export'): string {
  return ID_PREFIX[kind] + randomBytes(8).toString('hex');
}

/** The kind an id's prefix announces, or undefined (cleanup jobs and foreign ids). */
export function kindFromId(id: string): JobKind | undefined {
  if (id.startsWith(ID_PREFIX.collection)) return 'collection';
  if (id.startsWith(ID_PREFIX.export)) return 'export';
  return undefined;
}

function instant(ms: number | undefined, tz: string): string | null {
  return ms === undefined || ms === null || !Number.isFinite(ms) || ms <= 0 ? null : formatInstant(ms, tz);
}

/** Builds the view of a BullMQ job whose state was read separately (it costs a round trip). */
export function toJobView(job: Job, kind: JobKind, state: JobState | 'unknown' | 'removed', tz: string): JobView {
  const finished = state === 'completed' || state === 'failed';
  const progress: unknown = job.progress;
  return {
    id: String(job.id),
    kind,
    state,
    progress: typeof progress === 'number' || (typeof progress === 'object' && progress !== null) ? progress : 0,
    data: (job.data ?? {}) as object,
    result: state === 'completed' && job.returnvalue != null ? (job.returnvalue as object) : null,
    error: job.failedReason ? job.failedReason : null,
    created_at: formatInstant(job.timestamp, tz),
    started_at: instant(job.processedOn, tz),
    finished_at: finished ? instant(job.finishedOn, tz) : null,
  };
}
