import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Loaded with Node's own require/import instead of being bundled:
  // better-sqlite3 is a native addon; @prisma/client's runtime loads its WASM
  // query compiler with dynamic imports that must resolve inside node_modules;
  // the adapters wrap better-sqlite3 and pg (whose optional pg-native must not be bundled); pino spawns worker threads by file path.
  // The generated client in lib/generated/prisma is our own TypeScript and is
  // bundled like any other module.
  serverExternalPackages: ['better-sqlite3', '@prisma/client', '@prisma/adapter-better-sqlite3', '@prisma/adapter-pg', 'pg', 'pino'],
  // forbidden() and app/forbidden.tsx give a real 403 page when a role lacks a permission.
  // Server actions keep Next's 1 MB body limit; zone files are uploaded to a route
  // (app/(app)/zones/[name]/import/upload) that checks the user before it reads the body.
  experimental: { authInterrupts: true },
  poweredByHeader: false,
};

export default nextConfig;
