// The zone fields that take ADDRESS[:PORT] (a secondary's primaries,
// also-notify, an autoprimary's address) go through lib/dns/address.ts.
// Bug: the zone options took port 0 (stored, then NOTIFY or transfers went
// nowhere) while the zone defaults refused it; now every way in refuses it.
import { describe, expect, it } from 'vitest';
import { getZone } from './data';
import { addAutoprimary } from './autoprimaries';
import { AppError } from '../errors';
import { createZone, setZoneOptions } from './zone-lifecycle';

const actor = { name: 'tester' };
const PORT_RULE = 'the port must be a whole number from 1 to 65535';

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('invalid');
  return err as AppError;
}

describe('port 0', () => {
  it('is refused as a new secondary zone’s primary', async () => {
    const err = await refusal(createZone({ name: 'p0.example', kind: 'secondary', primaries: ['192.0.2.1:0'] }, actor));
    expect(err.fieldErrors.primaries).toEqual([`"192.0.2.1:0": ${PORT_RULE}`]);
    expect(await getZone('p0.example')).toBeNull();
  });

  it('is refused in the zone options, primaries and also-notify alike, and nothing is saved', async () => {
    await createZone({ name: 'opts0.example' }, actor);
    const notify = await refusal(setZoneOptions('opts0.example', { alsoNotify: ['192.0.2.53:5353', '[2001:db8::1]:0'] }, actor));
    expect(notify.message).toBe(`alsoNotify: "[2001:db8::1]:0": ${PORT_RULE}`);
    expect(notify.fieldErrors.alsoNotify).toEqual([`"[2001:db8::1]:0": ${PORT_RULE}`]);
    expect((await getZone('opts0.example'))?.alsoNotify).toEqual([]);

    await createZone({ name: 'sec0.example', kind: 'secondary', primaries: ['192.0.2.1'] }, actor);
    const primaries = await refusal(setZoneOptions('sec0.example', { primaries: ['192.0.2.2:0'] }, actor));
    expect(primaries.fieldErrors.primaries).toEqual([`"192.0.2.2:0": ${PORT_RULE}`]);
    expect((await getZone('sec0.example'))?.primaries).toEqual(['192.0.2.1:53']);
  });

  it('is refused as an autoprimary’s port', async () => {
    const err = await refusal(addAutoprimary('192.0.2.7:0', 'ns1.example.net'));
    expect(err.fieldErrors.ip).toEqual([`"192.0.2.7:0": ${PORT_RULE}`]);
  });
});

describe('addresses are stored canonical', () => {
  it('writes primaries and also-notify with the default port, IPv6 in brackets, IPv4-mapped as IPv4', async () => {
    await createZone({ name: 'canon.example', kind: 'secondary', primaries: ['[2001:DB8::1]', '::ffff:192.0.2.1'] }, actor);
    await setZoneOptions('canon.example', { alsoNotify: ['192.0.2.9'] }, actor);
    const z = await getZone('canon.example');
    expect(z?.primaries).toEqual(['[2001:db8::1]:53', '192.0.2.1:53']);
    expect(z?.alsoNotify).toEqual(['192.0.2.9:53']);
  });

  it('names a host name for what it is', async () => {
    await createZone({ name: 'host.example' }, actor);
    const err = await refusal(setZoneOptions('host.example', { alsoNotify: ['ns1.example.net'] }, actor));
    expect(err.fieldErrors.alsoNotify).toEqual(['"ns1.example.net" is not an IP address; use ADDRESS[:PORT], IPv6 as [2001:db8::1]:53']);
  });
});
