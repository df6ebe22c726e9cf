import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IncidentHistory, IncidentsService } from '#lib/incidents';
import { MonitorLatency } from '#lib/detection';
import { InventoryHistory, InventoryLookup } from '#lib/inventory';
import { ResourceFleetPort, RunbookFleetPort } from '#lib/runbooks';
import { StatusPagesService, StatusSubscribersService } from '#lib/status-pages';
import { AuditTrail, TenantFacts, TenantPeople } from '#lib/tenancy';
import { PagingTargets } from '#lib/oncall';
import { VantageFleetPort } from '#lib/vantages';
import { startTestApi, type TestApi } from './support/test-api.js';

interface Ids {
  schedule?: string;
  override?: string;
  contact?: string;
  link?: string;
  vantage?: string;
  resource?: string;
  runbook?: string;
  run?: string;
  hostRunbook?: string;
  policy?: string;
  channel?: string;
  chatIdentity?: string;
  notification?: string;
  statusPage?: string;
  statusPost?: string;
  statusSubscriber?: string;
  credential?: string;
  incident?: string;
  maintenance?: string;
  site: string;
  customer: string;
  host: string;
  service: string;
  monitor: string;
  user: string;
  apiToken: string;
}

async function seed(api: TestApi, token: string, prefix: string): Promise<Ids> {
  const run = <T,>(query: string): Promise<T> => api.ok<T>(query, {}, token);
  const site = (await run<{ createSite: { id: string } }>(`mutation { createSite(input: {name: "${prefix}-dc1"}) { id } }`)).createSite.id;
  const customer = (await run<{ createCustomer: { id: string } }>(`mutation { createCustomer(input: {name: "${prefix} customer"}) { id } }`)).createCustomer.id;
  const host = (await run<{ createHost: { id: string } }>(
    `mutation { createHost(input: {name: "${prefix}-web1", addresses: ["192.0.2.10"], siteId: "${site}"}) { id } }`,
  )).createHost.id;
  const service = (await run<{ createService: { id: string } }>(
    `mutation { createService(input: {name: "www", type: web, hostId: "${host}", customerIds: ["${customer}"]}) { id } }`,
  )).createService.id;
  const monitor = (await run<{ createMonitor: { id: string } }>(
    `mutation { createMonitor(input: {name: "${prefix} http", type: http, hostId: "${host}", serviceId: "${service}", config: {url: "http://192.0.2.10/"}, intervalMs: 10000, timeoutMs: 5000}) { id } }`,
  )).createMonitor.id;
  const user = (await run<{ createUser: { id: string } }>(
    `mutation { createUser(input: {email: "ops@${prefix}.test", displayName: "Ops", role: operator, password: "long-enough-password"}) { id } }`,
  )).createUser.id;
  const apiToken = (await run<{ createApiToken: { apiToken: { id: string } } }>(
    'mutation { createApiToken(input: {name: "automation", role: viewer}) { apiToken { id } } }',
  )).createApiToken.apiToken.id;
  return { site, customer, host, service, monitor, user, apiToken };
}

// A throwaway ed25519 key made for this test only (it opens nothing).
const TEST_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();

