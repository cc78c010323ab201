import { StatusPage } from '@/components/status-page';

export default function ZoneNotFound() {
  return (
    <div className="py-10">
      <StatusPage status="404" title="No such zone">
        This server has no zone by that name. It may have been deleted, or the address is mistyped.
      </StatusPage>
    </div>
  );
}
