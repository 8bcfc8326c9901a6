/**
 * JSON requests from the browser to our own /api routes, answering `{ ok, data }` or `{ ok: false, message }` (never
 * throws); `code` is the API error's code when the server sent one.
 */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; message: string; code?: string };

export async function sendJson<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<ApiResult<T>> {
  try {
    const res = await fetch(url, {
      method, cache: 'no-store', signal: AbortSignal.timeout(10_000),
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => null);
    if (res.ok) return { ok: true, data: data as T };
    const err = data as { code?: string; message?: string } | null;
    return { ok: false, status: res.status, message: err?.message ?? `HTTP ${res.status}`, code: err?.code };
  } catch (err) {
    return { ok: false, status: 0, message: (err as Error).name === 'TimeoutError' ? 'request timed out' : 'server unreachable' };
  }
}
