/**
 * Progress updates that never slow or break the job: at most one a second, at most one in flight,
 * and a failed update (Redis away for a moment) is dropped rather than thrown into the job.
 */
import type { Job } from 'bullmq';

export interface ProgressReporter {
  /** Records `progress`; sends it unless one was sent less than `minIntervalMs` ago. */
  report(progress: number | object): void;
  /** Sends `progress` now (the final figure) and waits for it, still never throwing. */
  flush(progress: number | object): Promise<void>;
}

/** A reporter for `job`, throttled to one update per `minIntervalMs`. */
export function createProgressReporter(job: Job, minIntervalMs = 1000): ProgressReporter {
  let lastSentAt = 0;
  let inFlight: Promise<void> | null = null;

  const send = (progress: number | object): Promise<void> => {
    lastSentAt = Date.now();
    const update: Promise<void> = job
      .updateProgress(progress)
      .catch(() => undefined)
      .finally(() => {
        if (inFlight === update) inFlight = null;
      });
    inFlight = update;
    return update;
  };

  return {
    report(progress) {
      if (inFlight || Date.now() - lastSentAt < minIntervalMs) return;
      void send(progress);
    },
    async flush(progress) {
      if (inFlight) await inFlight;
      await send(progress);
    },
  };
}
