import { type FormEvent, useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, QueryError } from '../components/form.js';
import { useCan } from '../session-context.js';

type Transport = 'platform' | 'relay' | 'catcher';
type Security = 'starttls' | 'tls' | 'none';

interface MailSettings {
  transport: Transport;
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
  relay: { host: string; port: number; security: Security; username: string | null; hasPassword: boolean; tlsVerify: boolean } | null;
}

const SETTINGS = 'query MailSettings { mailSettings { transport fromName fromAddress replyTo relay { host port security username hasPassword tlsVerify } } }';
const SAVE = 'mutation SaveMail($input: MailSettingsInput!) { setMailSettings(input: $input) { transport } }';
const TEST = 'mutation TestMail($to: String!) { sendTestMail(to: $to) { ok response durationMs } }';
const FIELDS = ['transport', 'fromName', 'fromAddress', 'replyTo', 'relay.host', 'relay.port', 'relay.security', 'relay.username', 'relay.password', 'relay'];
const DEFAULT_PORT: Record<Security, number> = { starttls: 587, tls: 465, none: 25 };

/**
 * Settings → E-mail: how the tenant's alerts and reports leave Vigia (the service's relay, its own SMTP relay, or
 * kept in the mail catcher), who they are from, and a test that says at once what the relay answered.
 */
