// Test helper: the AppError a write path refuses with, its code checked.
import { expect } from 'vitest';
import { AppError } from '../errors';

export async function expectAppError(p: Promise<unknown>, code: AppError['code']): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}
