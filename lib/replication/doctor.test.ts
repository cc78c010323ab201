// The doctor's causes from recorded evidence alone, one secondary each: what
// an operator reads is the cause code, the facts and the fix's setting names.
import { describe, expect, it } from 'vitest';
import type { SecondaryStatus } from './data';
import { diagnose, type DoctorZone, type PeerEvent, type SecondaryEvidence } from './doctor';

const now = new Date('2026-12-06T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const zone: DoctorZone = { zone: 'doc.test.', serial: 200, serialPolicy: 'increment', allowTransfer: ['127.0.0.2/32'], tsigKey: 'xfr-key.', catalog: null };
const setup = { notifySource: '127.0.0.1', listen: ['127.0.0.1:5300'] };
const T = '127.0.0.9:5301';

function status(over: Partial<SecondaryStatus>): SecondaryStatus {
  return { target: T, state: 'behind', serial: 100, probe: 'ok', error: null, rttMs: 1, checkedAt: ago(5), lastOkAt: ago(5), lagSerials: 1, lagSeconds: 600, workerId: null, ...over };
}
const notify = (outcome: string, at = ago(300), detail: string | null = null): PeerEvent => ({ at, kind: 'notify-out', serial: 200, outcome, detail, ms: 3 });
const xfr = (outcome: string, at: Date, detail: string | null, serial = 200): PeerEvent => ({ at, kind: 'axfr-out', serial, outcome, detail, ms: 4 });
const one = (s: Partial<SecondaryStatus>, events: PeerEvent[] = [], z = zone) => diagnose(z, [{ status: status(s), events } satisfies SecondaryEvidence], setup, now).secondaries[0]!;

describe('diagnose', () => {
  it('calls a secondary serving our serial healthy', () => {
    const d = one({ state: 'in sync', serial: 200 });
    expect(d).toMatchObject({ healthy: true, cause: 'in-sync', fix: [] });
  });

  it('a refused NOTIFY names our source address and both settings', () => {
    const d = one({}, [notify('refused', ago(300), 'REFUSED')]);
    expect(d).toMatchObject({ healthy: false, cause: 'notify-refused' });
    expect(d.evidence.map((f) => f.text).join('\n')).toMatch(/NOTIFY of serial 200 from 127\.0\.0\.1: refused \(REFUSED\)/);
    expect(d.fix.join(' ')).toMatch(/allow-notify \{ 127\.0\.0\.1; \}/);
    expect(d.fix.join(' ')).toMatch(/ZK_NOTIFY_SOURCE/);
  });

  it('a signed NOTIFY answered NOTAUTH points at the key first', () => {
    const d = one({}, [notify('refused', ago(300), 'NOTAUTH')]);
    expect(d.cause).toBe('notify-refused');
    expect(d.fix[0]).toMatch(/signed with xfr-key\.; it must hold that key with the same secret/);
  });

  it('an unanswered NOTIFY is told apart from a refused one', () => {
    expect(one({}, [notify('timeout', ago(300), 'no answer')]).cause).toBe('notify-unanswered');
  });

  it('an acknowledged NOTIFY with no transfer after it points at its primaries list and our address', () => {
    const d = one({}, [notify('acknowledged'), xfr('ok', ago(9000), 'AXFR', 100)]);
    expect(d.cause).toBe('no-transfer-after-notify');
    expect(d.fix[0]).toMatch(/primaries .* must name 127\.0\.0\.1:5300/);
  });

  it('a refused transfer gives the reason and the setting on each side', () => {
    const acl = one({ probe: 'error', state: 'unreachable', serial: null, error: 'the primary answered SERVFAIL' }, [
      xfr('refused', ago(60), '127.0.0.9 is not in allow-transfer (127.0.0.2/32)'),
    ]);
    expect(acl.cause).toBe('transfer-refused');
    expect(acl.fix[0]).toMatch(/--allow-transfer 127\.0\.0\.2\/32,127\.0\.0\.9\/32/);
    const unsigned = one({}, [xfr('refused', ago(60), 'the zone requires TSIG key xfr-key.; the request was not signed')]);
    expect(unsigned.fix.join(' ')).toMatch(/key xfr-key\./);
    const other = one({}, [xfr('refused', ago(60), 'the zone requires TSIG key xfr-key.; the request was signed with old-key.')]);
    expect(other.fix.join(' ')).toMatch(/use key xfr-key\., not old-key\./);
    expect(one({}, [xfr('refused', ago(60), 'TSIG BADTIME: too far')]).fix.join(' ')).toMatch(/NTP/);
  });

  it('an older refusal followed by a good transfer is not the cause', () => {
    const d = one({ state: 'in sync', serial: 200 }, [xfr('ok', ago(10), 'IXFR'), xfr('refused', ago(600), 'x is not in allow-transfer ()')]);
    expect(d.cause).toBe('in-sync');
  });

  it('a transfer of our serial it does not serve is a failure on its side', () => {
    const d = one({}, [xfr('ok', ago(100), 'AXFR'), notify('acknowledged', ago(120))]);
    expect(d.cause).toBe('transfer-failing');
    expect(d.summary).toMatch(/transferred serial 200/);
  });

  it('a higher serial there: how to move ours past it', () => {
    const d = one({ state: 'in sync', serial: 5000 });
    expect(d).toMatchObject({ healthy: false, cause: 'serial-ahead' });
    expect(d.fix.join(' ')).toMatch(/serial there to 5001/);
    expect(d.fix.join(' ')).toMatch(/--serial-policy date/);
    expect(d.fix.join(' ')).toMatch(/rndc retransfer doc\.test/);
  });

  it('REFUSED for the zone: not configured there, with the catalog route', () => {
    const d = one({ probe: 'refused', state: 'missing', error: 'REFUSED: the server does not serve this zone' });
    expect(d.cause).toBe('zone-missing');
    expect(d.fix.join(' ')).toMatch(/primaries \{ 127\.0\.0\.1 port 5300; \}/);
    expect(d.fix.join(' ')).toMatch(/catalog/);
    expect(one({ probe: 'refused', state: 'missing' }, [], { ...zone, catalog: 'cat.test.' }).fix.join(' ')).toMatch(/consumer of the catalog cat\.test\./);
  });

  it('no answer at all: address, port and the last success', () => {
    const d = one({ probe: 'error', state: 'unreachable', error: 'nothing listens there (port unreachable)', lastOkAt: ago(3600) });
    expect(d.cause).toBe('unreachable');
    expect(d.summary).toMatch(/127\.0\.0\.9 port 5301; last answer 2026-12-06T11:00:00Z/);
  });

  it('a young change is propagating, a lagging one with no NOTIFY recorded says to send one', () => {
    expect(one({ state: 'propagating' }, [notify('acknowledged', ago(1))])).toMatchObject({ healthy: true, cause: 'propagating' });
    expect(one({}).cause).toBe('not-notified');
  });
});
