import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Loading, Page, QueryError } from '../components/form.js';
import { DataTable } from '../components/table.js';
import { when } from '../lib/format.js';
import { useCan } from '../session-context.js';

export const DEMO_QUERY = 'query Demo { demoCompany { installedAt frontUpstream resourceId servers { name port running url } } }';
const MAILS = 'query CaughtMails { caughtMails(limit: 20) { id to subject text caughtAt } }';
const STOP = 'mutation StopDemoServer($name: String!) { stopDemoServer(name: $name) { frontUpstream } }';
const START = 'mutation StartDemoServer($name: String!) { startDemoServer(name: $name) { frontUpstream } }';
const REMOVE = 'mutation RemoveDemo { removeDemo }';

/** How often the page reads the demo and the mail catcher again while it is open (the tour is watched live). */
const REFRESH_MS = 2_000;

interface DemoData {
  demoCompany: { installedAt: string; frontUpstream: string; resourceId: string | null; servers: { name: string; port: number | null; running: boolean; url: string | null }[] } | null;
}
interface MailsData {
  caughtMails: { id: string; to: string; subject: string; text: string; caughtAt: string }[];
}

/**
 * The live demo company's guided tour: its servers with stop/start, where the front proxy sends visitors now, and the
 * alert e-mails the built-in mail catcher kept — so a newcomer sees detection, the incident, the failover run and
 * the page without configuring anything. Shown only in a tenant that holds the demo.
 */
export function DemoPage() {
  const [{ data, fetching, error }, refetch] = useQuery<DemoData>({ query: DEMO_QUERY });
  const canAct = useCan('admin');
  const canReadMail = useCan('operator');
  useEffect(() => {
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refetch]);
  const demo = data?.demoCompany;
  return (
    <Page title="Live demo">
      <QueryError error={error} />
      {fetching && !data ? (
        <Loading what="the demo" />
      ) : !demo ? (
        <p data-testid="no-demo">This company holds no demo. (A new installation's first tenant gets one unless started with VIGIA_DEMO=off.)</p>
      ) : (
        <>
          <Tour />
          <h2>Servers</h2>
          <p data-testid="front-upstream">
            The front proxy sends visitors to <strong>{demo.frontUpstream}</strong>
            {demo.resourceId && (
              <>
                {' '}— the failover unit <Link to="/resources">demo-shop-front</Link> moves it when the primary fails
              </>
            )}
            .
          </p>
          <DataTable head={['Server', 'Address', 'State', '']}>
            {demo.servers.map((s) => (
              <tr key={s.name} data-server={s.name}>
                <td>{s.name}</td>
                <td>{s.url ?? (s.port ? `127.0.0.1:${s.port}` : '—')}</td>
                <td data-running={s.running}>{s.running ? 'running' : 'stopped'}</td>
                <td>{canAct && <ServerButton name={s.name} running={s.running} onDone={() => refetch({ requestPolicy: 'network-only' })} />}</td>
              </tr>
            ))}
          </DataTable>
          {canReadMail && <MailCatcher />}
          {canAct && <RemoveDemo />}
        </>
      )}
    </Page>
  );
}

function Tour() {
  return (
    <ol className="tour" data-testid="tour">
      <li>Stop <strong>web-a</strong> below. On the <Link to="/fleet">Fleet</Link> its monitor turns suspect at the first failed probe, then down.</li>
      <li>An <Link to="/incidents">incident</Link> opens; the failover unit's runbook runs and the front switches to web-b (this page shows it).</li>
      <li>The alert e-mail lands in the mail catcher below (after the alert grouping window, 30 s by default).</li>
      <li>Start web-a again: the incident resolves and, after 10 s of health, the front fails back.</li>
      <li>The <Link to="/reports">reports</Link> show a month of the demo's history, and now this outage too.</li>
      <li>Stop <strong>imap</strong>: the SMTP server still accepts mail but nothing arrives, so <em>mail round trip</em> goes down while <em>mail smtp</em> stays up — the failure a banner check cannot see.</li>
    </ol>
  );
}

function ServerButton({ name, running, onDone }: { name: string; running: boolean; onDone: () => void }) {
  const [stopState, stop] = useMutation(STOP);
  const [startState, start] = useMutation(START);
  const busy = stopState.fetching || startState.fetching;
  const failed = stopState.error ?? startState.error;
  const act = async (): Promise<void> => {
    await (running ? stop({ name }) : start({ name }));
    onDone();
  };
  return (
    <>
      <button type="button" disabled={busy} onClick={() => void act()}>
        {running ? `Stop ${name}` : `Start ${name}`}
      </button>
      {failed && <span className="field-error" role="alert"> {failed.message.replace(/^\[(GraphQL|Network)\] /, '')}</span>}
    </>
  );
}

function MailCatcher() {
  const [{ data, error }, refetch] = useQuery<MailsData>({ query: MAILS });
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refetch]);
  return (
    <section aria-labelledby="mail-catcher">
      <h2 id="mail-catcher">Mail catcher</h2>
      <p className="muted">The demo's e-mail is kept here instead of sent, so alerts are visible without an SMTP server.</p>
      <QueryError error={error} />
      {data && data.caughtMails.length === 0 && <p data-testid="no-mail">No e-mail yet.</p>}
      {data && data.caughtMails.length > 0 && (
        <DataTable head={['Caught', 'To', 'Subject']}>
          {data.caughtMails.map((m) => (
            <tr key={m.id} data-mail={m.subject}>
              <td>{when(m.caughtAt)}</td>
              <td>{m.to}</td>
              <td>
                <button type="button" className="link" aria-expanded={open === m.id} onClick={() => setOpen(open === m.id ? null : m.id)}>
                  {m.subject}
                </button>
                {open === m.id && <pre className="mail-text">{m.text}</pre>}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function RemoveDemo() {
  const [state, remove] = useMutation(REMOVE);
  const navigate = useNavigate();
  const act = async (): Promise<void> => {
    // Said before it happens: what goes, and what stays.
    if (!window.confirm('Remove the demo? Its servers stop; its hosts, monitors, customers, failover unit, runbook, alerting, history and caught e-mails are deleted. Your users and this company stay.')) return;
    // removeDemo answers a Boolean: name the type so every query that showed the demo (the menu too) is read again.
    const result = await remove({}, { additionalTypenames: ['Demo'] });
    if (!result.error) navigate('/fleet');
  };
  return (
    <section aria-labelledby="remove-demo">
      <h2 id="remove-demo">Done with it?</h2>
      <button type="button" className="danger" disabled={state.fetching} onClick={() => void act()}>
        Remove the demo
      </button>
      {state.error && <span className="field-error" role="alert"> {state.error.message.replace(/^\[(GraphQL|Network)\] /, '')}</span>}
    </section>
  );
}
