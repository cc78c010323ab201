import { StatusPage } from '@/components/status-page';

export default function SettingsNotFound() {
  return (
    <div className="py-10">
      <StatusPage status="404" title="Not found">
        There is no such user or setting.
      </StatusPage>
    </div>
  );
}
