/** Names shared by producers and consumers of the event backbone. */

/** The stream that holds every operational event (`ops.>`). */
export const OPS_STREAM = 'OPS';
/** Invalid events are copied here with the reason, `deadletter.<original subject>`. */
export const DEADLETTER_STREAM = 'DEADLETTER';
export const DEADLETTER_PREFIX = 'deadletter';
/** The durable consumer shared by every ingest process. */
export const INGEST_CONSUMER = 'ingest-clickhouse';
/** Header carrying the rejection reason on a dead-lettered copy. */
export const REASON_HEADER = 'Ct-Reject-Reason';
