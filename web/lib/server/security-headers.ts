/**
 * Headers on every answer SvelteKit gives. Pages get their Content-Security-Policy from svelte.config.js
 * (kit.csp, so SvelteKit can add the nonce of its inline start script); anything else (JSON, text,
 * redirects) gets the strictest policy. Referrer-Policy no-referrer keeps /login?token=… out of Referer.
 * Static files under /_app are served by adapter-node before hooks run and carry their own content types.
 */
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function withSecurityHeaders(res: Response): Response {
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
  if (!out.headers.has('content-security-policy')) out.headers.set('content-security-policy', STRICT_CSP);
  return out;
}
