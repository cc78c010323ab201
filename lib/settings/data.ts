// Reads of admin settings. A missing or unreadable row gives the defaults, so
// a fresh install works without any settings written.
import { db } from '../db';
import { SETTINGS, type SettingKey, type SettingValue } from './schema';

export async function getSetting<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
  const row = await db().setting.findUnique({ where: { key } });
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
