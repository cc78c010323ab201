// A webhook receiver for tests: an HTTP server on loopback that keeps every
// request it gets (headers and raw body, for checking the signature) and
// answers `status`, which a test may change to play a broken receiver.
import http from 'node:http';

export interface ReceivedHook {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  got: ReceivedHook[];
  /** What it answers from now on (200 by default). */
  status: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(status = 200, pathname = '/hook'): Promise<WebhookReceiver> {
  const got: ReceivedHook[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(receiver.status).end(receiver.status < 300 ? undefined : 'receiver broken');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}${pathname}`,
    got,
    status,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
  return receiver;
}
