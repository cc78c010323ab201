// Zone list settings (primaries, also-notify, allow-transfer) are JSON arrays
// of strings in text columns; this is the one place that reads and writes them.

export function readList(text: string | null | undefined): string[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function writeList(items: readonly string[]): string {
  return JSON.stringify([...items]);
}
