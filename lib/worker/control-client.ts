// Client side of the worker's loopback control channel, used by the web app
// and the CLI. Authenticated with the secret in ZK_DATA_DIR (control-secret).
import { controlPort } from '../config/env';
import { readOrCreateSecret } from '../config/secrets';

export class ControlUnavailableError extends Error {
  /** Nothing listens on the control port: the worker is not running (not merely slow). */
  readonly notRunning: boolean;
  constructor(message: string, opts: { notRunning?: boolean } = {}) {
    super(message);
    this.notRunning = opts.notRunning ?? false;
  }
}

export async function controlRequest<T = unknown>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = 5000,
): Promise<T> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  // A refused secret file fails this request (callers that nudge may ignore that), never the caller's write.
  const secret = readOrCreateSecret('control-secret');
  // Loaded with the first request: a CLI command that only reads never talks to the worker, and node:http costs it ~10 ms.
  const http = await import('node:http');
  return new Promise<T>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: controlPort(),
        method,
        path,
        headers: {
          authorization: `Bearer ${secret}`,
          'content-type': 'application/json',
          ...(payload ? { 'content-length': payload.length } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 400) {
            reject(new Error(`worker answered ${res.statusCode}: ${text}`));
            return;
          }
          try {
            resolve((text ? JSON.parse(text) : null) as T);
          } catch {
            reject(new Error(`worker sent invalid JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new ControlUnavailableError('the DNS worker did not answer in time')));
    req.on('error', (err) =>
      reject(
        err instanceof ControlUnavailableError
          ? err
          : new ControlUnavailableError(
              `cannot reach the DNS worker on 127.0.0.1:${controlPort()} (${(err as Error).message}); is it running?`,
              { notRunning: (err as NodeJS.ErrnoException).code === 'ECONNREFUSED' },
            ),
      ),
    );
    req.end(payload);
  });
}
