// Reads of admin settings. A missing or unreadable row gives the defaults, so
// a fresh install works without any settings written.
import { db } from '../db';
import type { Prisma } from '../generated/prisma/client';
import { SETTINGS, type SettingKey, type SettingValue } from './schema';

/** `client`: a transaction's, when the value decides what that transaction may write. */
export async function getSetting<K extends SettingKey>(key: K, client: Pick<Prisma.TransactionClient, 'setting'> = db()): Promise<SettingValue<K>> {
  const row = await client.setting.findUnique({ where: { key } });
  let stored: unknown = {};
  if (row) {
    try {
      stored = JSON.parse(row.value);
    } catch {
      stored = {};
    }
  }
  const parsed = SETTINGS[key].safeParse(stored);
  // A row written by an older version that no longer validates falls back to the defaults.
  return (parsed.success ? parsed.data : SETTINGS[key].parse({})) as SettingValue<K>;
}
