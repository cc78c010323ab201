import { StatusPage } from '@/components/status-page';

export default function AppForbidden() {
  return (
    <div className="py-10">
      <StatusPage status="403" title="Not allowed">
        Your role does not allow this. Ask an admin if you need it.
      </StatusPage>
    </div>
  );
}
