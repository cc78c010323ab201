import type { Metadata } from 'next';
import { hrefWith, pageParam } from '@/components/list-params';
import { Pager } from '@/components/pager';
import { InlineActionForm } from '@/components/settings/inline-action-form';
import { DeleteCell, FormSection, ItemTable, SettingsSection } from '@/components/settings/settings-section';
import { WebhookForm } from '@/components/settings/webhook-form';
import { requireUser } from '@/lib/auth/session';
import { listDeliveries, listWebhooks } from '@/lib/webhooks/data';
import { deleteWebhookAction, sendTestWebhookAction, setWebhookEnabledAction } from '@/lib/webhooks/actions';

export const metadata: Metadata = { title: 'Webhooks · Settings' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const utc = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 19)} UTC`;

const INTRO =
  'When a zone’s replication turns behind, unreachable or missing, and when it recovers, the DNS worker POSTs a JSON alert with the replication doctor’s diagnosis to each enabled webhook, retrying for a day (10 s doubling to 1 h) until it answers 2xx.';

export default async function WebhooksPage({ searchParams }: { searchParams: SearchParams }) {
  await requireUser('user:manage', { returnTo: '/settings/webhooks' });
  const sp = await searchParams;
  const [hooks, log] = await Promise.all([listWebhooks(), listDeliveries(pageParam(sp))]);
  return (
    <div className="max-w-5xl space-y-6">
      <SettingsSection id="wh-heading" title="Webhooks" intro={INTRO}>
        <ItemTable caption="Webhooks" columns={['URL', 'Signed', 'State', 'Added']} count={hooks.length} empty="No webhooks: replication alerts go nowhere.">
          {hooks.map((h) => (
            <tr key={h.id} data-testid="webhook-row">
              <td className="px-3 py-2 font-mono break-all">{h.url}</td>
              <td className="px-3 py-2">{h.signed ? 'yes' : 'no'}</td>
              <td className="px-3 py-2">{h.enabled ? 'enabled' : 'disabled'}</td>
              <td className="px-3 py-2 whitespace-nowrap">{utc(h.createdAt)}</td>
              <td className="space-x-2 px-3 py-2 text-right whitespace-nowrap">
                <InlineActionForm action={setWebhookEnabledAction} fields={{ id: String(h.id), enabled: String(!h.enabled) }} label={h.enabled ? 'Disable' : 'Enable'} accessibleName={`${h.enabled ? 'Disable' : 'Enable'} webhook ${h.url}`} />
                <InlineActionForm action={sendTestWebhookAction} fields={{ id: String(h.id) }} label="Send test" accessibleName={`Send a test to ${h.url}`} sayOk />
              </td>
              <DeleteCell action={deleteWebhookAction} fields={{ id: String(h.id) }} what={`webhook ${h.url}`} confirm={`Remove the webhook ${h.url} and its delivery log?`} />
            </tr>
          ))}
        </ItemTable>
      </SettingsSection>
      <FormSection id="new-wh-heading" title="Add a webhook">
        <WebhookForm />
      </FormSection>
      <SettingsSection id="wh-log-heading" title="Delivery log" intro={`${log.total} deliveries, newest first.`}>
        <ItemTable caption="Webhook deliveries" columns={['Time', 'Zone', 'Event', 'Zone state', 'To', 'Delivery', 'Attempts', 'Last answer']} count={log.rows.length} empty="Nothing sent yet.">
          {log.rows.map((d) => (
            <tr key={d.id} data-testid="delivery-row">
              <td className="px-3 py-2 whitespace-nowrap">{utc(d.createdAt)}</td>
              <td className="px-3 py-2 font-mono">{d.zoneName}</td>
              <td className="px-3 py-2">{d.event}</td>
              <td className="px-3 py-2">{d.state}</td>
              <td className="px-3 py-2 font-mono break-all">{d.webhook.url}</td>
              <td className="px-3 py-2">{d.status}</td>
              <td className="px-3 py-2 tabular-nums">{d.attempts}</td>
              <td className="px-3 py-2">{d.lastError ?? (d.lastStatus !== null ? `HTTP ${d.lastStatus}` : '')}</td>
              <td />
            </tr>
          ))}
        </ItemTable>
        <Pager page={log.page} pages={log.pages} label="Delivery log pages" href={(page) => hrefWith('/settings/webhooks', { page })} />
      </SettingsSection>
    </div>
  );
}
