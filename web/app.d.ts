// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Principal } from '$contracts/access.ts';
import type { ApiErrorCode } from '$contracts/api/error.ts';

declare global {
  namespace App {
    interface Error { message: string; code: ApiErrorCode }
    /** Who is asking (web/lib/server/auth.ts): null only on public paths. */
    interface Locals { principal: Principal | null }
  }
}

export {};
