/** The operational HTTP surface of a background service: /metrics, /healthz (alive), /readyz (can do work). */
import { createServer, type Server } from 'node:http';
import type { Registry } from './metrics.ts';

export interface ProbeOptions {
  port: number;
  host?: string;
  registry: Pick<Registry, 'render'>;
  ready: () => { ok: boolean; detail?: Record<string, unknown> };
}

export async function startProbeServer(o: ProbeOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = req.url?.split('?')[0];
    if (req.method !== 'GET') { res.writeHead(405, { 'content-type': 'application/json' }).end('{"code":"method_not_allowed"}'); return; }
    if (url === '/metrics') { res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(o.registry.render()); return; }
    if (url === '/healthz') { res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'); return; }
    if (url === '/readyz') {
      const r = o.ready();
      res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: r.ok, ...r.detail }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"not_found"}');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port, o.host ?? '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return { server, port, close: () => new Promise((r) => server.close(() => r())) };
}
