/**
 * What a collection may ask of the sampler, wherever it is asked: the API, the collection job and
 * the host collector's flags all hold requests to these (the OpenAPI spec states them too).
 */

/** Below 0.2 s a tick's own cost and timer jitter swamp the figures. */
export const MIN_INTERVAL_S = 0.2;
export const MAX_INTERVAL_S = 3600;
/** A week; longer runs are several collections (or the host collector under a service manager). */
export const MAX_DURATION_S = 7 * 86_400;
