// Every form and input that takes a TTL or an SOA timer reads it the same way
// (lib/zones/schema.ts ttlText): the new-zone and zone-defaults forms used to
// take whole seconds only and refused the `1h` that the editor and CLI took.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_TTL } from '../dns/ttl';
import { zoneDefaultsFormSchema } from '../settings/schema';
import { createZoneFormSchema, createZoneSchema, recordInputSchema } from './schema';

const newZoneForm = (defaultTtl: string) =>
  createZoneFormSchema.safeParse({ kind: 'primary', name: 'example.com', primaries: '', nameservers: '', contact: '', defaultTtl, serialPolicy: 'increment' });

const defaultsForm = (fields: Partial<Record<'defaultTtl' | 'refresh' | 'retry' | 'expire' | 'minimum', string>>) =>
  zoneDefaultsFormSchema.safeParse({
    nameservers: '',
    contact: '',
    serialPolicy: 'increment',
    allowTransfer: '',
    alsoNotify: '',
    defaultTtl: '3600',
    refresh: '3h',
    retry: '1h',
    expire: '2w',
    minimum: '1h',
    ...fields,
  });

function fieldErrors(result: { success: boolean; error?: z.ZodError }): Record<string, string[] | undefined> {
  return result.error ? (z.flattenError(result.error).fieldErrors as Record<string, string[] | undefined>) : {};
}

describe('TTL input in forms', () => {
  it('the new-zone form reads seconds and durations, and a blank field as the default', () => {
    expect(newZoneForm('1h').data?.defaultTtl).toBe(3600);
    expect(newZoneForm(' 90 ').data?.defaultTtl).toBe(90);
    expect(newZoneForm('1h30m').data?.defaultTtl).toBe(5400);
    expect(newZoneForm('').data?.defaultTtl).toBeUndefined();
  });

  it('the new-zone form refuses what is not a TTL, naming the field', () => {
    expect(fieldErrors(newZoneForm('1x')).defaultTtl).toEqual(['Default TTL "1x" is not a number of seconds or a duration like 5m, 1h30m or 1d']);
    expect(fieldErrors(newZoneForm(String(MAX_TTL + 1))).defaultTtl?.[0]).toMatch(/^Default TTL .* too large; the limit is 2147483647 seconds/);
  });

  it('the zone-defaults form reads the TTL and every SOA timer the same way', () => {
    const parsed = defaultsForm({ defaultTtl: '1h' });
    expect(parsed.data).toMatchObject({ defaultTtl: 3600, refresh: 10800, retry: 3600, expire: 1209600, minimum: 3600 });
    const bad = fieldErrors(defaultsForm({ retry: 'soon', minimum: '' }));
    expect(bad.retry).toEqual(['Retry "soon" is not a number of seconds or a duration like 5m, 1h30m or 1d']);
    expect(bad.minimum?.[0]).toMatch(/^Minimum "" is not a number/);
  });

  it('the change service (CLI and API) takes seconds as a number or text as typed; the editor likewise', () => {
    expect(createZoneSchema.parse({ name: 'example.com', defaultTtl: '1d' }).defaultTtl).toBe(86400);
    expect(createZoneSchema.parse({ name: 'example.com', defaultTtl: 300 }).defaultTtl).toBe(300);
    expect(createZoneSchema.safeParse({ name: 'example.com', defaultTtl: -5 }).success).toBe(false);
    expect(recordInputSchema.parse({ name: 'www', type: 'a', ttl: '5m', content: '192.0.2.1' }).ttl).toBe(300);
  });
});
