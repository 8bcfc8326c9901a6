/**
 * Start the realtime link from a component's `$effect`: loads socket.io-client (and the contracts it validates
 * with) only in the browser and only when a page needs it; returns the stop function the effect hands back.
 */
import type { LinkOptions, RealtimeLink } from './connect.ts';

export function startRealtime(o: LinkOptions, onLink?: (link: RealtimeLink) => void): () => void {
  let link: RealtimeLink | undefined;
  let stopped = false;
  void import('./connect.ts').then(({ connectRealtime }) => {
    if (stopped) return;
    link = connectRealtime(o);
    onLink?.(link);
  }, () => o.onStatus('reconnecting', 'could not load the realtime client'));
  return () => { stopped = true; link?.close(); };
}
