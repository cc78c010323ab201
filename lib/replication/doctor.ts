// The replication doctor: for each secondary of a zone, why it is not in sync
// and what to change, from evidence the worker already records (the prober's
// last answer in ReplicaStatus, the NOTIFYs we sent and the transfers we served
// or refused as ZoneEvents). A pure function over what doctor-data.ts reads,
// so each cause is tested without a network; the result is plain data (dates,
// strings) that the CLI, the pages and later a webhook body can all carry.
import { nextSerial, serialAtLeast, serialGreater } from '../dns/serial';
import type { SerialPolicy } from '../dns/types';
import type { SecondaryStatus } from './data';

/**
 * Why a secondary is (not) in sync; stable codes for scripts and webhooks.
 * Healthy: in-sync, propagating. Every other one needs an operator.
 */
export const DOCTOR_CAUSES = [
  'zone-missing', // it answers REFUSED/NOTAUTH/NXDOMAIN (or not authoritatively) for the zone
  'unreachable', // no answer at all from its address and port
  'serial-ahead', // it serves a serial higher than ours (RFC 1982): ours went backwards
  'transfer-refused', // we refused its AXFR/IXFR (address, TSIG)
  'notify-refused', // it answered our NOTIFY with REFUSED/NOTAUTH or another error
  'notify-unanswered', // our NOTIFY got no answer
  'no-transfer-after-notify', // it took our NOTIFY but asked us for no transfer since
  'transfer-failing', // we served it the zone, yet it still serves an older serial
  'not-notified', // it lags and no NOTIFY to it is recorded (no worker running?)
  'propagating', // a change is on its way, within ZK_BEHIND_AFTER
  'in-sync',
] as const;
export type DoctorCause = (typeof DOCTOR_CAUSES)[number];

const HEALTHY: readonly DoctorCause[] = ['in-sync', 'propagating'];

/** One plain fact the diagnosis rests on, with when it was seen (null: a setting, not an event). */
export interface DoctorFact {
  at: Date | null;
  text: string;
}

export interface SecondaryDiagnosis {
  /** ADDRESS:PORT, as probed. */
  target: string;
  healthy: boolean;
  cause: DoctorCause;
  /** One line. */
  summary: string;
  evidence: DoctorFact[];
  /** What to change, on which side, in plain words: one step a line. */
  fix: string[];
}

export interface ZoneDiagnosis {
  zone: string;
  serial: number;
  healthy: boolean;
  secondaries: SecondaryDiagnosis[];
}

/** An event between us and one secondary, newest first in SecondaryEvidence. */
export interface PeerEvent {
  at: Date;
  kind: 'notify-out' | 'axfr-out' | 'ixfr-out';
  serial: number | null;
  /** notify-out: acknowledged | refused | timeout | error; transfers: ok | refused. */
  outcome: string;
  detail: string | null;
  ms: number | null;
}

export interface SecondaryEvidence {
  status: SecondaryStatus;
  /** Its NOTIFYs (by target) and transfers (by its address), newest first. */
  events: PeerEvent[];
}

/** The zone's settings the fixes name. */
export interface DoctorZone {
  zone: string;
  serial: number;
  serialPolicy: SerialPolicy;
  allowTransfer: string[];
  /** The TSIG key its transfers need, or null. */
  tsigKey: string | null;
  /** The producer catalog that lists it, or null. */
  catalog: string | null;
}

/** This server's side: where our NOTIFYs come from and where secondaries must reach us. */
export interface DoctorSetup {
  /** The source address of our NOTIFYs (ZK_NOTIFY_SOURCE, else the first listen address). */
  notifySource: string;
  /** Our DNS listen addresses, ADDRESS:PORT: what a secondary's primaries list must name. */
  listen: string[];
}

const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : 'never');

/** `127.0.0.1:5300` → address and port; `[::1]:53` too. */
export function splitTarget(target: string): { address: string; port: string } {
  const m = /^\[(.*)\]:(\d+)$/.exec(target) ?? /^(.*):(\d+)$/.exec(target);
  return m ? { address: m[1]!, port: m[2]! } : { address: target, port: '53' };
}

/** A probe that got a DNS answer (an rcode) rather than silence or a closed port. */
function probeAnswered(s: SecondaryStatus): boolean {
  return s.probe === 'ok' || s.probe === 'missing' || s.probe === 'refused' || /answered [A-Z]+/.test(s.error ?? '');
}

