/**
 * GET /api/alerts/stats — how fast alerts are answered: per alert type (or type × site), the episodes that fired
 * in the last `days` days, how many were acknowledged, median and p90 times to acknowledge and to resolve, how many
 * are still open, and who resolved them. Only the caller's sites (and `network`, which concerns everyone).
 */
import { z } from 'zod';
import { Id } from '../envelope.ts';
import { AlertType } from '../alerts.ts';

const Count = z.number().int().nonnegative();
const Seconds = z.number().nonnegative().nullable();

export const AlertStatsQuery = z.object({
  /** Episodes that fired in the last `days` days (the alert history keeps a year; the inbox asks for 7). */
  days: z.coerce.number().int().min(1).max(90).default(7),
  /** Only these sites (comma-separated), each in the caller's scope; absent = all of the caller's. */
  site: z.string().max(200 * 130).optional()
    .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(Id).max(200)),
  /** One row per type × site instead of per type. */
  bySite: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
}).strict();
export type AlertStatsQuery = z.infer<typeof AlertStatsQuery>;

export const AlertResponseRow = z.object({
  type: AlertType,
  /** '' unless `bySite`. */
  site: z.string(),
  /** Episodes (firing from pending, inactive or resolved, until the next resolve) that fired in the window. */
  fired: Count,
  acknowledged: Count,
  /** Seconds from firing to the episode's first acknowledgement; null when none was acknowledged. */
  ackMedianSeconds: Seconds,
  ackP90Seconds: Seconds,
  /** Seconds from firing to resolved; null when none is resolved yet. */
  resolveMedianSeconds: Seconds,
  resolveP90Seconds: Seconds,
  open: Count,
  resolvedByPerson: Count,
  resolvedByEngine: Count,
});
export type AlertResponseRow = z.infer<typeof AlertResponseRow>;

export const AlertStatsSchema = z.object({
  generatedAt: z.number().int().nonnegative(),
  days: z.number().int().positive(),
  /** Most episodes first. */
  rows: z.array(AlertResponseRow),
});
export type AlertStats = z.infer<typeof AlertStatsSchema>;
