// See https://svelte.dev/docs/kit/types#app.d.ts
import type { ApiErrorCode } from '$contracts/api/error.ts';
import type { Principal } from '$lib/server/auth.ts';

declare global {
  namespace App {
    interface Error { message: string; code: ApiErrorCode }
    interface Locals { principal: Principal | null }
  }
}

export {};
