import type { Metadata } from 'next';
import { StatusPage } from '@/components/status-page';

export const metadata: Metadata = { title: 'Not allowed' };

export default function Forbidden() {
  return (
    <main className="px-4 py-16">
      <StatusPage status="403" title="Not allowed">
        Your role does not allow this. Ask an admin if you need it.
      </StatusPage>
    </main>
  );
}
