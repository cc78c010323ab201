import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { template: '%s · Zonekeeper', default: 'Zonekeeper' },
  description: 'Self-hosted authoritative DNS',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-100 font-sans text-zinc-900 antialiased">{children}</body>
    </html>
  );
}
