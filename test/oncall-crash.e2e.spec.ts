import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { waitUntil } from './support/eventually.js';
import { localInstant } from '../libs/alerts/src/channels/human-time.js';

/**
 * A watchdog SIGKILLed in the middle of an escalation (armed failpoint): right after step 1's schedule was resolved
 * and its person's page queued, before anything was delivered. After a restart each step pages exactly once: the
 * schedule is not resolved again, the person gets one e-mail, step 2 one webhook call.
 */
describe('a watchdog killed mid-escalation', () => {
  let api: TestApi;
  let smtp: SMTPServer;
  const mails: string[] = [];
  const hook = new RecordingServer();
  const target = new RecordingServer(() => ({ status: 503, body: 'down' }));
  const watchdogs: RunningProcess[] = [];
  let env: Record<string, string>;
  let targetPort: number;

  /** A company whose monitor fails at once: step 1 pages whoever is on call (ana, by e-mail), step 2 the NOC's webhook a minute later. */
  async function company(slug: string): Promise<void> {
    const { token } = await api.tenant(slug);
    const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
    const ana = (await gql<{ createUser: { id: string } }>('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `ana@${slug}.test`, displayName: 'ana', role: 'operator', password: 'a-long-enough-password' } })).createUser.id;
    const schedule = (await gql<{ createSchedule: { id: string } }>('mutation($i: ScheduleInput!) { createSchedule(input: $i) { id } }', {
      i: { name: 'Primary', timeZone: 'Europe/Madrid', layers: [{ name: 'all week', participantIds: [ana], rotationEvery: 1, rotationUnit: 'weeks', start: '2020-01-06T09:00' }] },
    })).createSchedule.id;
    const noc = (await gql<{ createAlertChannel: { id: string } }>('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', {
      i: { name: 'noc hook', type: 'webhook', config: { url: `${hook.url}/noc-${slug}` }, secret: 'crash-test-secret-0123456789' },
    })).createAlertChannel.id;
    await gql('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', {
      i: { name: 'on call, then the NOC', steps: [{ delayMinutes: 0, channelIds: [], scheduleIds: [schedule] }, { delayMinutes: 1, channelIds: [noc] }] },
    });
    const app1 = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "app1", addresses: ["127.0.0.1"]}) { id } }')).createHost.id;
    await gql(`mutation { createMonitor(input: {name: "app1 http", type: http, hostId: "${app1}", config: {url: "http://127.0.0.1:${targetPort}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`);
  }

  beforeAll(async () => {
    await hook.start();
    targetPort = (await target.start()).port;
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, cb) => void simpleParser(stream).then((m) => (mails.push((Array.isArray(m.to) ? m.to : [m.to]).map((a) => a?.text ?? '').join(',')), cb())),
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    api = await startTestApi();
    await company('crashcall');
    env = {
      DATABASE_URL: api.db.url, VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_ALERT_GROUP_SECONDS: '0', LOG_LEVEL: 'warn',
      VIGIA_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    };
  }, 60_000);

  afterAll(async () => {
    for (const w of watchdogs) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all([target.stop(), hook.stop()]);
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    await api?.close();
  });

  it('pages each step exactly once after a restart', { timeout: 120_000 }, async () => {
    const db = api.app.get(DataSource);
    const doomed = startProcess('apps/watchdog/src/main.js', { ...env, PORT: String(await freePort()), VIGIA_FAILPOINTS: 'after-escalation-fire' });
    watchdogs.push(doomed);
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => doomed.child.on('exit', (_code, signal) => resolve(signal)));
    expect(exit, doomed.output()).toBe('SIGKILL');

    const [incident] = await db.query("SELECT i.id FROM incidents i JOIN tenants t ON t.id = i.tenant_id WHERE t.slug = 'crashcall' AND i.status = 'open'");
    const rows = async () => db.query('SELECT step, target_key, status FROM notifications WHERE incident_id = $1 ORDER BY step, target_key', [incident.id]) as Promise<{ step: number; target_key: string; status: string }[]>;
    const escalationLines = async () => ((await db.query("SELECT message FROM incident_events WHERE incident_id = $1 AND kind = 'escalation'", [incident.id])) as { message: string }[]).map((r) => r.message);
    // Killed after step 1 resolved the schedule and queued ana's page, before it went out.
    const before = await rows();
    expect(before.map((r) => `${r.step} ${r.target_key.replace(/:.*/, '')} ${r.status}`)).toEqual(['0 page queued', '0 schedule sent', '1  queued']);
    expect(await escalationLines()).toHaveLength(1);
    expect(mails).toHaveLength(0);

    const survivor = startProcess('apps/watchdog/src/main.js', { ...env, PORT: String(await freePort()) });
    watchdogs.push(survivor);
    await survivor.waitFor(/watchdog \S+ running/);
    await waitUntil('the first mail', () => mails.length > 0, { timeoutMs: 20_000, everyMs: 200 });
    expect(mails, survivor.output()).toEqual(['ana@crashcall.test']);
    // Step 2 is a minute after the first: brought to now rather than waited for.
    await db.query("UPDATE notifications SET next_attempt_at = now() WHERE incident_id = $1 AND step = 1 AND status = 'queued'", [incident.id]);
    await waitUntil('the webhook of step 2', () => hook.hits.length > 0, { timeoutMs: 20_000, everyMs: 200 });
    await new Promise((r) => setTimeout(r, 3000));
    expect(mails).toEqual(['ana@crashcall.test']);
    expect(hook.hits.filter((h) => h.path === '/noc-crashcall')).toHaveLength(1);
    expect(await escalationLines()).toEqual([expect.stringMatching(/^step 1: schedule "Primary" at .* Europe\/Madrid: ana is on call; paged by email ana@crashcall\.test at once$/)]);
    expect((await rows()).map((r) => `${r.step} ${r.target_key.replace(/:.*/, '')} ${r.status}`)).toEqual(['0 page sent', '0 schedule sent', '1  sent']);
  });

  it('pages once after a kill inside the step’s transaction: all of it rolled back, retaken when its claim runs out, resolved at the same instant', { timeout: 120_000 }, async () => {
    const db = api.app.get(DataSource);
    // The first case's survivor goes: the new company's escalation meets only the doomed watchdog.
    const survivor = watchdogs.at(-1)!;
    survivor.child.kill('SIGTERM');
    await survivor.exited();
    await company('crashcall2');
    const doomed = startProcess('apps/watchdog/src/main.js', { ...env, PORT: String(await freePort()), VIGIA_FAILPOINTS: 'before-escalation-commit' });
    watchdogs.push(doomed);
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => doomed.child.on('exit', (_code, signal) => resolve(signal)));
    expect(exit, doomed.output()).toBe('SIGKILL');

    const [incident] = await db.query("SELECT i.id FROM incidents i JOIN tenants t ON t.id = i.tenant_id WHERE t.slug = 'crashcall2' AND i.status = 'open'");
    const rows = async () => db.query('SELECT step, target_key, status, payload FROM notifications WHERE incident_id = $1 ORDER BY step, target_key', [incident.id]) as Promise<{ step: number; target_key: string; status: string; payload: { resolveAt?: string } }[]>;
    const escalationLines = async () => ((await db.query("SELECT message FROM incident_events WHERE incident_id = $1 AND kind = 'escalation'", [incident.id])) as { message: string }[]).map((r) => r.message);
    // Killed inside the transaction: the step's row stays claimed ('sending'), no page queued, no line written.
    const before = await rows();
    expect(before.map((r) => `${r.step} ${r.target_key.replace(/:.*/, '')} ${r.status}`)).toEqual(['0 schedule sending', '1  queued']);
    const resolveAt = before[0]!.payload.resolveAt!;
    expect(await escalationLines()).toEqual([]);
    expect(mails.filter((m) => m === 'ana@crashcall2.test')).toEqual([]);

    // Its 60 s claim runs out (brought to now, as the step-2 delay in the first case).
    await db.query("UPDATE notifications SET next_attempt_at = now() WHERE incident_id = $1 AND status = 'sending'", [incident.id]);
    const next = startProcess('apps/watchdog/src/main.js', { ...env, PORT: String(await freePort()) });
    watchdogs.push(next);
    await next.waitFor(/watchdog \S+ running/);
    await waitUntil('the mail of the retaken step', () => mails.includes('ana@crashcall2.test'), { timeoutMs: 20_000, everyMs: 200 });
    await new Promise((r) => setTimeout(r, 2000));
    expect(mails.filter((m) => m === 'ana@crashcall2.test'), next.output()).toEqual(['ana@crashcall2.test']);
    // Resolved at the instant the step was due, not at the retake.
    const lines = await escalationLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`step 1: schedule "Primary" at ${localInstant(new Date(resolveAt).toISOString(), 'Europe/Madrid')}: ana is on call; paged by email ana@crashcall2.test at once`);
    expect((await rows()).map((r) => `${r.step} ${r.target_key.replace(/:.*/, '')} ${r.status}`)).toEqual(['0 page sent', '0 schedule sent', '1  queued']);
  });
});
