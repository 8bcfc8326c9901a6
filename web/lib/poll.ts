/**
 * Poll a JSON endpoint: one request at a time (the next is scheduled when the last settles), nothing while
 * the tab is hidden, an immediate refresh when it becomes visible again. Returns the stop function.
 */
export interface PollError { status?: number; message: string }

export interface PollOptions<T> {
  url: string;
  intervalMs: number;
  /** A request slower than this counts as failed (the data is then shown as stale). */
  timeoutMs?: number;
  /** Ask at once instead of after the first interval (the URL changed; nothing server-rendered is current). */
  immediate?: boolean;
  onData: (data: T) => void;
  onError: (err: PollError) => void;
}

export function startPolling<T>(o: PollOptions<T>): () => void {
  let stopped = false;
  let inFlight = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const visible = () => document.visibilityState === 'visible';

  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && visible()) timer = setTimeout(tick, o.intervalMs);
  };
  async function tick(): Promise<void> {
    if (stopped || inFlight || !visible()) return;
    inFlight = true;
    try {
      const res = await fetch(o.url, { headers: { accept: 'application/json' }, cache: 'no-store',
        signal: AbortSignal.timeout(o.timeoutMs ?? 5_000) });
      const body = await res.json().catch(() => null);
      if (stopped) return;
      if (res.ok && body) o.onData(body as T);
      else o.onError({ status: res.status, message: (body as { message?: string } | null)?.message ?? `HTTP ${res.status}` });
    } catch (err) {
      if (!stopped) o.onError({ message: (err as Error).name === 'TimeoutError' ? 'request timed out' : 'server unreachable' });
    } finally {
      inFlight = false;
      schedule();
    }
  }
  const onVisibility = () => (visible() ? void tick() : clearTimeout(timer));

  document.addEventListener('visibilitychange', onVisibility);
  if (o.immediate) void tick();
  else schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
