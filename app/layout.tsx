import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { template: '%s · Zonekeeper', default: 'Zonekeeper' },
  description: 'Self-hosted authoritative DNS',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, never prerendered at build time, so
  // that its scripts carry this request's CSP nonce (lib/start/security-headers.ts).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-100 font-sans text-zinc-900 antialiased">{children}</body>
    </html>
  );
}
