import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { DeliveryResult } from '../components/delivery-result.js';
import { Field, FormErrorList, QueryError } from '../components/form.js';
import { SecretInput, secretToSend } from '../components/secret-input.js';
import { configOf, type SettingField, SETTING_FIELD, SettingFields } from '../components/setting-fields.js';
import { DataTable } from '../components/table.js';
import { when } from '../lib/format.js';
import { useCan } from '../session-context.js';
import { useDeliveryOf } from './delivery-of.js';

interface ChannelTypeInfo {
  type: string;
  description: string;
  pages: boolean;
  secretLabel: string | null;
  secretMultiline: boolean;
  fields: SettingField[];
}

interface Channel {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  config: Record<string, unknown>;
  hasSecret: boolean;
  lastDelivery: { kind: string; status: string; lastError: string | null; at: string } | null;
}

const CHANNEL_TYPES = `query ChannelTypes { alertChannelTypes { type description pages secretLabel secretMultiline fields { ${SETTING_FIELD} } } }`;

interface Policy {
  name: string;
  steps: { channelIds: string[]; scheduleIds?: string[]; userIds?: string[] }[];
}

/**
 * What deleting a channel does to the escalation policies: which send to it, and which of their steps would then page
 * nobody — said before the operator confirms, because a step with no one left is an alert that silently goes nowhere.
 */
export function deletionEffects(channelId: string, policies: Policy[]): string {
  const using = policies.filter((p) => p.steps.some((s) => s.channelIds.includes(channelId)));
  if (!using.length) return 'No escalation policy sends to it. The alerts it sent stay on their incidents.';
  const emptied = using.flatMap((p) =>
    p.steps.flatMap((s, i) => (s.channelIds.includes(channelId) && s.channelIds.length === 1 && !s.scheduleIds?.length && !s.userIds?.length ? [`${p.name} step ${i + 1}`] : [])),
  );
  return `${using.map((p) => p.name).join(', ')} send${using.length === 1 ? 's' : ''} to it and will stop.${emptied.length ? ` ${emptied.join(' and ')} would then page nobody.` : ''} The alerts it sent stay on their incidents.`;
}

function destination(config: Record<string, unknown>): string {
  if (Array.isArray(config.to)) return (config.to as string[]).join(', ');
  const where = config.to ?? config.chatId ?? config.channel ?? config.url ?? config.apiUrl;
  return where === undefined ? 'webhook URL (sealed)' : String(where);
}

/**
 * Settings → Alert channels: every channel type of the registry (e-mail, pagers, webhooks, chats, SMS and voice) made,
 * edited, tested and deleted here; each type's form is drawn from `alertChannelTypes`. The secret (routing key, bot
 * token, webhook URL) is write-only: an edit that leaves it empty keeps the stored one.
 */
