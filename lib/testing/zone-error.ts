// Test helper: the ZoneError a write path refuses with, its code checked.
import { expect } from 'vitest';
import { ZoneError } from '../zones/errors';

export async function expectZoneError(p: Promise<unknown>, code: ZoneError['code']): Promise<ZoneError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ZoneError);
  expect((err as ZoneError).code).toBe(code);
  return err as ZoneError;
}
