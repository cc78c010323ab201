// Zone lifecycle against a real SQLite database: what an operator would
// notice after creating or deleting a zone, or a refused creation.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { expectAppError } from '../testing/app-error';
import { getZone } from './data';
import { createZone, deleteZone } from './zone-lifecycle';

const actor = { name: 'tester' };


describe('createZone', () => {
  it('creates a primary zone with SOA and NS, stored canonical, and journals it', async () => {
    const z = await createZone({ name: 'Create.Example.', nameservers: ['ns1.create.example.', 'ns2'] }, actor);
    expect(z.name).toBe('create.example.');
    const detail = await getZone('CREATE.example');
    expect(detail?.records.map((r) => `${r.name} ${r.type} ${r.content}`)).toEqual([
      `create.example. SOA ns1.create.example. hostmaster.create.example. ${z.serial} 10800 3600 1209600 3600`,
      'create.example. NS ns1.create.example.',
      'create.example. NS ns2.create.example.',
    ]);
    const changes = await db().change.findMany({ where: { zoneId: detail!.id } });
    expect(changes).toHaveLength(1);
    expect(Number(changes[0]!.newSerial)).toBe(z.serial);
  });

  it('refuses a duplicate zone and a bad name with field errors', async () => {
    await createZone({ name: 'dup.example' }, actor);
    const dup = await expectAppError(createZone({ name: 'DUP.example.' }, actor), 'exists');
    expect(dup.fieldErrors.name?.[0]).toMatch(/already exists/);
    const bad = await expectAppError(createZone({ name: 'bad..example' }, actor), 'invalid');
    expect(bad.fieldErrors.name?.[0]).toMatch(/empty label/);
  });

  it('turns a contact e-mail into the SOA RNAME', async () => {
    await createZone({ name: 'contact.example', contact: 'dns-admin@example.net' }, actor);
    expect((await getZone('contact.example'))?.soa.rname).toBe('dns-admin.example.net.');
  });
});


describe('deleteZone', () => {
  it('removes the zone and says so when it does not exist', async () => {
    await createZone({ name: 'gone.example' }, actor);
    await deleteZone('gone.example', actor);
    expect(await getZone('gone.example')).toBeNull();
    await expectAppError(deleteZone('gone.example', actor), 'not-found');
  });
});
