/** The body of every API error: a stable machine `code` and a message for people. */
import { z } from 'zod';

export const ApiErrorCode = z.enum([
  'unauthorized', 'forbidden', 'bad_request', 'not_found', 'method_not_allowed', 'invalid_state', 'upstream_unavailable',
  'internal_error',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiErrorSchema = z.object({ code: ApiErrorCode, message: z.string() });
export type ApiError = z.infer<typeof ApiErrorSchema>;
