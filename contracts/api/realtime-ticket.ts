/**
 * POST /api/realtime/ticket — a signed-in browser's pass to the realtime gateway (contracts/realtime.ts): a 60 s
 * `ticket` token for its principal and the gateway to use (one of several, picked at random per ticket).
 */
import { z } from 'zod';

export const RealtimeTicketSchema = z.object({
  token: z.string().min(1),
  /** The gateway's base URL; the socket path is REALTIME_PATH. */
  url: z.string().url(),
  /** Epoch ms: connect before this (an open socket stays open until the gateway's own checks end it). */
  expiresAt: z.number().int().positive(),
});
export type RealtimeTicket = z.infer<typeof RealtimeTicketSchema>;
