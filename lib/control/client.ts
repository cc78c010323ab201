// Client side of the worker's loopback control channel (./protocol.ts), used
// by the web app and the CLI. Authenticated with the secret in ZK_DATA_DIR
// (control-secret).
import type { Socket } from 'node:net';
import { controlPort } from '../config/env';
import { readOrCreateSecret } from '../config/secrets';
import { routeParts, type ControlReply, type ControlRequest, type ControlRoute } from './protocol';

export class ControlUnavailableError extends Error {
  /** Nothing listens on the control port: the worker is not running (not merely slow). */
  readonly notRunning: boolean;
  /** The request's body was sent: the worker may have acted on it, although no answer came. */
  readonly delivered: boolean;
  constructor(message: string, opts: { notRunning?: boolean; delivered?: boolean } = {}) {
    super(message);
    this.notRunning = opts.notRunning ?? false;
    this.delivered = opts.delivered ?? false;
  }
}

export interface ControlExchangeOptions {
  /** How long the request may wait for the worker, idle, before it gives up. */
  timeoutMs: number;
  /**
   * Send the body only once the worker has read the request's head (HTTP
   * `Expect: 100-continue`, RFC 9110 §10.1.1), and give up with the body
   * unsent (`delivered` false) when that takes longer than this: the worker
   * then cannot have acted on it. For a request that must not be repeated
   * when its outcome is unknown.
   */
  acceptMs?: number;
}

/** One request to the worker: the status and body of its answer, whatever the status. */
export async function controlExchange<R extends ControlRoute>(
  route: R,
  body: ControlRequest<R>,
  opts: ControlExchangeOptions,
): Promise<{ status: number; text: string }> {
  const { method, path } = routeParts(route);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  // A refused secret file fails this request (callers that nudge may ignore that), never the caller's write.
  const secret = readOrCreateSecret('control-secret');
  const waitForAccept = opts.acceptMs !== undefined && payload !== undefined;
  const socket = await connect(waitForAccept ? opts.acceptMs! : opts.timeoutMs);
  // Loaded once a worker answers: a CLI command finding none runs without it (node:http cost it 10–20 ms of CPU).
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    let delivered = !waitForAccept;
    const req = http.request(
      {
        createConnection: () => socket,
        method,
        path,
        headers: {
          authorization: `Bearer ${secret}`,
          'content-type': 'application/json',
          ...(payload ? { 'content-length': payload.length } : {}),
          ...(waitForAccept ? { expect: '100-continue' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // Answered before the body went (a refusal): the body never goes.
          if (!delivered) req.destroy();
          resolve({ status: res.statusCode ?? 500, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => reject(new ControlUnavailableError(`the DNS worker's answer broke off (${err.message})`, { delivered })));
      },
    );
    // Set on the request, not as its `timeout` option, which a socket of our own (createConnection) does not get.
    req.setTimeout(waitForAccept ? opts.acceptMs! : opts.timeoutMs);
    req.on('continue', () => {
      delivered = true;
      req.setTimeout(opts.timeoutMs);
      req.end(payload);
    });
    req.on('timeout', () =>
      req.destroy(new ControlUnavailableError(delivered ? 'the DNS worker did not answer in time' : 'the DNS worker did not take the request in time', { delivered })),
    );
    req.on('error', (err) =>
      reject(err instanceof ControlUnavailableError ? err : new ControlUnavailableError(`the connection to the DNS worker broke off (${err.message})`, { delivered })),
    );
    if (!waitForAccept) req.end(payload);
  });
}

/** A connection to the control port: rejects, `notRunning`, when nothing listens there. */
async function connect(timeoutMs: number): Promise<Socket> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: controlPort() });
    const slow = () => socket.destroy(new ControlUnavailableError('the DNS worker did not take the connection in time'));
    socket.setTimeout(timeoutMs, slow);
    const failed = (err: Error) =>
      reject(
        err instanceof ControlUnavailableError
          ? err
          : new ControlUnavailableError(`cannot reach the DNS worker on 127.0.0.1:${controlPort()} (${err.message}); is it running?`, {
              notRunning: (err as NodeJS.ErrnoException).code === 'ECONNREFUSED',
            }),
      );
    socket.once('error', failed);
    socket.once('connect', () => {
      // From here the request's own timeout and error listeners report; an error in between must not go unhandled.
      socket.setTimeout(0);
      socket.off('timeout', slow).off('error', failed).on('error', () => {});
      resolve(socket);
    });
  });
}

/** One request to the worker and its reply; throws when it answers with an error status or not JSON. */
export async function controlRequest<R extends ControlRoute>(route: R, body: ControlRequest<R>, timeoutMs = 5000): Promise<ControlReply<R>> {
  const { status, text } = await controlExchange(route, body, { timeoutMs });
  if (status >= 400) throw new Error(`worker answered ${status}: ${text}`);
  try {
    // The worker's handlers are typed by the same ControlApi (lib/worker/control-server.ts).
    return (text ? JSON.parse(text) : null) as ControlReply<R>;
  } catch {
    throw new Error(`worker sent invalid JSON: ${text.slice(0, 200)}`);
  }
}
