// The control channel between the web app / CLI and the DNS worker on this
// machine: every route, what its request holds and what it answers. The
// worker's server (lib/worker/control-server.ts) is typed by ControlHandlers,
// the clients (./client.ts) by ControlApi, so a route or a reply changed on
// one side and not the other does not compile. Transport: HTTP on loopback,
// JSON bodies, the secret from ZK_DATA_DIR (control-secret) as a bearer token.

/** What a NOTIFY target answered (lib/worker/notify-out.ts sends it). */
export type NotifyOutcome = 'acknowledged' | 'refused' | 'error' | 'timeout';

/** One target's answer to a NOTIFY. */
export interface NotifyResult {
  /** ADDRESS:PORT. */
  target: string;
  outcome: NotifyOutcome;
  /** The rcode or error, when not acknowledged. */
  detail?: string;
  ms?: number;
}

/** `POST /notify`: the zone's SOA sent to every secondary now, and what each answered. */
export interface NotifyReport {
  zone: string;
  serial: number;
  results: NotifyResult[];
}

/** How a secondary zone's refresh from its primaries ended (lib/worker/secondary/refresh.ts). */
export type RefreshResult =
  | { ok: true; status: 'current' | 'transferred'; serial: number; primary: string; style?: 'ixfr' | 'axfr'; records?: number }
  | { ok: false; error: string };

/** `POST /retrieve`: a whole-zone transfer from the zone's primaries, answered when it has ended. */
export type RetrieveReply = { zone: string } & RefreshResult;

/** The request of `POST /cli` (lib/cli/via-worker.ts). */
export interface WorkerCommandRequest {
  argv: string[];
  /** databaseIdentity() of the CLI's DATABASE_URL: no password in it. */
  database: string;
}

/** The answer of `POST /cli`: what the command printed and its exit status, or why the worker did not run it. */
export type WorkerCommandResult = { ran: true; exitCode: number; stdout: string; stderr: string } | { ran: false; reason: string };

/** Every route (`METHOD /path`) with its request body and its reply. */
export interface ControlApi {
  /** Reload changed zones now (after a commit), rather than at the next poll. */
  'POST /reload': { request: { zone: string }; reply: { loaded: string[]; removed: string[] } };
  /** Is a worker running here, and how many zones it serves. */
  'GET /health': { request: undefined; reply: { ok: true; zones: number } };
  /** NOTIFY the zone's secondaries now, or only `target` (ADDRESS:PORT). */
  'POST /notify': { request: { zone: string; target?: string }; reply: NotifyReport };
  'POST /retrieve': { request: { zone: string }; reply: RetrieveReply };
  /** Probe the zone's secondaries now (the replication doctor's --probe): how many answered the question. */
  'POST /probe': { request: { zone: string }; reply: { zone: string; probed: number } };
  /** Run a `zonekeeper` command in the worker (lib/worker/control-cli.ts). */
  'POST /cli': { request: WorkerCommandRequest; reply: WorkerCommandResult };
}

export type ControlRoute = keyof ControlApi;
export type ControlRequest<R extends ControlRoute> = ControlApi[R]['request'];
export type ControlReply<R extends ControlRoute> = ControlApi[R]['reply'];

/**
 * The worker's side: one handler per route. The body is what arrived, not
 * yet checked (any client with the secret may send anything), so each handler
 * reads it as unknown fields.
 */
export type ControlHandler<R extends ControlRoute> = (body: Record<string, unknown>) => Promise<ControlReply<R>>;
export type ControlHandlers = { [R in ControlRoute]: ControlHandler<R> };

/** `POST /cli` → `{ method: 'POST', path: '/cli' }`. */
export function routeParts(route: ControlRoute): { method: 'GET' | 'POST'; path: string } {
  const [method, path] = route.split(' ') as ['GET' | 'POST', string];
  return { method, path };
}