describe('tenant isolation: an id of another tenant behaves as not found', () => {
  let api: TestApi;
  let a: Ids;
  let b: Ids;
  let tokenA: string;
  let tokenB: string;
  let tenantIds: { a: string; b: string };

  beforeAll(async () => {
    api = await startTestApi();
    const tenantA = await api.tenant('alpha');
    const tenantB = await api.tenant('bravo');
    tokenA = tenantA.token;
    tokenB = tenantB.token;
    tenantIds = { a: tenantA.tenantId, b: tenantB.tenantId };
    a = await seed(api, tenantA.token, 'alpha');
    b = await seed(api, tenantB.token, 'bravo');
    const bRunbook = await api.ok<{ createRunbook: { id: string } }>(
      'mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }',
      { i: { source: 'name: bravo-host\nparams: { h: { type: host } }\nsteps:\n  - { name: say, type: notify, with: { message: "on {{ params.h.name }}" } }\n' } }, tenantB.token,
    );
    b.runbook = b.hostRunbook = bRunbook.createRunbook.id;
    const incident = await api.app.get(IncidentsService).open(
      { id: a.monitor, tenantId: tenantA.tenantId, hostId: a.host, serviceId: a.service, name: 'alpha http' },
      new Date(), 'HTTP 503', { planned: false, flapping: false, suppressed: false },
    );
    a.incident = incident!.id;
    const window = await api.ok<{ createMaintenanceWindow: { id: string } }>(
      `mutation { createMaintenanceWindow(input: {name: "kernel", startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-01T02:00:00Z", hostIds: ["${a.host}"]}) { id } }`,
      {}, tenantA.token,
    );
    a.maintenance = window.createMaintenanceWindow.id;
    a.vantage = (await api.ok<{ createVantage: { vantage: { id: string } } }>('mutation { createVantage(input: {name: "alpha-office", kind: private}) { vantage { id } } }', {}, tenantA.token)).createVantage.vantage.id;
    const credential = await api.ok<{ createSshCredential: { id: string } }>(
      'mutation($i: CreateSshCredentialInput!) { createSshCredential(input: $i) { id } }',
      { i: { name: 'alpha key', privateKey: TEST_KEY } },
      tenantA.token,
    );
    a.credential = credential.createSshCredential.id;
    const channel = await api.ok<{ createAlertChannel: { id: string } }>(
      'mutation { createAlertChannel(input: {name: "alpha mail", type: email, config: {to: ["ops@alpha.test"]}}) { id } }', {}, tenantA.token,
    );
    a.channel = channel.createAlertChannel.id;
    a.chatIdentity = (await api.ok<{ mapChatIdentity: { id: string } }>(`mutation { mapChatIdentity(input: {provider: "telegram", chatUserId: "4242", userId: "${a.user}"}) { id } }`, {}, tenantA.token)).mapChatIdentity.id;
    const tested = await api.ok<{ testAlertChannel: { id: string } }>(`mutation { testAlertChannel(channelId: "${a.channel}") { id } }`, {}, tenantA.token);
    a.notification = tested.testAlertChannel.id;
    a.statusPage = (await api.ok<{ createStatusPage: { id: string } }>(`mutation { createStatusPage(input: {slug: "alpha", title: "Alpha", components: [{kind: service, subjectId: "${a.service}"}]}) { id } }`, {}, tenantA.token)).createStatusPage.id;
    a.statusPost = (await api.ok<{ createStatusPost: { id: string } }>(
      `mutation { createStatusPost(pageId: "${a.statusPage}", input: {title: "alpha outage"}, update: {state: investigating, body: "alpha"}) { id } }`, {}, tenantA.token,
    )).createStatusPost.id;
    a.statusSubscriber = (await api.ok<{ addStatusWebhookSubscriber: { id: string } }>(
      `mutation { addStatusWebhookSubscriber(pageId: "${a.statusPage}", input: {url: "http://127.0.0.1:9/alpha", secret: "alpha-secret-0123456789"}) { id } }`, {}, tenantA.token,
    )).addStatusWebhookSubscriber.id;
    const policy = await api.ok<{ createEscalationPolicy: { id: string } }>(
      `mutation { createEscalationPolicy(input: {name: "alpha", steps: [{delayMinutes: 0, channelIds: ["${a.channel}"]}]}) { id } }`, {}, tenantA.token,
    );
    a.policy = policy.createEscalationPolicy.id;
    const resource = await api.ok<{ createResource: { id: string; runbookId: string } }>(
      `mutation { createResource(input: {name: "alpha-vip", kind: vip_group, config: {address: "192.0.2.100/24", interface: "eth0"}, members: [{hostId: "${a.host}"}]}) { id runbookId } }`, {}, tenantA.token,
    );
    a.resource = resource.createResource.id;
    const runbook = await api.ok<{ createRunbook: { id: string } }>(
      'mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', { i: { source: 'name: alpha-note\nsteps:\n  - { name: say, type: notify, with: { message: hello } }\n' } }, tenantA.token,
    );
    a.runbook = runbook.createRunbook.id;
    const run = await api.ok<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${a.runbook}"}) { id } }`, {}, tenantA.token);
    a.run = run.startRun.id;
    // On-call (issue 20): a schedule with tenant A's user, an override, a contact method.
    a.schedule = (await api.ok<{ createSchedule: { id: string } }>('mutation($i: ScheduleInput!) { createSchedule(input: $i) { id } }', { i: { name: 'alpha primary', timeZone: 'Europe/Madrid', layers: [{ name: 'l', participantIds: [a.user], rotationEvery: 1, rotationUnit: 'weeks', start: '2026-01-05T09:00' }] } }, tenantA.token)).createSchedule.id;
    a.override = (await api.ok<{ addScheduleOverride: { id: string } }>('mutation($i: OverrideInput!) { addScheduleOverride(input: $i) { id } }', { i: { scheduleId: a.schedule, userId: a.user, startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-02T00:00:00Z' } }, tenantA.token)).addScheduleOverride.id;
    a.contact = (await api.ok<{ addContactMethod: { id: string } }>('mutation($i: ContactMethodInput!) { addContactMethod(input: $i) { id } }', { i: { userId: a.user, kind: 'telegram', address: '4242' } }, tenantA.token)).addContactMethod.id;
    const links = await api.gql<{ service: { customerLinks: { id: string }[] } }>(`{ service(id: "${a.service}") { customerLinks { id } } }`, {}, tenantA.token);
    a.link = links.data!.service.customerLinks[0]!.id;
  });
  afterAll(() => api?.close());

  // Every query and mutation that takes an id, called by tenant B with tenant A's ids.
  const cases: [string, (a: Ids, b: Ids) => string, string?][] = [
    ['site', (a) => `{ site(id: "${a.site}") { id } }`],
    ['customer', (a) => `{ customer(id: "${a.customer}") { id } }`],
    ['host', (a) => `{ host(id: "${a.host}") { id } }`],
    ['service', (a) => `{ service(id: "${a.service}") { id } }`],
    ['monitor', (a) => `{ monitor(id: "${a.monitor}") { id } }`],
    ['user', (a) => `{ user(id: "${a.user}") { id } }`],
    ['updateSite', (a) => `mutation { updateSite(id: "${a.site}", input: {name: "stolen"}) { id } }`],
    ['updateCustomer', (a) => `mutation { updateCustomer(id: "${a.customer}", input: {name: "stolen"}) { id } }`],
    ['updateHost', (a) => `mutation { updateHost(id: "${a.host}", input: {name: "stolen"}) { id } }`],
    ['updateService', (a) => `mutation { updateService(id: "${a.service}", input: {name: "stolen"}) { id } }`],
    ['updateMonitor', (a) => `mutation { updateMonitor(id: "${a.monitor}", input: {enabled: false}) { id } }`],
    ['updateUser', (a) => `mutation { updateUser(id: "${a.user}", input: {disabled: true}) { id } }`],
    ['deleteSite', (a) => `mutation { deleteSite(id: "${a.site}") }`],
    ['deleteCustomer', (a) => `mutation { deleteCustomer(id: "${a.customer}") }`],
    ['deleteHost', (a) => `mutation { deleteHost(id: "${a.host}") }`],
    ['deleteService', (a) => `mutation { deleteService(id: "${a.service}") }`],
    ['deleteMonitor', (a) => `mutation { deleteMonitor(id: "${a.monitor}") }`],
    ['deleteUser', (a) => `mutation { deleteUser(id: "${a.user}") }`],
    ['revokeApiToken', (a) => `mutation { revokeApiToken(id: "${a.apiToken}") { id } }`],
    ['incident', (a) => `{ incident(id: "${a.incident}") { id } }`],
    ['notification', (a) => `{ notification(id: "${a.notification}") { id } }`],
    ['statusPage', (a) => `{ statusPage(id: "${a.statusPage}") { id } }`],
    ['updateStatusPage', (a) => `mutation { updateStatusPage(id: "${a.statusPage}", input: {title: "x"}) { id } }`],
    ['statusPageLink', (a) => `mutation { statusPageLink(id: "${a.statusPage}") }`],
    ['createStatusPost', (a) => `mutation { createStatusPost(pageId: "${a.statusPage}", input: {title: "x"}, update: {state: investigating, body: "x"}) { id } }`],
    ['updateStatusPost', (a) => `mutation { updateStatusPost(id: "${a.statusPost}", input: {title: "x"}) { id } }`],
    ['addStatusPostUpdate', (a) => `mutation { addStatusPostUpdate(postId: "${a.statusPost}", input: {state: resolved, body: "x"}) { id } }`],
    ['publishMaintenanceNotice', (a) => `mutation { publishMaintenanceNotice(windowId: "${a.maintenance}", title: "x") { id } }`],
    ['withdrawMaintenanceNotice', (a) => `mutation { withdrawMaintenanceNotice(windowId: "${a.maintenance}") }`],
    ['statusSubscribers', (a) => `{ statusSubscribers(pageId: "${a.statusPage}") { totalCount } }`, 'pageId'],
    ['statusSubscribersCsv', (a) => `{ statusSubscribersCsv(pageId: "${a.statusPage}") }`, 'pageId'],
    ['addStatusWebhookSubscriber', (a) => `mutation { addStatusWebhookSubscriber(pageId: "${a.statusPage}", input: {url: "http://127.0.0.1:9/x", secret: "0123456789abcdef"}) { id } }`, 'pageId'],
    ['deleteStatusSubscriber', (a) => `mutation { deleteStatusSubscriber(id: "${a.statusSubscriber}") }`, 'id'],
    ['updateStatusSubscriberComponents', (a) => `mutation { updateStatusSubscriberComponents(id: "${a.statusSubscriber}", componentIds: []) { id } }`, 'id'],
    ['deleteStatusPost', (a) => `mutation { deleteStatusPost(id: "${a.statusPost}") }`],
    ['deleteStatusPage', (a) => `mutation { deleteStatusPage(id: "${a.statusPage}") }`],
    ['updateMaintenanceWindow', (a) => `mutation { updateMaintenanceWindow(id: "${a.maintenance}", input: {name: "x", startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-01T01:00:00Z", hostIds: ["${b.host}"]}) { id } }`],
    ['deleteMaintenanceWindow', (a) => `mutation { deleteMaintenanceWindow(id: "${a.maintenance}") }`],
    ['stateChanges', (a) => `{ stateChanges(monitorId: "${a.monitor}") { totalCount } }`, 'monitorId'],
    // Bulk actions: one id of another tenant in the selection refuses the whole action, naming it (nothing changed).
    ['setMonitorsEnabled', (a, b) => `mutation { setMonitorsEnabled(ids: ["${b.monitor}", "${a.monitor}"], enabled: false) }`, 'ids[1]'],
    ['deleteMonitors', (a, b) => `mutation { deleteMonitors(ids: ["${b.monitor}", "${a.monitor}"]) }`, 'ids[1]'],
    ['updateHosts', (a, b) => `mutation { updateHosts(ids: ["${b.host}", "${a.host}"], input: {addTags: ["x"]}) }`, 'ids[1]'],
    ['updateHosts', (a, b) => `mutation { updateHosts(ids: ["${b.host}"], input: {siteId: "${a.site}"}) }`, 'siteId'],
    ['deleteHosts', (a, b) => `mutation { deleteHosts(ids: ["${b.host}", "${a.host}"]) }`, 'ids[1]'],
    ['latencySeries', (a) => `{ latencySeries(monitorId: "${a.monitor}", from: "2026-10-01T00:00:00Z", to: "2026-10-02T00:00:00Z") { count } }`, 'monitorId'],
    ['probeNow', (a) => `mutation { probeNow(monitorId: "${a.monitor}") { status } }`, 'monitorId'],
    ['createMaintenanceWindow', (a) => `mutation { createMaintenanceWindow(input: {name: "x", startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-01T01:00:00Z", hostIds: ["${a.host}"]}) { id } }`, 'input.hostIds[0]'],
    ['acknowledgeIncident', (a) => `mutation { acknowledgeIncident(id: "${a.incident}") { id } }`],
    ['addIncidentNote', (a) => `mutation { addIncidentNote(id: "${a.incident}", text: "stolen") { id } }`],
    ['updateEscalationPolicy', (a, b) => `mutation { updateEscalationPolicy(id: "${a.policy}", input: {name: "x", steps: [{delayMinutes: 0, channelIds: ["${b.channel ?? a.channel}"]}]}) { id } }`],
    ['updateAlertChannel', (a) => `mutation { updateAlertChannel(id: "${a.channel}", input: {name: "x", type: email, config: {to: ["x@y.test"]}}) { id } }`],
    ['deleteEscalationPolicy', (a) => `mutation { deleteEscalationPolicy(id: "${a.policy}") }`],
    ['createEscalationPolicy', (a) => `mutation { createEscalationPolicy(input: {name: "steal", steps: [{delayMinutes: 0, channelIds: ["${a.channel}"]}]}) { id } }`, 'input.steps[0].channelIds[0]'],
    ['deleteAlertChannel', (a) => `mutation { deleteAlertChannel(id: "${a.channel}") }`],
    ['testAlertChannel', (a) => `mutation { testAlertChannel(channelId: "${a.channel}") { id } }`, 'channelId'],
    ['unmapChatIdentity', (a) => `mutation { unmapChatIdentity(id: "${a.chatIdentity}") }`],
    ['mapChatIdentity', (a) => `mutation { mapChatIdentity(input: {provider: "slack", chatUserId: "U0STEAL01", userId: "${a.user}"}) { id } }`, 'input.userId'],
    ['deleteSshCredential', (a) => `mutation { deleteSshCredential(id: "${a.credential}") }`],
    ['pinSshHostKey', (a) => `mutation { pinSshHostKey(hostId: "${a.host}") { id } }`, 'hostId'],
    ['createHost', (a) => `mutation { createHost(input: {name: "x2", addresses: ["192.0.2.2"], sshCredentialId: "${a.credential}"}) { id } }`, 'input.sshCredentialId'],
    ['setSlaTarget', (a) => `mutation { setSlaTarget(customerId: "${a.customer}", targetPercent: 99.9) { id } }`, 'customerId'],
    ['customerReportLink', (a) => `mutation { customerReportLink(customerId: "${a.customer}", month: "2026-10") }`, 'customerId'],
    ['previewMonthlyReport', (a) => `mutation { previewMonthlyReport(customerId: "${a.customer}", month: "2026-10") { subject } }`, 'customerId'],
    ['availabilityReport', (a) => `{ availabilityReport(input: {subject: {kind: monitor, id: "${a.monitor}"}, from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z"}) { subjectName } }`, 'input.subject.id'],
    ['incidents', (a) => `{ incidents(filter: {monitorId: "${a.monitor}"}) { totalCount } }`, 'expect-empty'],
    ['resource', (a) => `{ resource(id: "${a.resource}") { id } }`],
    ['updateResource', (a) => `mutation { updateResource(id: "${a.resource}", input: {cooldownMinutes: 1}) { id } }`],
    ['deleteResource', (a) => `mutation { deleteResource(id: "${a.resource}") }`],
    ['actNow', (a) => `mutation { actNow(id: "${a.resource}") { id } }`],
    ['runbook', (a) => `{ runbook(id: "${a.runbook}") { id } }`],
    ['updateRunbook', (a) => `mutation { updateRunbook(id: "${a.runbook}", input: {source: "name: x\\nsteps: [{type: notify, with: {message: m}}]"}) { id } }`],
    ['deleteRunbook', (a) => `mutation { deleteRunbook(id: "${a.runbook}") }`],
    ['setRunbookSchedule', (a) => `mutation { setRunbookSchedule(id: "${a.runbook}", everyMinutes: 5) { id } }`],
    ['setRunbookSchedule', (a, b) => `mutation { setRunbookSchedule(id: "${b.runbook}", everyMinutes: 5, resourceId: "${a.resource}") { id } }`, 'resourceId'],
    ['run', (a) => `{ run(id: "${a.run}") { id } }`],
    ['approveRun', (a) => `mutation { approveRun(id: "${a.run}") { id } }`],
    ['abortRun', (a) => `mutation { abortRun(id: "${a.run}") { id } }`],
    ['startRun', (a) => `mutation { startRun(input: {runbookId: "${a.runbook}"}) { id } }`, 'runbookId'],
    ['startRun', (a, b) => `mutation { startRun(input: {runbookId: "${b.runbook}", resourceId: "${a.resource}"}) { id } }`, 'resourceId'],
    ['dryRunRunbook', (a) => `{ dryRunRunbook(input: {runbookId: "${a.runbook}"}) { name } }`, 'runbookId'],
    ['dryRunRunbook', (a, b) => `{ dryRunRunbook(input: {runbookId: "${b.runbook}", resourceId: "${a.resource}"}) { name } }`, 'resourceId'],
    ['dryRunRunbook', (a, b) => `{ dryRunRunbook(input: {runbookId: "${b.hostRunbook}", params: {h: "${a.host}"}}) { name } }`, 'params.h'],
    ['createResource', (a) => `mutation { createResource(input: {name: "steal", kind: vip_group, config: {address: "192.0.2.100/24", interface: "eth0"}, members: [{hostId: "${a.host}"}]}) { id } }`, 'input.members[0].hostId'],
    ['runs', (a) => `{ runs(filter: {resourceId: "${a.resource}"}) { totalCount } }`, 'expect-empty'],
    ['auditLog', (a) => `{ auditLog(objectId: "${a.monitor}") { objectId } }`, 'expect-empty'],
    ['updateHost', (a, b) => `mutation { updateHost(id: "${b.host}", input: {sshJumpHostId: "${a.host}"}) { id } }`, 'input.sshJumpHostId'],
    ['revokeVantage', (a) => `mutation { revokeVantage(id: "${a.vantage}") { id } }`],
    ['rotateVantageToken', (a) => `mutation { rotateVantageToken(id: "${a.vantage}") { token } }`],
    ['setMonitorVantages', (a) => `mutation { setMonitorVantages(monitorId: "${a.monitor}", input: {quorum: 1}) { quorum } }`, 'monitorId'],
    ['setMonitorVantages', (a, b) => `mutation { setMonitorVantages(monitorId: "${b.monitor}", input: {vantageIds: ["${a.vantage}"]}) { quorum } }`, 'input.vantageIds[0]'],
    // Links to another tenant's objects inside inputs.
    ['createHost', (a) => `mutation { createHost(input: {name: "x1", addresses: ["192.0.2.1"], siteId: "${a.site}"}) { id } }`, 'input.siteId'],
    ['createService', (a) => `mutation { createService(input: {name: "x", type: web, hostId: "${a.host}"}) { id } }`, 'input.hostId'],
    ['createService', (a, b) => `mutation { createService(input: {name: "x", type: web, hostId: "${b.host}", customerIds: ["${b.customer}", "${a.customer}"]}) { id } }`, 'input.customerIds[1]'],
    ['createMonitor', (a) => `mutation { createMonitor(input: {name: "x", type: icmp, hostId: "${a.host}", config: {}, intervalMs: 5000, timeoutMs: 1000}) { id } }`, 'input.hostId'],
    ['createMonitor', (a, b) => `mutation { createMonitor(input: {name: "x", type: icmp, hostId: "${b.host}", serviceId: "${a.service}", config: {}, intervalMs: 5000, timeoutMs: 1000}) { id } }`, 'input.serviceId'],
    ['updateHost', (a, b) => `mutation { updateHost(id: "${b.host}", input: {siteId: "${a.site}"}) { id } }`, 'input.siteId'],
    ['updateService', (a, b) => `mutation { updateService(id: "${b.service}", input: {customerIds: ["${a.customer}"]}) { id } }`, 'input.customerIds[0]'],
    ['updateMonitor', (a, b) => `mutation { updateMonitor(id: "${b.monitor}", input: {hostId: "${a.host}"}) { id } }`, 'input.hostId'],
    // Link periods and purge (ids inside their inputs).
    ['setServiceCustomerLink', (a, b) => `mutation { setServiceCustomerLink(input: {serviceId: "${a.service}", customerId: "${b.customer}"}) { id } }`, 'input.serviceId'],
    ['setServiceCustomerLink', (a, b) => `mutation { setServiceCustomerLink(input: {serviceId: "${b.service}", customerId: "${a.customer}"}) { id } }`, 'input.customerId'],
    ['setServiceCustomerLink', (a, b) => `mutation { setServiceCustomerLink(input: {id: "${a.link}", serviceId: "${b.service}", customerId: "${b.customer}", weight: 9}) { id } }`, 'input.id'],
    // On-call: schedules, overrides, people's contacts and rules, and ids inside their inputs.
    ['schedule', (a) => `{ schedule(id: "${a.schedule}") { id } }`],
    ['whoIsOnCall', (a) => `{ whoIsOnCall(scheduleId: "${a.schedule}") { scheduleId } }`, 'scheduleId'],
    ['updateSchedule', (a) => `mutation { updateSchedule(id: "${a.schedule}", input: {name: "stolen", timeZone: "UTC", layers: []}) { id } }`],
    ['deleteSchedule', (a) => `mutation { deleteSchedule(id: "${a.schedule}") }`],
    ['deleteScheduleOverride', (a) => `mutation { deleteScheduleOverride(id: "${a.override}") }`],
    ['createSchedule', (a) => `mutation { createSchedule(input: {name: "x", timeZone: "UTC", layers: [{name: "l", participantIds: ["${a.user}"], rotationEvery: 1, rotationUnit: days, start: "2026-01-05T09:00"}]}) { id } }`, 'input.layers[0].participantIds[0]'],
    ['addScheduleOverride', (a, b) => `mutation { addScheduleOverride(input: {scheduleId: "${a.schedule}", userId: "${b.user}", startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-02T00:00:00Z"}) { id } }`, 'input.scheduleId'],
    ['contactMethods', (a) => `{ contactMethods(userId: "${a.user}") { id } }`, 'userId'],
    ['notificationRules', (a) => `{ notificationRules(userId: "${a.user}") { id } }`, 'userId'],
    ['personIcalUrl', (a) => `{ personIcalUrl(userId: "${a.user}") }`, 'userId'],
    ['removeContactMethod', (a) => `mutation { removeContactMethod(id: "${a.contact}") }`],
    ['addContactMethod', (a) => `mutation { addContactMethod(input: {userId: "${a.user}", kind: email, address: "x@bravo.test"}) { id } }`, 'input.userId'],
    ['setNotificationRules', (a) => `mutation { setNotificationRules(input: {userId: "${a.user}", rules: []}) { id } }`, 'input.userId'],
    ['createEscalationPolicy', (a) => `mutation { createEscalationPolicy(input: {name: "x", steps: [{delayMinutes: 0, channelIds: [], scheduleIds: ["${a.schedule}"]}]}) { id } }`, 'input.steps[0].scheduleIds[0]'],
    ['createEscalationPolicy', (a) => `mutation { createEscalationPolicy(input: {name: "x", steps: [{delayMinutes: 0, channelIds: [], userIds: ["${a.user}"]}]}) { id } }`, 'input.steps[0].userIds[0]'],
    ...(['monitor', 'service', 'host', 'customer'] as const).map(
      (kind): [string, (a: Ids, b: Ids) => string, string] => ['purge', (a) => `mutation { purge(input: {kind: ${kind}, id: "${a[kind]}", confirm: true}) { incidents } }`, 'input.id'],
    ),
  ];

  it.each(cases.map(([name, build, field], n) => [`${name} #${n}`, build, field] as const))('%s', async (_name, build, field) => {
    const res = await api.gql(build(a, b), {}, tokenB);
    if (field === 'expect-empty') {
      // A filter by another tenant's id is not an error, just nothing (a connection's count, or an empty list).
      expect(res.errors).toBeUndefined();
      expect(JSON.stringify(res.data)).toMatch(/"totalCount":0|^\{"\w+":\[\]\}$/);
      return;
    }
    expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res.errors)).toBe('NOT_FOUND');
    if (field) expect(res.errors?.[0]?.extensions?.field).toBe(field);
    expect(res.errors?.[0]?.message).not.toMatch(/alpha|tenant/i);
  });

  it('covers every query and mutation that takes an id, so a new one cannot skip this test', async () => {
    const schema = await api.gql<{ __schema: { queryType: { fields: Field[] }; mutationType: { fields: Field[] } } }>(
      '{ __schema { queryType { fields { name args { name } } } mutationType { fields { name args { name } } } } }', {}, tokenB,
    );
    type Field = { name: string; args: { name: string }[] };
    const all = [...schema.data!.__schema.queryType.fields, ...schema.data!.__schema.mutationType.fields];
    const takingIds = all.filter((f) => f.args.some((arg) => /^ids?$|Ids?$/.test(arg.name))).map((f) => f.name);
    const tested = new Set(cases.map(([name]) => name));
    expect(takingIds.filter((name) => !tested.has(name))).toEqual([]);
  });

  it("lists and filters never show another tenant's rows", async () => {
    const res = await api.gql<Record<string, { totalCount: number; nodes: { id: string }[] }>>(
      `{ sites { totalCount nodes { id } } customers { totalCount nodes { id } } hosts { totalCount nodes { id } }
         services { totalCount nodes { id } } monitors { totalCount nodes { id } } apiTokens { totalCount nodes { id } }
         bySite: hosts(filter: {siteId: "${a.site}"}) { totalCount nodes { id } }
         byHost: services(filter: {hostId: "${a.host}"}) { totalCount nodes { id } }
         byCustomer: services(filter: {customerId: "${a.customer}"}) { totalCount nodes { id } }
         monitorsOfHost: monitors(filter: {hostId: "${a.host}"}) { totalCount nodes { id } } }`,
      {}, tokenB,
    );
    expect(res.errors).toBeUndefined();
    const seen = Object.values(res.data!).flatMap((c) => c.nodes.map((n) => n.id));
    expect(seen.filter((id) => Object.values(a).includes(id))).toEqual([]);
    expect(res.data!.hosts!.totalCount).toBe(1);
    expect(res.data!.bySite!.totalCount).toBe(0);
  });

  it("shows another tenant's monitors in neither the fleet nor run filters", async () => {
    const res = await api.gql<{ fleet: { total: number; monitors: { id: string[] }; hosts: { id: string }[]; sites: { id: string }[]; services: { id: string }[] }; runs: { totalCount: number } }>(
      `{ fleet { total monitors { id } hosts { id } sites { id } services { id } } runs(filter: {incidentId: "${a.incident}"}) { totalCount } }`,
      {}, tokenB,
    );
    expect(res.errors).toBeUndefined();
    const { fleet } = res.data!;
    const seen = [...fleet.monitors.id, ...fleet.hosts.map((h) => h.id), ...fleet.sites.map((s) => s.id), ...fleet.services.map((s) => s.id)];
    expect(seen.filter((id) => Object.values(a).includes(id))).toEqual([]);
    expect(fleet.monitors.id).toContain(b.monitor);
    expect(fleet.total).toBe(fleet.monitors.id.length);
    expect(res.data!.runs.totalCount).toBe(0);
  });

  it('the ports other libraries read through answer only inside the tenant they are given', async () => {
    const lookup = api.app.get(InventoryLookup);
    expect(await lookup.host(tenantIds.b, a.host)).toBeNull();
    expect(await lookup.host(tenantIds.b, 'alpha-web1')).toBeNull();
    expect((await lookup.host(tenantIds.a, 'alpha-web1'))?.id).toBe(a.host);
    expect(await lookup.monitor(tenantIds.b, a.monitor)).toBeNull();
    expect(await lookup.monitor(tenantIds.b, 'alpha http')).toBeNull();
    expect(await lookup.monitor(tenantIds.a, a.monitor)).toMatchObject({ id: a.monitor });
    // By host/name (names are unique per host): only inside the tenant given.
    expect(await lookup.monitor(tenantIds.b, 'alpha-web1/alpha http')).toBeNull();
    expect(await lookup.monitor(tenantIds.a, 'alpha-web1/alpha http')).toMatchObject({ id: a.monitor });
    expect((await lookup.hostsByIds(tenantIds.b, [a.host, b.host])).map((h) => h.id)).toEqual([b.host]);
    // An empty list answers nothing (TypeORM would read `where: []` as no condition: every tenant's hosts).
    expect(await lookup.hostsByIds(tenantIds.b, [])).toEqual([]);
    const nouns = await lookup.fleetNouns(tenantIds.b);
    expect([...nouns.sites, ...nouns.hosts, ...nouns.services].map((n) => n.id).sort()).toEqual([b.site, b.host, b.service].sort());
    expect(await lookup.liveMonitorCount(tenantIds.b)).toBe(1);
    const history = api.app.get(InventoryHistory);
    expect(await history.liveCustomer(tenantIds.b, a.customer)).toBeNull();
    expect((await history.liveCustomer(tenantIds.a, a.customer))?.id).toBe(a.customer);
    await api.app.get(DataSource).query('UPDATE customers SET email = $2, monthly_reports = true, monthly_reports_since = created_at WHERE id = $1', [a.customer, 'due@alpha.test']);
    try {
      const due = (tenantId: string) => history.customersDueMonthly(tenantId, new Date('2100-01-01T00:00:00Z')).then((cs) => cs.map((c) => c.id));
      expect(await due(tenantIds.b)).not.toContain(a.customer);
      expect(await due(tenantIds.a)).toEqual([a.customer]);
    } finally {
      await api.app.get(DataSource).query('UPDATE customers SET email = NULL, monthly_reports = false, monthly_reports_since = NULL WHERE id = $1', [a.customer]);
    }
    const incidents = api.app.get(IncidentHistory);
    expect(await incidents.openCount(tenantIds.b)).toBe(0);
    expect(await incidents.openCount(tenantIds.a)).toBe(1);
    // Detection's response-time port (status pages' badge): another tenant's monitor gives nothing.
    const db = api.app.get(DataSource);
    await db.query("INSERT INTO probe_rollups (monitor_id, minute, tenant_id, count, failures, degraded, latency_p50, latency_p95) VALUES ($1, '2026-10-01T00:00:00Z', $2, 6, 0, 0, 42, 84) ON CONFLICT DO NOTHING", [a.monitor, tenantIds.a]);
    const latency = api.app.get(MonitorLatency);
    const period = [new Date('2026-10-01T00:00:00Z'), new Date('2026-10-02T00:00:00Z')] as const;
    expect(await latency.medians(tenantIds.b, [a.monitor, b.monitor], ...period)).toEqual([]);
    expect(await latency.medians(tenantIds.a, [a.monitor], ...period)).toEqual([{ monitorId: a.monitor, medianMs: 42, minutes: 1 }]);
    const tenants = api.app.get(TenantFacts);
    expect(await tenants.slugs([tenantIds.a, tenantIds.b])).toEqual(new Map([[tenantIds.a, 'alpha'], [tenantIds.b, 'bravo']]));
    expect(await tenants.idOfSlug('bravo')).toBe(tenantIds.b);
    expect((await tenants.profile(tenantIds.b))?.slug).toBe('bravo');
    const owners = await api.app.get(DataSource).query("SELECT tenant_id, id FROM users WHERE role = 'owner'");
    const ownerOf = new Map((owners as { tenant_id: string; id: string }[]).map((u) => [u.tenant_id, u.id]));
    expect(await api.app.get(TenantPeople).firstActiveOwner(tenantIds.b)).toBe(ownerOf.get(tenantIds.b));
    // Fleet files name people by e-mail and schedules by name: looked up in the applying tenant only.
    const people = api.app.get(TenantPeople);
    expect(await people.byEmails(tenantIds.b, ['ops@alpha.test'])).toEqual(new Map());
    expect([...(await people.byEmails(tenantIds.a, ['OPS@alpha.test'])).values()].map((p) => p.id)).toEqual([a.user]);
    const schedules = api.app.get(PagingTargets);
    expect((await schedules.scheduleIdsByName(tenantIds.b)).has('alpha primary')).toBe(false);
    expect((await schedules.scheduleIdsByName(tenantIds.a)).get('alpha primary')).toBe(a.schedule);
    // The tenant's default vantage assignment (fleet files' `tenant:`): another tenant's is never read nor written.
    const vantages = api.app.get(VantageFleetPort);
    await vantages.setDefaults(db.manager, tenantIds.a, { vantageIds: [a.vantage!], quorum: 1, count: null });
    try {
      expect(await vantages.defaultsOf(db.manager, tenantIds.b)).toBeUndefined();
      expect((await vantages.usable(db.manager, tenantIds.b)).has('alpha-office')).toBe(false);
      await vantages.setDefaults(db.manager, tenantIds.b, null);
      expect(await vantages.defaultsOf(db.manager, tenantIds.a)).toMatchObject({ vantageIds: [a.vantage], quorum: 1 });
    } finally {
      await vantages.setDefaults(db.manager, tenantIds.a, null);
    }
    // Runbooks' port for resources in fleet files: another tenant's resource id reads, runs, saves and removes nothing.
    const resources = api.app.get(ResourceFleetPort);
    expect((await resources.resources(db.manager, tenantIds.b)).map((r) => r.id)).not.toContain(a.resource);
    expect((await resources.resources(db.manager, tenantIds.a)).map((r) => r.id)).toContain(a.resource);
    await db.query(`INSERT INTO runbook_runs (tenant_id, runbook_id, runbook_version, runbook_name, resource_id, lock_key, trigger, actor, params, definition, status)
      SELECT tenant_id, runbook_id, 1, 'isolation', id, 'isolation:' || id::text, 'manual', 'test', '{}', '{}', 'waiting_approval' FROM resources WHERE id = $1`, [a.resource]);
    try {
      expect(await resources.activeRuns(db.manager, tenantIds.b, [a.resource!])).toEqual(new Map());
      expect([...(await resources.activeRuns(db.manager, tenantIds.a, [a.resource!])).keys()]).toEqual([a.resource]);
    } finally {
      await db.query("DELETE FROM runbook_runs WHERE runbook_name = 'isolation'");
    }
    const [stored] = await resources.resources(db.manager, tenantIds.a);
    const save = { ...stored!, primaryHostId: undefined, secrets: { names: [], values: {} }, name: 'hijacked' };
    await expect(resources.save(db.manager, tenantIds.b, { id: a.resource!, exists: true }, save, 'test')).rejects.toThrow();
    await resources.remove(db.manager, tenantIds.b, a.resource!);
    // A runbook's schedule (fleet files): another tenant's runbook id is never scheduled, nor read.
    const runbookPort = api.app.get(RunbookFleetPort);
    await runbookPort.setSchedule(db.manager, tenantIds.b, a.runbook!, { everyMinutes: 5, resourceId: b.resource ?? null }, new Date());
    expect((await db.query('SELECT schedule_every_minutes FROM runbooks WHERE id = $1', [a.runbook]))[0].schedule_every_minutes).toBeNull();
    expect((await runbookPort.runbooks(db.manager, tenantIds.b)).map((r) => r.id)).not.toContain(a.runbook);
    expect((await resources.resources(db.manager, tenantIds.a)).map((r) => [r.id, r.name])).toEqual([[a.resource, stored!.name]]);
  });

  it("the audit trail: another tenant's objects' changes are neither listed by id nor named in drift", async () => {
    // Tenant A's monitor was created (and edited) through the API by A's people: recorded in A's trail only.
    const mine = await api.ok<{ auditLog: { objectId: string | null }[] }>(`{ auditLog(objectId: "${a.monitor}") { objectId } }`, {}, tokenA);
    expect(mine.auditLog.length).toBeGreaterThan(0);
    const theirs = await api.ok<{ auditLog: { objectId: string | null }[] }>(`{ auditLog(objectId: "${a.monitor}", first: 500) { objectId } }`, {}, tokenB);
    expect(theirs.auditLog).toEqual([]);
    const all = await api.ok<{ auditLog: { objectId: string | null }[] }>('{ auditLog(first: 500) { objectId } }', {}, tokenB);
    expect(all.auditLog.map((e) => e.objectId)).not.toContain(a.monitor);
    const port = api.app.get(AuditTrail);
    expect((await port.lastChanges(tenantIds.b, [a.monitor!])).size).toBe(0);
    expect((await port.lastChanges(tenantIds.a, [a.monitor!])).size).toBe(1);
  });

  it("another tenant's status-page components are not components of one's own page (a webhook's componentIds)", async () => {
    const alpha = await api.gql<{ statusPage: { components: { id: string }[] } }>(`{ statusPage(id: "${a.statusPage}") { components { id } } }`, {}, tokenA);
    const component = alpha.data!.statusPage.components[0]!.id;
    const page = (await api.ok<{ createStatusPage: { id: string } }>(`mutation { createStatusPage(input: {slug: "bravo-own", title: "Bravo", components: [{kind: service, subjectId: "${b.service}"}]}) { id } }`, {}, tokenB)).createStatusPage.id;
    const res = await api.gql(`mutation { addStatusWebhookSubscriber(pageId: "${page}", input: {url: "http://127.0.0.1:9/b", secret: "0123456789abcdef", componentIds: ["${component}"]}) { id } }`, {}, tokenB);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.componentIds.0' });
    expect(res.errors?.[0]?.message).not.toMatch(/alpha|tenant/i);
    expect((await api.app.get(DataSource).query('SELECT count(*)::int AS n FROM status_subscribers WHERE page_id = $1', [page]))[0].n).toBe(0);
  });

  it("a status subscriber's manage link reads and changes nothing through another tenant's page", async () => {
    const db = api.app.get(DataSource);
    const [{ id: sub }] = (await db.query(
      "INSERT INTO status_subscribers (tenant_id, page_id, kind, address, component_ids, confirmed_at) VALUES ($1, $2, 'email', 'reader@alpha.test', '{}', now()) RETURNING id",
      [tenantIds.a, a.statusPage],
    )) as { id: string }[];
    try {
      await api.ok('mutation { createStatusPage(input: {slug: "bravo-manage", title: "Bravo"}) { id } }', {}, tokenB);
      const pages = api.app.get(StatusPagesService);
      const subscribers = api.app.get(StatusSubscribersService);
      const bravo = (await pages.bySlugs('bravo', 'bravo-manage'))!;
      const alpha = (await pages.bySlugs('alpha', 'alpha'))!;
      expect(await subscribers.choice(bravo, sub!)).toBeUndefined();
      expect(await subscribers.choose(bravo, sub!, [])).toBe('missing');
      // Alpha's page id under bravo's tenant finds nothing either: the query names the tenant as well as the page.
      expect(await subscribers.choice({ ...alpha, tenantId: tenantIds.b }, sub!)).toBeUndefined();
      expect(await subscribers.choose({ ...alpha, tenantId: tenantIds.b }, sub!, [])).toBe('missing');
      expect(await subscribers.choice(alpha, sub!)).toEqual([]);
    } finally {
      await db.query('DELETE FROM status_subscribers WHERE id = $1', [sub]);
    }
  });

  it("left tenant A's objects untouched", async () => {
    const tenantA = await api.gql<{ login: { token: string } }>(
      'mutation { login(input: {tenant: "alpha", email: "owner@alpha.test", password: "pw-alpha-correct-horse"}) { token } }',
    );
    const res = await api.gql<{ host: { name: string; site: { name: string } }; monitor: { enabled: boolean }; service: { customers: { id: string }[]; customerLinks: { weight: number }[] } }>(
      `{ host(id: "${a.host}") { name site { name } } monitor(id: "${a.monitor}") { enabled } service(id: "${a.service}") { customers { id } customerLinks { weight } } }`,
      {}, tenantA.data!.login.token,
    );
    expect(res.data).toEqual({
      host: { name: 'alpha-web1', site: { name: 'alpha-dc1' } },
      monitor: { enabled: true },
      service: { customers: [{ id: a.customer }], customerLinks: [{ weight: 1 }] },
    });
  });
});
