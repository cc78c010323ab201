// Types of lib/bundle-entry.mjs for the TypeScript that imports it.
/** The file URL of `entry`'s bundle (a path from the project's root), built first when missing or stale; null when it cannot be built. */
export function bundledEntry(entry: string): Promise<URL | null>;
