import type { Metadata } from 'next';
import { NotAllowed } from '@/components/status-page';

export const metadata: Metadata = { title: 'Not allowed' };

export default function Forbidden() {
  return (
    <main className="px-4 py-16">
      <NotAllowed />
    </main>
  );
}
