import { StatusPage } from '@/components/status-page';

export default function SettingsForbidden() {
  return (
    <div className="py-10">
      <StatusPage status="403" title="Not allowed">
        Settings are for admins. Ask an admin if you need something changed.
      </StatusPage>
    </div>
  );
}