export function MailSettingsPanel() {
  const [{ data, error }, refetch] = useQuery<{ mailSettings: MailSettings }>({ query: SETTINGS });
  const canEdit = useCan('admin');
  const [form, setForm] = useState({ transport: 'platform' as Transport, fromName: '', fromAddress: '', replyTo: '', host: '', port: '587', security: 'starttls' as Security, username: '', password: '', tlsVerify: true });
  const [hasPassword, setHasPassword] = useState(false);
  const [saved, save] = useMutation(SAVE);
  const [tested, test] = useMutation<{ sendTestMail: { ok: boolean; response: string; durationMs: number } }>(TEST);
  const [testTo, setTestTo] = useState('');
  const [done, setDone] = useState(false);

  useEffect(() => {
    const s = data?.mailSettings;
    if (!s) return;
    setForm({
      transport: s.transport,
      fromName: s.fromName ?? '',
      fromAddress: s.fromAddress ?? '',
      replyTo: s.replyTo ?? '',
      host: s.relay?.host ?? '',
      port: String(s.relay?.port ?? 587),
      security: s.relay?.security ?? 'starttls',
      username: s.relay?.username ?? '',
      password: '',
      tlsVerify: s.relay?.tlsVerify ?? true,
    });
    setHasPassword(s.relay?.hasPassword ?? false);
  }, [data]);

  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const errors = formErrors(saved.error, FIELDS);
  const relayShown = form.transport === 'relay' || form.host !== '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    const relay = form.host.trim()
      ? {
          host: form.host.trim(),
          port: Number(form.port),
          security: form.security,
          username: form.username.trim() || null,
          // Empty: keep the stored password (the field never shows it).
          ...(form.password ? { password: form.password } : {}),
          tlsVerify: form.tlsVerify,
        }
      : null;
    const res = await save({ input: { transport: form.transport, fromName: form.fromName.trim() || null, fromAddress: form.fromAddress.trim() || null, replyTo: form.replyTo.trim() || null, relay } });
    if (!res.error) {
      // The password leaves the form as soon as it is stored, not when the settings are read back.
      if (form.password) setHasPassword(true);
      setForm((f) => ({ ...f, password: '' }));
      setDone(true);
      refetch({ requestPolicy: 'network-only' });
    }
  };
  const outcome = tested.data?.sendTestMail;

  return (
    <>
      <QueryError error={error} />
      <form className="card" onSubmit={submit} aria-label="E-mail settings">
        <h2>How e-mail leaves Vigia</h2>
        <p className="muted">Alerts, monthly reports and customer notices of this company go this way.</p>
        <FormErrorList errors={errors} />
        <fieldset disabled={!canEdit}>
          <legend>Transport</legend>
          {(
            [
              ['platform', 'The service’s relay', 'sent by the platform, from its address, with your name and your Reply-To'],
              ['relay', 'Our own SMTP relay', 'sent from your address through your server'],
              ['catcher', 'Keep in Vigia (mail catcher)', 'not sent: shown on the Demo page, for trying Vigia out'],
            ] as const
          ).map(([value, label, hint]) => (
            <label key={value} className="radio">
              <input type="radio" name="transport" value={value} checked={form.transport === value} onChange={() => setForm((f) => ({ ...f, transport: value }))} /> {label}{' '}
              <small className="hint">— {hint}</small>
            </label>
          ))}
          {errors.fields.transport && <small className="error" role="alert">{errors.fields.transport}</small>}
          <div className="form-grid">
            <Field label="Sender name" error={errors.fields.fromName} hint="e.g. Example Hosting NOC">
              {(p) => <input {...p} value={form.fromName} onChange={set('fromName')} />}
            </Field>
            <Field label="From address" error={errors.fields.fromAddress} hint="On the service’s relay this becomes the Reply-To">
              {(p) => <input {...p} type="email" value={form.fromAddress} onChange={set('fromAddress')} />}
            </Field>
            <Field label="Reply-To" error={errors.fields.replyTo}>
              {(p) => <input {...p} type="email" value={form.replyTo} onChange={set('replyTo')} />}
            </Field>
          </div>
          {relayShown && (
            <div className="form-grid" aria-label="Own SMTP relay" role="group">
              <Field label="Relay host" error={errors.fields['relay.host'] ?? errors.fields.relay} hint="Host name or address of your SMTP server">
                {(p) => <input {...p} value={form.host} onChange={set('host')} />}
              </Field>
              <Field label="Security" error={errors.fields['relay.security']}>
                {(p) => (
                  <select {...p} value={form.security} onChange={(e) => setForm((f) => ({ ...f, security: e.target.value as Security, port: f.port === String(DEFAULT_PORT[f.security]) ? String(DEFAULT_PORT[e.target.value as Security]) : f.port }))}>
                    <option value="starttls">STARTTLS (required)</option>
                    <option value="tls">TLS from the start</option>
                    <option value="none">None (clear text)</option>
                  </select>
                )}
              </Field>
              <Field label="Port" error={errors.fields['relay.port']}>
                {(p) => <input {...p} inputMode="numeric" value={form.port} onChange={set('port')} />}
              </Field>
              <Field label="User name" error={errors.fields['relay.username']}>
                {(p) => <input {...p} autoComplete="off" value={form.username} onChange={set('username')} />}
              </Field>
              <Field label="Password" error={errors.fields['relay.password']} hint={hasPassword ? 'A password is stored; leave empty to keep it' : 'Stored sealed, never shown again'}>
                {(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />}
              </Field>
              <label className="checkbox">
                <input type="checkbox" checked={form.tlsVerify} onChange={(e) => setForm((f) => ({ ...f, tlsVerify: e.target.checked }))} /> Check the relay’s certificate
              </label>
            </div>
          )}
          {!relayShown && (
            <button type="button" onClick={() => setForm((f) => ({ ...f, transport: 'relay' }))}>
              Set up our own relay
            </button>
          )}
        </fieldset>
        {canEdit && (
          <button type="submit" className="primary">
            Save e-mail settings
          </button>
        )}
        {done && <p role="status">Saved.</p>}
      </form>
      {canEdit && (
        <form
          className="card"
          aria-label="Send a test e-mail"
          onSubmit={(e) => {
            e.preventDefault();
            void test({ to: testTo });
          }}
        >
          <h2>Send a test e-mail</h2>
          <Field label="To" error={formErrors(tested.error, ['to']).fields.to}>
            {(p) => <input {...p} type="email" value={testTo} onChange={(e) => setTestTo(e.target.value)} />}
          </Field>
          <button type="submit" disabled={tested.fetching}>
            {tested.fetching ? 'Sending…' : 'Send a test'}
          </button>
          {outcome && (
            <p role="status" data-testid="mail-test-outcome" className={outcome.ok ? undefined : 'error'}>
              {outcome.ok ? `✓ Sent in ${(outcome.durationMs / 1000).toFixed(1)} s — the relay answered: ${outcome.response}` : `✗ Not sent: ${outcome.response}`}
            </p>
          )}
        </form>
      )}
    </>
  );
}
