import { NotAllowed } from '@/components/status-page';

export default function AppForbidden() {
  return (
    <div className="py-10">
      <NotAllowed />
    </div>
  );
}