/** The refusal reason's kind, from the wording of lib/worker/transfer-access.ts. */
type RefusalKind = 'acl' | 'unsigned' | 'other-key' | 'unknown-key' | 'bad-signature' | 'bad-time' | 'other';
function refusalKind(reason: string): RefusalKind {
  if (/not in allow-transfer/.test(reason)) return 'acl';
  if (/request was not signed/.test(reason)) return 'unsigned';
  if (/request was signed with/.test(reason)) return 'other-key';
  if (/BADKEY/.test(reason)) return 'unknown-key';
  if (/BADSIG/.test(reason)) return 'bad-signature';
  if (/BADTIME/.test(reason)) return 'bad-time';
  return 'other';
}

function refusalFix(kind: RefusalKind, reason: string, z: DoctorZone, address: string, where: string): string[] {
  const key = z.tsigKey ?? 'KEY';
  switch (kind) {
    case 'acl':
      return [
        `Here: allow its address: zonekeeper zone set ${z.zone} --allow-transfer ${[...z.allowTransfer, hostRange(address)].join(',')} (or the zone's Settings page).`,
        `Or ${where}: make it transfer from an address inside ${z.allowTransfer.join(', ') || 'the allowed ranges'} (BIND: transfer-source).`,
      ];
    case 'unsigned':
      return [
        `${cap(where)}: sign its requests with key ${key} (BIND: primaries { ADDRESS key ${key}; }; with a key "${key}" statement holding the same secret; zonekeeper tsig list shows the key).`,
        `Or here, if transfers should not need a key: zonekeeper zone set ${z.zone} --tsig none.`,
      ];
    case 'other-key': {
      const used = /signed with (\S+)/.exec(reason)?.[1] ?? 'another key';
      return [
        `${cap(where)}: use key ${key}, not ${used}, for this zone's primaries (BIND: primaries { ADDRESS key ${key}; };).`,
        `Or here: zonekeeper zone set ${z.zone} --tsig ${used.replace(/\.$/, '')} to require the key it has.`,
      ];
    }
    case 'unknown-key':
      return [
        `${cap(where)}: it signs with a key name this server does not know; configure key ${key} there with the secret of ours,`,
        `or add its key here: zonekeeper tsig add NAME ALGORITHM SECRET, then zonekeeper zone set ${z.zone} --tsig NAME.`,
      ];
    case 'bad-signature':
      return [`${cap(where)}: the key has our key's name but another secret (or algorithm): copy the secret of ${key} there again.`];
    case 'bad-time':
      return [`Both sides: their clocks differ by more than the TSIG fudge (300 s): run NTP on this server and on it.`];
    default:
      return [`See the refusal above; the transfer rules are the zone's allow-transfer and TSIG key (zonekeeper zone set ${z.zone} --allow-transfer … / --tsig …).`];
  }
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const hostRange = (address: string) => (address.includes(':') ? `${address}/128` : `${address}/32`);

/** How to move our serial past `theirs` with what the product has. */
function serialAheadFix(z: DoctorZone, theirs: number, now: Date, where: string): string[] {
  const steps: string[] = [];
  // A policy whose next serial passes theirs does it with the next change.
  const policies = (['date', 'unixtime'] as const).filter((p) => p !== z.serialPolicy && serialGreater(nextSerial(p, z.serial, now), theirs));
  if (z.serialPolicy !== 'increment' && serialGreater(nextSerial(z.serialPolicy, z.serial, now), theirs)) {
    steps.push(`Here: make any change; the ${z.serialPolicy} policy's next serial (${nextSerial(z.serialPolicy, z.serial, now)}) passes ${theirs}.`);
  } else if (policies.length > 0) {
    const p = policies[0]!;
    steps.push(`Here: zonekeeper zone set ${z.zone} --serial-policy ${p}, then make any change: its next serial (${nextSerial(p, z.serial, now)}) passes ${theirs}.`);
  }
  const target = (theirs + 1) % 2 ** 32;
  steps.push(
    `Here: zonekeeper zone export ${z.zone} > zone.txt, set the SOA serial there to ${target}, then zonekeeper zone import ${z.zone} zone.txt (an imported serial ahead of the policy's is kept).`,
    `Or ${where}: throw its copy away and transfer ours whatever the serial (BIND: rndc retransfer ${z.zone.replace(/\.$/, '')}).`,
  );
  return steps;
}

/**
 * The diagnosis of each secondary of `z`. A secondary data.ts calls
 * propagating (a change younger than ZK_BEHIND_AFTER) is healthy, unless the
 * evidence already shows why the change will not arrive.
 */
export function diagnose(z: DoctorZone, secondaries: readonly SecondaryEvidence[], setup: DoctorSetup, now: Date): ZoneDiagnosis {
  const out = secondaries.map((s) => diagnoseSecondary(z, s, setup, now));
  return { zone: z.zone, serial: z.serial, healthy: out.every((d) => d.healthy), secondaries: out };
}

function diagnoseSecondary(z: DoctorZone, ev: SecondaryEvidence, setup: DoctorSetup, now: Date): SecondaryDiagnosis {
  const s = ev.status;
  const { address, port } = splitTarget(s.target);
  const where = `on the secondary ${s.target}`;
  const ours = listenFor(address, setup.listen);
  const facts: DoctorFact[] = [];
  const fact = (at: Date | null, text: string) => facts.push({ at, text });
  const result = (cause: DoctorCause, summary: string, fix: string[]): SecondaryDiagnosis => ({
    target: s.target,
    healthy: HEALTHY.includes(cause),
    cause,
    summary,
    evidence: facts,
    fix,
  });

  // What it serves, as the last probe saw it.
  const served = s.serial === null ? 'no serial seen yet' : `serial ${s.serial}`;
  fact(s.checkedAt, `probe: ${s.probe === 'ok' ? `answers ${served}` : `${s.probe}${s.error ? ` (${s.error})` : ''}`}; ours is ${z.serial}`);
  if (s.probe !== 'ok') fact(s.lastOkAt, `last SOA answer from it: ${iso(s.lastOkAt)}${s.serial !== null ? `, then serial ${s.serial}` : ''}`);

  if (s.probe === 'missing' || s.probe === 'refused') {
    const steps = [
      `${cap(where)}: add ${z.zone} as a secondary zone whose primaries name ${ours} (BIND: zone "${z.zone.replace(/\.$/, '')}" { type secondary; primaries { ${splitTarget(ours).address} port ${splitTarget(ours).port}; }; };).`,
    ];
    steps.push(
      z.catalog
        ? `Or: make it a consumer of the catalog ${z.catalog}, which lists ${z.zone} already (RFC 9432; BIND: catalog-zones).`
        : `Or let it follow our zones by itself: list ${z.zone} in a catalog zone it consumes (zonekeeper zone set ${z.zone} --catalog NAME; RFC 9432), or make this server an autoprimary there (PowerDNS: a supermaster with our address).`,
    );
    return result('zone-missing', `${s.target} does not serve ${z.zone}: ${s.error ?? s.probe}`, steps);
  }
  if (!probeAnswered(s)) {
    return result('unreachable', `no answer from ${address} port ${port}; last answer ${iso(s.lastOkAt)}`, [
      `Check that the secondary runs and listens on ${address} port ${port}, and that UDP and TCP ${port} from this server reach it (firewall).`,
      `If it moved: update the zone's NS records (and glue) or its also-notify list (zonekeeper zone set ${z.zone} --also-notify …).`,
    ]);
  }
  if (s.probe === 'ok' && s.serial !== null && serialGreater(s.serial, z.serial)) {
    return result('serial-ahead', `${s.target} serves serial ${s.serial}, ahead of ours (${z.serial}): it ignores our copy until ours passes it`, serialAheadFix(z, s.serial, now, where));
  }
  if (s.state === 'in sync') return result('in-sync', `${s.target} serves our serial ${z.serial}`, []);

  // It lags (an older serial, or an answer without the zone loaded, such as SERVFAIL): why?
  const notify = ev.events.find((e) => e.kind === 'notify-out');
  const transfers = ev.events.filter((e) => e.kind !== 'notify-out');
  const lastOk = transfers.find((e) => e.outcome === 'ok');
  const refused = transfers.find((e) => e.outcome === 'refused');
  if (notify) {
    fact(notify.at, `NOTIFY of serial ${notify.serial ?? '?'} from ${setup.notifySource}: ${notify.outcome}${notify.detail ? ` (${notify.detail})` : ''}${notify.ms !== null ? ` after ${notify.ms} ms` : ''}`);
  }
  if (lastOk) fact(lastOk.at, `served it ${lastOk.kind === 'axfr-out' ? 'AXFR' : 'IXFR'} of serial ${lastOk.serial ?? '?'}${lastOk.detail ? ` (${lastOk.detail})` : ''}`);
  if (refused) fact(refused.at, `refused its ${refused.kind === 'axfr-out' ? 'AXFR' : 'IXFR'} from ${address}: ${refused.detail ?? 'refused'}`);

  if (refused && (!lastOk || refused.at.getTime() > lastOk.at.getTime())) {
    const kind = refusalKind(refused.detail ?? '');
    return result('transfer-refused', `we refuse its transfers: ${refused.detail ?? 'refused'}`, refusalFix(kind, refused.detail ?? '', z, address, where));
  }
  if (lastOk && lastOk.serial !== null && serialAtLeast(lastOk.serial, z.serial) && (!notify || lastOk.at.getTime() >= notify.at.getTime())) {
    return result('transfer-failing', `it transferred serial ${lastOk.serial} at ${iso(lastOk.at)} but still serves ${served}`, [
      `${cap(where)}: the transfer reached it but was not loaded: read its log for ${z.zone} (BIND: "transfer of" and "loading from" lines), and check the disk space and permissions of its zone file or journal.`,
    ]);
  }
  if (notify && notify.outcome === 'refused') {
    const src = setup.notifySource;
    // The zone's NOTIFYs are signed with its key: NOTAUTH is the secondary's answer to a key it does not share.
    const keyFirst =
      z.tsigKey && /NOTAUTH|TSIG|BAD(KEY|SIG|TIME)/.test(notify.detail ?? '')
        ? [`${cap(where)}: our NOTIFYs are signed with ${z.tsigKey}; it must hold that key with the same secret and algorithm (zonekeeper tsig list).`]
        : [];
    return result('notify-refused', `it refuses our NOTIFY from ${src}${notify.detail ? ` (${notify.detail})` : ''}`, [
      ...keyFirst,
      `${cap(where)}: accept NOTIFY from ${src}: name ${src} in its primaries for ${z.zone}, or add it to allow-notify (BIND: allow-notify { ${src}; };).`,
      `Or here: set ZK_NOTIFY_SOURCE to the address its primaries list names (one of this server's addresses), and restart the worker.`,
    ]);
  }
  if (notify && notify.outcome !== 'acknowledged') {
    return result('notify-unanswered', `our NOTIFY to ${s.target} ${notify.outcome === 'timeout' ? 'got no answer' : `failed: ${notify.detail ?? notify.outcome}`}`, [
      `Check that ${address} port ${port} takes UDP from ${setup.notifySource} (firewall, the secondary's listen-on), or give the right port in the zone's also-notify.`,
      `It still refreshes on its SOA refresh timer; once NOTIFY gets through, changes arrive in seconds.`,
    ]);
  }
  const young = s.state === 'propagating';
  if (notify && notify.outcome === 'acknowledged') {
    const since = transfers.find((e) => e.at.getTime() >= notify.at.getTime());
    if (!since && !young) {
      return result('no-transfer-after-notify', `it took our NOTIFY at ${iso(notify.at)} but has asked us for no transfer since`, [
        `${cap(where)}: its primaries list for ${z.zone} likely names another address: it must name ${ours} (BIND: primaries { ${splitTarget(ours).address} port ${splitTarget(ours).port}; };).`,
        `If it signs its SOA queries, check its key for us is the zone's (${z.tsigKey ?? 'none required here'}): a query that fails TSIG gets no transfer.`,
      ]);
    }
  }
  if (young) return result('propagating', `a change is on its way to ${s.target} (${served}, ours ${z.serial})`, []);
  if (!notify) {
    return result('not-notified', `it serves ${served}, ours is ${z.serial}, and no NOTIFY to it is recorded`, [
      `Send one now: zonekeeper notify ${z.zone} (needs the DNS worker running: npm run worker); then run the doctor again.`,
    ]);
  }
  return result('transfer-failing', `it serves ${served}, ours is ${z.serial}, though it transferred from us`, [
    `${cap(where)}: read its log for ${z.zone}: its transfers from us are not applied.`,
  ]);
}

/** Of our listen addresses, the one of the secondary's family (the first else). */
function listenFor(address: string, listen: readonly string[]): string {
  const v6 = address.includes(':');
  return listen.find((l) => splitTarget(l).address.includes(':') === v6) ?? listen[0] ?? '(this server)';
}

/** Per cause that needs an operator: how many secondaries, and the zones they belong to (the dashboard's summary). */
export function countCauses(zones: readonly ZoneDiagnosis[]): { cause: DoctorCause; secondaries: number; zones: string[] }[] {
  return DOCTOR_CAUSES.flatMap((cause) => {
    const hit = zones.filter((z) => z.secondaries.some((s) => s.cause === cause && !s.healthy));
    const secondaries = hit.reduce((n, z) => n + z.secondaries.filter((s) => s.cause === cause).length, 0);
    return hit.length ? [{ cause, secondaries, zones: hit.map((z) => z.zone) }] : [];
  });
}
