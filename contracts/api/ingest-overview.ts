/**
 * GET /api/ingest/overview — what the live ingest page shows: rates from the ingest_rate rollup, exactly-once
 * landed totals from the raw tables, the ingest consumer's lag from JetStream, and what was rejected and why.
 */
import { z } from 'zod';
import { FAMILIES, type Family } from '../events.ts';

/** A rate series is a family, or `rejected` (events refused by validation, counted from the rejects table). */
export const RateSeriesKey = z.union([z.enum(FAMILIES as [Family, ...Family[]]), z.literal('rejected')]);
export type RateSeriesKey = z.infer<typeof RateSeriesKey>;

const Count = z.number().int().nonnegative();
const PerSecond = z.number().nonnegative();
/** Epoch milliseconds. */
const EpochMs = z.number().int().nonnegative();

export const IngestOverviewQuery = z.object({
  /** Width of the rate window in minutes. */
  minutes: z.coerce.number().int().min(1).max(60).default(10),
});
export type IngestOverviewQuery = z.infer<typeof IngestOverviewQuery>;

export const IngestOverviewSchema = z.object({
  generatedAt: EpochMs,
  windowMinutes: z.number().int().positive(),
  rate: z.object({
    /** Bucket width; every `perSecond` value is events in the bucket divided by this. */
    stepSeconds: z.number().int().positive(),
    /** Valid events per second over the newest complete bucket. */
    nowPerSecond: PerSecond,
    /** Rejected events per second over the newest complete bucket. */
    rejectedPerSecond: PerSecond,
    /** Bucket start times, oldest first, one per step across the window (no gaps). */
    buckets: z.array(EpochMs),
    /** One series per family seen in the window, aligned with `buckets`. */
    byFamily: z.array(z.object({ family: RateSeriesKey, perSecond: z.array(PerSecond) })),
    /** Valid events per source: per second over the last minute, and the window's total; busiest first. */
    bySource: z.array(z.object({ source: z.string(), perSecond: PerSecond, events: Count })),
  }),
  landed: z.object({
    /** Distinct events stored across every family table. */
    total: Count,
    byFamily: z.array(z.object({ family: z.enum(FAMILIES as [Family, ...Family[]]), events: Count })),
    rejects: Count,
  }),
  /** The ingest consumer's backlog; null when JetStream could not be asked (see `warnings`). */
  lag: z.object({ pending: Count, ackPending: Count, total: Count }).nullable(),
  rejectReasons: z.array(z.object({
    reason: z.string(), rejects: Count, lastSeen: EpochMs, subject: z.string(), sample: z.string(),
  })),
  recentRejects: z.array(z.object({
    receivedAt: EpochMs, subject: z.string(), eventId: z.string(), type: z.string(), source: z.string(),
    site: z.string(), reason: z.string(),
  })),
  /** Parts of the overview that could not be loaded, for the page to show next to the figures. */
  warnings: z.array(z.string()),
});
export type IngestOverview = z.infer<typeof IngestOverviewSchema>;
