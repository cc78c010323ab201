// The worker's side of the control channel (lib/control/protocol.ts): HTTP on
// loopback only, every request carrying the secret from ZK_DATA_DIR. The web
// app and the CLI use it to say "reload now" after a commit; anything they
// need is also reachable by polling, so the channel is a shortcut, never the
// only path.
import crypto from 'node:crypto';
import http from 'node:http';
import { readOrCreateSecret } from '../config/secrets';
import type { ControlHandler, ControlHandlers, ControlRoute } from '../control/protocol';
import type { Logger } from './logger';

/** Serves `routes` (every route of lib/control/protocol.ts) on 127.0.0.1:`port`. */
export function startControlServer(port: number, routes: ControlHandlers, log: Logger): Promise<http.Server> {
  const handlers = routes as Record<string, ControlHandler<ControlRoute> | undefined>;
  const secret = Buffer.from(`Bearer ${readOrCreateSecret('control-secret')}`);
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== secret.length || !crypto.timingSafeEqual(auth, secret)) return send(401, { error: 'bad or missing control secret' });
    const route = handlers[`${req.method} ${(req.url ?? '').split('?')[0]}`];
    if (!route) return send(404, { error: `no control route ${req.method} ${req.url}` });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1 << 20) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        if (text) body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return send(400, { error: 'body is not JSON' });
      }
      route(body).then(
        (result) => send(200, result ?? { ok: true }),
        (err: Error) => {
          log.error({ route: req.url, err: err.message }, 'control request failed');
          send(500, { error: err.message });
        },
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
