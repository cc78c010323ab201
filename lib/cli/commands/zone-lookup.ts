// The zone a command names, looked up for the commands that need it to
// exist before they ask the worker or print its state.
import { getZone } from '../../zones/data';
import { AppError } from '../../errors';

/** The zone named, or the error that says there is none and where to look. */
export async function existingZone(name: string): Promise<NonNullable<Awaited<ReturnType<typeof getZone>>>> {
  const z = await getZone(name);
  if (!z) throw noSuchZone(name);
  return z;
}

export function noSuchZone(name: string): AppError {
  return new AppError('not-found', `There is no zone ${canonical(name)}. See: zonekeeper zone list`);
}

/** A zone name as typed, lowercased, with the trailing dot. */
export function canonical(name: string): string {
  return name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
}