export function ChannelsPanel() {
  const [{ data, error }, refetch] = useQuery<{ alertChannels: { nodes: Channel[] }; escalationPolicies: Policy[] }>({
    query: 'query Channels { alertChannels(first: 200) { nodes { id name type enabled config hasSecret lastDelivery { kind status lastError at } } } escalationPolicies { name steps } }',
  });
  const [{ data: types }] = useQuery<{ alertChannelTypes: ChannelTypeInfo[] }>({ query: CHANNEL_TYPES });
  const canEdit = useCan('admin');
  const canTest = useCan('operator');
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const [tested, test] = useMutation<{ testAlertChannel: { id: string } }>('mutation T($id: ID!) { testAlertChannel(channelId: $id) { id status } }');
  const [removed, remove] = useMutation('mutation D($id: ID!) { deleteAlertChannel(id: $id) }');
  const [testing, setTesting] = useState<{ channelId: string; notificationId: string } | undefined>();
  const [editing, setEditing] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<string | undefined>();
  // The test is queued like any alert; its outcome is followed until delivered or failed, then shown on its row.
  const outcome = useDeliveryOf(testing?.notificationId, reload);
  const channels = data?.alertChannels.nodes ?? [];
  const edited = channels.find((c) => c.id === editing);
  return (
    <>
      <QueryError error={error ?? tested.error ?? removed.error} />
      <DataTable head={['Name', 'Type', 'Sends to', 'Enabled', 'Last delivery', '']}>
        {channels.map((c) => (
          <tr key={c.id} data-channel={c.name}>
            <td>{c.name}</td>
            <td>{c.type}</td>
            <td>{destination(c.config)}</td>
            <td>{c.enabled ? 'yes' : 'no'}</td>
            <td data-testid="last-delivery">
              {testing?.channelId === c.id && outcome ? (
                <DeliveryResult status={outcome.status} error={outcome.lastError} />
              ) : c.lastDelivery ? (
                <>
                  <DeliveryResult status={c.lastDelivery.status} error={c.lastDelivery.lastError} /> <small className="muted">({c.lastDelivery.kind}, {when(c.lastDelivery.at)})</small>
                </>
              ) : (
                <span className="muted">nothing sent yet</span>
              )}
            </td>
            <td className="row-actions">
              {canTest && (
                <button
                  type="button"
                  onClick={async () => {
                    const res = await test({ id: c.id });
                    if (res.data) setTesting({ channelId: c.id, notificationId: res.data.testAlertChannel.id });
                  }}
                >
                  Send a test
                </button>
              )}
              {canEdit && (
                <button type="button" aria-label={`Edit ${c.name}`} onClick={() => setEditing(c.id)}>
                  Edit
                </button>
              )}
              {canEdit && deleting !== c.id && (
                <button type="button" className="danger" aria-label={`Delete ${c.name}`} onClick={() => setDeleting(c.id)}>
                  Delete…
                </button>
              )}
              {canEdit && deleting === c.id && (
                <span role="alertdialog" aria-label={`Delete ${c.name}?`} className="confirm">
                  <span>{deletionEffects(c.id, data?.escalationPolicies ?? [])}</span>
                  <button type="button" className="danger" onClick={() => remove({ id: c.id }).then((r) => (setDeleting(undefined), !r.error && reload()))}>
                    Delete {c.name}
                  </button>
                  <button type="button" onClick={() => setDeleting(undefined)}>
                    Keep it
                  </button>
                </span>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {canEdit && types && (
        <div className="cards">
          {edited ? (
            <ChannelForm key={edited.id} types={types.alertChannelTypes} channel={edited} onDone={() => (setEditing(undefined), reload())} />
          ) : (
            <ChannelForm types={types.alertChannelTypes} onDone={reload} />
          )}
        </div>
      )}
    </>
  );
}

/** A channel of any type: name, its type's settings, its secret (write-only), enabled. */
function ChannelForm({ types, channel, onDone }: { types: ChannelTypeInfo[]; channel?: Channel; onDone: () => void }) {
  const editing = !!channel;
  const [type, setType] = useState(channel?.type ?? 'email');
  const [name, setName] = useState(channel?.name ?? '');
  const [secret, setSecret] = useState('');
  const [enabled, setEnabled] = useState(channel?.enabled ?? true);
  const [settings, setSettings] = useState<Record<string, string>>({});
  const [created, create] = useMutation('mutation C($input: CreateAlertChannelInput!) { createAlertChannel(input: $input) { id } }');
  const [updated, update] = useMutation('mutation U($id: ID!, $input: CreateAlertChannelInput!) { updateAlertChannel(id: $id, input: $input) { id } }');
  const result = editing ? updated : created;
  const kind = types.find((t) => t.type === type);
  const fields = kind?.fields ?? [];
  const errors = formErrors(result.error, ['name', 'type', 'secret', 'enabled', ...fields.map((f) => `config.${f.name}`), 'config']);
  const stored = channel && channel.type === type ? channel.config : {};
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // An edit that leaves the secret empty omits it: the API keeps the stored one.
    const sent = secretToSend(secret);
    const input = { name: name.trim(), type, config: configOf(fields, settings, stored), enabled, ...(sent !== undefined ? { secret: sent } : {}) };
    const res = editing ? await update({ id: channel.id, input }) : await create({ input });
    if (!res.error) {
      if (!editing) {
        setName('');
        setSecret('');
        setSettings({});
      }
      onDone();
    }
  };
  const title = editing ? `Edit ${channel.name}` : 'New alert channel';
  return (
    <form className="card" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <FormErrorList errors={errors} />
      <Field label="Type" error={errors.fields.type} hint={kind ? `${kind.description}${kind.pages ? ' — a pager: sent at once' : ''}` : undefined}>
        {(p) => (
          <select
            {...p}
            value={type}
            disabled={editing}
            onChange={(e) => {
              setType(e.target.value);
              setSettings({});
            }}
          >
            {types.map((t) => (
              <option key={t.type} value={t.type}>
                {t.type}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Name" error={errors.fields.name}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <SettingFields kind={type} fields={fields} stored={stored} texts={settings} onChange={(key, text) => setSettings({ ...settings, [key]: text })} errors={errors} />
      {kind?.secretLabel && (
        <Field label={kind.secretLabel} error={errors.fields.secret} hint={editing && channel.type === type ? 'Write-only: empty keeps the stored one' : 'Write-only: stored sealed, never shown again'}>
          {(p) => <SecretInput control={p} label={kind.secretLabel!} stored={!!channel?.hasSecret && channel.type === type} value={secret} onChange={setSecret} multiline={kind.secretMultiline} removable={false} />}
        </Field>
      )}
      <Field label="Enabled" error={errors.fields.enabled}>
        {(p) => (
          <select {...p} value={enabled ? 'yes' : 'no'} onChange={(e) => setEnabled(e.target.value === 'yes')}>
            <option value="yes">yes</option>
            <option value="no">no: kept, sends nothing</option>
          </select>
        )}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching || !kind}>
        {editing ? 'Save' : 'Add channel'}
      </button>
      {editing && (
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      )}
    </form>
  );
}
