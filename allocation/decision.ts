/** What every decision returns: an answer and the change that makes it true, or a typed refusal. */
import type { AllocationError, AllocationErrorCode } from '../contracts/api/allocation.ts';
import type { Change } from './changes.ts';

export type Decision<T> = { ok: true; result: T; change: Change | null } | { ok: false; error: AllocationError };

export const refuse = (code: AllocationErrorCode, message: string): { ok: false; error: AllocationError } =>
  ({ ok: false, error: { code, message } });
