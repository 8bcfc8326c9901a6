/**
 * Headers on every answer SvelteKit gives. Pages get their Content-Security-Policy from svelte.config.js
 * (kit.csp, so SvelteKit can add the nonce of its inline start script); anything else (JSON, text,
 * redirects) gets the strictest policy. Referrer-Policy no-referrer keeps /login?token=… out of Referer.
 * Static files under /_app are served by adapter-node before hooks run and carry their own content types.
 * The realtime gateway lives on other origins (GATEWAY_PUBLIC_URLS): pages may connect there, and only there.
 */
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The CSP sources for the gateways' origins: http(s) and ws(s) forms, since CSP's `http:` does not match `ws:`
 * (the browser opens the socket as a WebSocket).
 */
export function gatewaySources(urls: readonly string[]): string[] {
  const out = new Set<string>();
  for (const u of urls) {
    const { protocol, host } = new URL(u);
    out.add(`${protocol}//${host}`);
    out.add(`${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}`);
  }
  return [...out];
}

export function withSecurityHeaders(res: Response, o: { connectSrc?: readonly string[] } = {}): Response {
  let out = res;
  try {
    out.headers.set('x-content-type-options', 'nosniff');
  } catch {
    out = new Response(res.body, res); // headers of some responses are immutable: copy them once
    out.headers.set('x-content-type-options', 'nosniff');
  }
  out.headers.set('referrer-policy', 'no-referrer');
  out.headers.set('x-frame-options', 'DENY');
  out.headers.set('cross-origin-opener-policy', 'same-origin');
  const csp = out.headers.get('content-security-policy');
  if (!csp) out.headers.set('content-security-policy', STRICT_CSP);
  else if (o.connectSrc?.length) out.headers.set('content-security-policy', csp.replace(/connect-src 'self'/, `connect-src 'self' ${o.connectSrc.join(' ')}`));
  return out;
}
