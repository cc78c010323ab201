// The web app's HTTP server: Next's request handler behind the few things
// every request needs before Next sees it (`npm start` runs this; so do the
// browser tests and the benchmarks):
// - who is asking: the client's address from the socket, or from
//   X-Forwarded-For when the socket is a trusted proxy (ZK_TRUSTED_PROXIES);
//   forwarding headers from anyone else are dropped (lib/auth/client-address.ts);
// - the security headers and a per-request CSP nonce (security-headers.ts);
// - a request line Next would choke on (a malformed percent escape) gets 400.
// Listens at ZK_WEB_LISTEN (127.0.0.1 by default) on PORT (3000).
import http from 'node:http';
import path from 'node:path';
import { loadDotEnv } from '../config/dotenv';
import { checkWebSettings, trustedProxies, webListen } from '../config/env';
import { formatHostPort } from '../dns/address';
import { CLIENT_ADDRESS_HEADER, FORWARDING_HEADERS, resolveClientAddress } from '../auth/client-address';
import { ROOT } from './build-stamp';
import { contentSecurityPolicy, newNonce, securityHeaders } from './security-headers';

loadDotEnv();

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/** True when every percent escape in the request target decodes (Next answers 500 on one that does not). */
function decodablePath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?', 1)[0]!;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export function requestListener(handle: Handler, trusted: readonly string[]): http.RequestListener {
  return (req, res) => {
    const { address, viaProxy } = resolveClientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted);
    if (viaProxy) delete req.headers[CLIENT_ADDRESS_HEADER];
    else for (const h of FORWARDING_HEADERS) delete req.headers[h];
    req.headers[CLIENT_ADDRESS_HEADER] = address;

    const csp = contentSecurityPolicy(newNonce());
    // Next reads the nonce from the request's policy header; the client's own is replaced.
    req.headers['content-security-policy'] = csp;
    delete req.headers['content-security-policy-report-only'];
    for (const [name, value] of securityHeaders(csp)) res.setHeader(name, value);

    if (!decodablePath(req.url)) {
      res.statusCode = 400;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('Bad request: the address has a malformed percent escape (like %ZZ).\n');
      return;
    }
    handle(req, res).catch((err: Error) => {
      process.stderr.write(`[web] ${req.method} ${req.url}: ${err.stack ?? err.message}\n`);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}

async function main(): Promise<void> {
  (process.env as Record<string, string>).NODE_ENV ??= 'production';
  checkWebSettings();
  const trusted = trustedProxies();
  const at = webListen();
  // Imported here, after NODE_ENV is set: Next reads it when it loads.
  const { default: next } = await import('next');
  // Next names itself by this host only where a request carries no Host header.
  const hostname = at.address === '0.0.0.0' || at.address === '::' ? 'localhost' : at.address;
  const app = next({ dev: false, dir: ROOT, port: at.port, hostname });
  await app.prepare();
  const server = http.createServer(requestListener(app.getRequestHandler(), trusted));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.address, () => resolve());
  });
  process.stdout.write(
    `[web] listening on ${formatHostPort(at)}` +
      (trusted.length ? `; X-Forwarded-For believed from ${trusted.join(', ')}` : '; X-Forwarded-For ignored (no ZK_TRUSTED_PROXIES)') +
      '\n',
  );
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  main().catch((err: Error) => {
    process.stderr.write(`[web] could not start: ${err.message}\n`);
    process.exit(1);
  });
}
