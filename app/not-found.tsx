import type { Metadata } from 'next';
import { StatusPage } from '@/components/status-page';

export const metadata: Metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <main className="px-4 py-16">
      <StatusPage status="404" title="Page not found">
        There is nothing at this address.
      </StatusPage>
    </main>
  );
}
