// HTTP requests to the product from a chosen loopback address (127.0.0.0/8 is
// all local), for what a browser test cannot do: be several clients at once,
// or send headers a browser would not. The sign-in form is posted the way a
// browser without JavaScript posts it (Next's progressive enhancement), so
// the real login action answers.
import http from 'node:http';
import { BASE_URL } from './env';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(
  path: string,
  opts: { method?: string; from?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<RawResponse> {
  const url = new URL(path, BASE_URL);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: opts.method ?? 'GET', localAddress: opts.from, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${path}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

function multipart(fields: Record<string, string>): { body: Buffer; contentType: string } {
  const boundary = `----zk${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  return { body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}

const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export interface LoginResult {
  status: number;
  /** The form's message (wrong password, too many attempts), or '' when none. */
  message: string;
  /** The session cookie (name=value) when the sign-in worked. */
  cookie?: string;
  location?: string;
  headers: http.IncomingHttpHeaders;
}

/** Posts the sign-in form as user `name` from `from`, with any extra headers (a forged X-Forwarded-For, say). */
export async function postLogin(name: string, password: string, opts: { from?: string; headers?: Record<string, string> } = {}): Promise<LoginResult> {
  const page = await request('/login', { from: opts.from });
  // The hidden fields Next renders into the form for a browser without JavaScript.
  const hidden = Object.fromEntries(
    [...page.body.matchAll(/<input type="hidden" name="(\$ACTION[^"]*)"(?: value="([^"]*)")?\/>/g)].map((m) => [m[1]!, unescapeHtml(m[2] ?? '')]),
  );
  if (!Object.keys(hidden).length) throw new Error('the login page has no action fields');
  const { body, contentType } = multipart({ ...hidden, username: name, password });
  // A browser sends Origin with every form POST; Next checks it against the host.
  const res = await request('/login', { method: 'POST', from: opts.from, body, headers: { origin: BASE_URL, ...opts.headers, 'content-type': contentType } });
  const cookie = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('zk_session='))?.split(';')[0];
  const message = /(Wrong user name or password\.|Too many[^"<]*?\.|There have been many failed sign-ins[^"<]*?slowed down\.|The server is busy[^"<]*?\.)/.exec(unescapeHtml(res.body))?.[1] ?? '';
  return { status: res.status, message, cookie, location: res.headers.location, headers: res.headers };
}

/**
 * Sends only a POST's head (its body never comes) and returns the answer: a
 * server that read the body before deciding would wait for it, and this
 * would fail on its time-out instead.
 */
export function postHeadOnly(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const url = new URL(path, BASE_URL);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`${path}: the server waited for the body instead of answering`)));
    req.on('error', reject);
    req.flushHeaders();
  });
}
