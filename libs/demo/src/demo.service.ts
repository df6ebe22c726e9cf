import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock, VigiaException } from '#lib/common';
import { type DemoMysqlTarget, VigiaConfig } from '#lib/config';
import { EgressPolicy } from '#lib/egress';
import { MailCatcher, TenantMailSettings } from '#lib/mail';
import { RunHistory } from '#lib/runbooks';
import { ApiTokensService, TenantPeople } from '#lib/tenancy';
import { writeDemoHistory } from './demo-history.js';
import { DEMO_MAIL_LOGIN, DEMO_SERVER_NAMES, DEMO_ZONE, type DemoServerName, DemoServers, isDemoServerName } from './demo-servers.js';
import { SelfApi } from './self-api.js';

/** What the demo made, by name: removed again by removeDemo, re-pointed after a restart on other ports. */
export interface DemoObjects {
  customers: Record<string, string>;
  hosts: Record<string, string>;
  services: Record<string, string>;
  monitors: Record<string, string>;
  channelId?: string;
  policyId?: string;
  runbookId?: string;
  resourceId?: string;
  /**
   * The machine's own MySQL/MariaDB the demo watches (VIGIA_DEMO_MYSQL_URL when it was installed): where, never the
   * login (that is sealed in the monitor). Not the demo's server: never started, stopped or changed by Vigia.
   */
  mysql?: { address: string; port: number };
}

interface DemoRow {
  tenant_id: string;
  created_at: Date;
  servers: Partial<Record<DemoServerName, number>>;
  objects: DemoObjects;
  api_key: string;
}

export interface DemoServerStatus {
  name: DemoServerName;
  port: number | null;
  running: boolean;
  url: string | null;
}

export interface DemoStatus {
  installedAt: Date;
  servers: DemoServerStatus[];
  frontUpstream: string;
  resourceId: string | null;
  monitorIds: string[];
  /** `address:port` of the machine's MySQL/MariaDB the demo watches, or null. */
  mysqlTarget: string | null;
}

const CUSTOMERS = [
  { key: 'bakery', name: 'Panadería López (demo)', email: 'it@panaderia-lopez.example', sla: 99.9 },
  { key: 'hotel', name: 'Hotel Miramar (demo)', email: 'web@hotel-miramar.example', sla: 99.5 },
  { key: 'lawyers', name: 'Ortega & Vidal lawyers (demo)', email: 'office@ortega-vidal.example', sla: 99.0 },
];
/** The demo's MySQL names (host, service, monitor): only when VIGIA_DEMO_MYSQL_URL was given at install. */
const MYSQL = { host: 'db', service: 'db', serviceName: 'shop database', monitor: 'db mysql' } as const;
const RUNBOOK = `name: demo/front-failover
description: "Demo: point the front proxy at a healthy web server (its routing record, through the PowerDNS-style API it serves), then check the front serves that server."
params:
  from: { type: host, required: false, description: "the web server that failed" }
  to: { type: host, description: "the web server to serve from" }
steps:
  - name: point the front at it
    type: dns.update
    with: { values: ["{{ params.to.name }}.${DEMO_ZONE}"], verify: false }
  - name: front serves it
    type: wait.until
    with:
      probe: http
      config: { url: "{{ resource.config.apiUrl }}/", bodyRegex: "{{ params.to.name }}" }
      deadline: 10s
      interval: 200ms
`;

/**
 * The live demo company: installs it into a tenant (through the GraphQL API), runs its servers on 127.0.0.1 for as
 * long as it exists (again after a restart, on the same ports when free, else re-pointing its monitors and
 * resource), grants the tenant the egress exception for exactly those endpoints, routes its e-mail to the mail
 * catcher, and removes all of it on request.
 */
@Injectable()
export class DemoService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Demo');
  private readonly running = new Map<string, DemoServers>();
  /** Demos whose servers came back on other ports: their monitors and resource are re-pointed once the API listens. */
  private readonly moved = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly egress: EgressPolicy,
    private readonly catcher: MailCatcher,
    private readonly mailSettings: TenantMailSettings,
    private readonly tokens: ApiTokensService,
    private readonly runHistory: RunHistory,
    private readonly people: TenantPeople,
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Before the watchdog's first probe: the servers and the exception are there. */
  async onModuleInit(): Promise<void> {
    for (const row of await this.rows()) {
      const servers = await this.startServers(row);
      if (DEMO_SERVER_NAMES.some((name) => row.servers[name] !== servers.ports[name])) this.moved.add(row.tenant_id);
      this.logger.log(`demo of tenant ${row.tenant_id}: servers on ${this.describe(servers, row.objects)}`);
    }
  }

  onApplicationBootstrap(): void {
    if (!this.moved.size) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as import('node:http').Server | undefined;
    server?.once('listening', () => void this.repointMoved(server));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const [tenantId, servers] of this.running) {
      this.egress.exceptions.revoke(tenantId);
      await servers.stopAll();
    }
    this.running.clear();
  }

  async isInstalled(tenantId: string): Promise<boolean> {
    return !!(await this.row(tenantId));
  }

  /**
   * Installs the demo into `tenantId` (owner `ownerId`), through the API at `baseUrl` (this process). Returns how
   * many past incidents the month of history has.
   */
  async install(tenantId: string, ownerId: string, baseUrl: string, now = this.clock.now()): Promise<{ incidents: number }> {
    const apiKey = randomBytes(18).toString('base64url');
    const inserted = (await this.dataSource.query(
      `INSERT INTO demo_installations (tenant_id, api_key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING tenant_id`,
      [tenantId, apiKey],
    )) as unknown[];
    if (!inserted.length) throw new VigiaException('CONFLICT', 'this tenant already has the demo');
    const mysql = this.config.demoMysql;
    const objects: DemoObjects = { customers: {}, hosts: {}, services: {}, monitors: {}, ...(mysql ? { mysql: { address: mysql.address, port: mysql.port } } : {}) };
    const save = () => this.dataSource.query('UPDATE demo_installations SET objects = $2 WHERE tenant_id = $1', [tenantId, JSON.stringify(objects)]);
    // Saved before anything is built: a removal after a failed install still knows the MySQL endpoint was granted.
    await save();
    const servers = await this.startServers({ tenant_id: tenantId, created_at: now, servers: {}, objects, api_key: apiKey });
    await this.mailSettings.setTransport(tenantId, 'catcher');
    const api = await SelfApi.open(this.tokens, baseUrl, tenantId, ownerId, 'install');
    try {
      await this.build(api, servers, apiKey, objects, mysql);
    } finally {
      await save();
      await api.revoke();
    }
    const monitors = Object.entries(objects.monitors).map(([name, id]) => ({ id, name, hostId: '', serviceId: null as string | null }));
    const rows = (await this.dataSource.query('SELECT id, host_id, service_id FROM monitors WHERE id = ANY($1::uuid[])', [monitors.map((m) => m.id)])) as { id: string; host_id: string; service_id: string | null }[];
    for (const m of monitors) Object.assign(m, { hostId: rows.find((r) => r.id === m.id)!.host_id, serviceId: rows.find((r) => r.id === m.id)!.service_id });
    const incidents = await this.dataSource.transaction((manager) =>
      writeDemoHistory(manager, tenantId, monitors, Object.values(objects.hosts), Object.values(objects.services), Object.values(objects.customers), now),
    );
    this.logger.log(`demo installed in tenant ${tenantId}: servers on ${this.describe(servers, objects)}; a month of history with ${incidents} past incidents`);
    return { incidents };
  }

  private async build(api: SelfApi, servers: DemoServers, apiKey: string, objects: DemoObjects, mysql: DemoMysqlTarget | undefined): Promise<void> {
    const port = (name: DemoServerName) => servers.ports[name]!;
    for (const c of CUSTOMERS) {
      const { createCustomer } = await api.ok<{ createCustomer: { id: string } }>('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }', { i: { name: c.name, email: c.email } });
      objects.customers[c.key] = createCustomer.id;
      await api.ok('mutation($c: ID!, $t: Float!) { setSlaTarget(customerId: $c, targetPercent: $t) { id } }', { c: createCustomer.id, t: c.sla });
    }
    for (const [name, tags] of [['web-a', ['demo', 'web']], ['web-b', ['demo', 'web']], ['front', ['demo', 'proxy']], ['mail', ['demo', 'mail']], ['ns', ['demo', 'dns']]] as const) {
      const { createHost } = await api.ok<{ createHost: { id: string } }>('mutation($i: CreateHostInput!) { createHost(input: $i) { id } }', { i: { name, addresses: ['127.0.0.1'], tags } });
      objects.hosts[name] = createHost.id;
    }
    const all = Object.values(objects.customers);
    const services = [
      { key: 'www', name: 'shop website', type: 'web', host: 'front', customerIds: all },
      { key: 'web-a', name: 'shop backend a', type: 'web', host: 'web-a', customerIds: [] },
      { key: 'web-b', name: 'shop backend b', type: 'web', host: 'web-b', customerIds: [] },
      { key: 'mail', name: 'mail', type: 'mail', host: 'mail', customerIds: [objects.customers.bakery!, objects.customers.hotel!] },
      { key: 'dns', name: 'dns', type: 'dns', host: 'ns', customerIds: all },
    ];
    for (const s of services) {
      const { createService } = await api.ok<{ createService: { id: string } }>('mutation($i: CreateServiceInput!) { createService(input: $i) { id } }', {
        i: { name: s.name, type: s.type, hostId: objects.hosts[s.host], customerIds: s.customerIds },
      });
      objects.services[s.key] = createService.id;
    }
    for (const m of this.monitorInputs(servers, objects)) {
      const { createMonitor } = await api.ok<{ createMonitor: { id: string } }>('mutation($i: CreateMonitorInput!) { createMonitor(input: $i) { id } }', { i: m.input });
      objects.monitors[m.name] = createMonitor.id;
    }
    if (mysql) await this.buildMysql(api, objects, mysql);
    const { createAlertChannel } = await api.ok<{ createAlertChannel: { id: string } }>('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', {
      i: { name: 'demo on-call e-mail (mail catcher)', type: 'email', config: { to: ['oncall@demo-hosting.example'] } },
    });
    objects.channelId = createAlertChannel.id;
    const { createEscalationPolicy } = await api.ok<{ createEscalationPolicy: { id: string } }>('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', {
      i: { name: 'demo: everything to on-call', steps: [{ delayMinutes: 0, channelIds: [createAlertChannel.id] }] },
    });
    objects.policyId = createEscalationPolicy.id;
    const { createRunbook } = await api.ok<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', { i: { source: RUNBOOK } });
    objects.runbookId = createRunbook.id;
    const { createResource } = await api.ok<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: {
        name: 'demo-shop-front',
        kind: 'dns_record',
        config: { provider: 'powerdns', apiUrl: `http://127.0.0.1:${port('front')}`, server: '127.0.0.1', port: port('front'), zone: DEMO_ZONE, name: 'www', type: 'CNAME', ttl: 60 },
        secrets: { apiKey },
        members: [
          { hostId: objects.hosts['web-a'], monitorIds: [objects.monitors['web-a http']], value: `web-a.${DEMO_ZONE}` },
          { hostId: objects.hosts['web-b'], monitorIds: [objects.monitors['web-b http']], value: `web-b.${DEMO_ZONE}` },
        ],
        runbookId: createRunbook.id,
        cooldownMinutes: 0,
        failback: 'auto',
        failbackHoldSeconds: 10,
      },
    });
    objects.resourceId = createResource.id;
  }

  /**
   * The machine's own MySQL/MariaDB as the demo's database server: a host at its loopback address, the `shop database`
   * service of every demo customer (so its outages count in their reports and bars), and a `mysql` monitor logging in
   * with the URL's user. The password goes into the monitor's config through the API like any typed-in credential,
   * which seals it; the demo keeps only the address and port. Made last: the month of history's other outages stay the
   * same with or without it.
   */
  private async buildMysql(api: SelfApi, objects: DemoObjects, mysql: DemoMysqlTarget): Promise<void> {
    const { createHost } = await api.ok<{ createHost: { id: string } }>('mutation($i: CreateHostInput!) { createHost(input: $i) { id } }', {
      i: { name: MYSQL.host, addresses: [mysql.address], tags: ['demo', 'mysql'] },
    });
    objects.hosts[MYSQL.host] = createHost.id;
    const { createService } = await api.ok<{ createService: { id: string } }>('mutation($i: CreateServiceInput!) { createService(input: $i) { id } }', {
      i: { name: MYSQL.serviceName, type: 'mysql', hostId: createHost.id, customerIds: Object.values(objects.customers) },
    });
    objects.services[MYSQL.service] = createService.id;
    const config = {
      port: mysql.port,
      user: mysql.user,
      ...(mysql.password !== undefined ? { password: mysql.password } : {}),
      ...(mysql.database ? { database: mysql.database } : {}),
      query: 'SELECT 1',
    };
    const { createMonitor } = await api.ok<{ createMonitor: { id: string } }>('mutation($i: CreateMonitorInput!) { createMonitor(input: $i) { id } }', {
      i: { name: MYSQL.monitor, type: 'mysql', hostId: createHost.id, serviceId: createService.id, config, intervalMs: 5000, timeoutMs: 2000 },
    });
    objects.monitors[MYSQL.monitor] = createMonitor.id;
  }

  private monitorInputs(servers: DemoServers, objects: DemoObjects): { name: string; input: Record<string, unknown> }[] {
    const url = (name: DemoServerName) => `http://127.0.0.1:${servers.ports[name]}/`;
    return [
      { name: 'web-a http', input: { name: 'web-a http', type: 'http', hostId: objects.hosts['web-a'], serviceId: objects.services['web-a'], config: { url: url('web-a'), bodyRegex: 'web-a' }, intervalMs: 2000, timeoutMs: 1000 } },
      { name: 'web-b http', input: { name: 'web-b http', type: 'http', hostId: objects.hosts['web-b'], serviceId: objects.services['web-b'], config: { url: url('web-b'), bodyRegex: 'web-b' }, intervalMs: 2000, timeoutMs: 1000 } },
      { name: 'www via front', input: { name: 'www via front', type: 'http', hostId: objects.hosts.front, serviceId: objects.services.www, config: { url: url('front') }, intervalMs: 2000, timeoutMs: 1000 } },
      { name: 'mail smtp', input: { name: 'mail smtp', type: 'smtp', hostId: objects.hosts.mail, serviceId: objects.services.mail, config: { port: servers.ports.mail }, intervalMs: 5000, timeoutMs: 2000 } },
      ...(objects.hosts.ns ? this.mailAndDnsInputs(servers, objects) : []),
    ];
  }

  /** IMAP, the mail round trip (SMTP in, IMAP out) and DNS: installed by this version (an older demo has no `ns` host). */
  private mailAndDnsInputs(servers: DemoServers, objects: DemoObjects): { name: string; input: Record<string, unknown> }[] {
    const mail = { hostId: objects.hosts.mail, serviceId: objects.services.mail };
    return [
      { name: 'mail imap', input: { name: 'mail imap', type: 'imap', ...mail, config: { port: servers.ports.imap, ...DEMO_MAIL_LOGIN }, intervalMs: 10_000, timeoutMs: 3000 } },
      {
        name: 'mail round trip',
        input: {
          name: 'mail round trip', type: 'mail_roundtrip', ...mail, intervalMs: 15_000, timeoutMs: 8000,
          config: { smtpPort: servers.ports.mail, imapPort: servers.ports.imap, from: 'probe@demo-hosting.example', to: 'postmaster@demo-hosting.example', starttls: false, ...DEMO_MAIL_LOGIN },
        },
      },
      {
        name: 'dns web-a',
        input: {
          name: 'dns web-a', type: 'dns', hostId: objects.hosts.ns, serviceId: objects.services.dns, intervalMs: 5000, timeoutMs: 2000,
          config: { server: '127.0.0.1', port: servers.ports.dns, name: `web-a.${DEMO_ZONE}`, recordType: 'A', expect: ['127.0.0.1'] },
        },
      },
    ];
  }

  async status(tenantId: string): Promise<DemoStatus | null> {
    const row = await this.row(tenantId);
    if (!row) return null;
    const servers = this.running.get(tenantId);
    return {
      installedAt: row.created_at,
      servers: DEMO_SERVER_NAMES.map((name) => {
        const port = servers?.ports[name] ?? row.servers[name] ?? null;
        const scheme = { mail: 'smtp', imap: 'imap', dns: 'dns' }[name as string] ?? 'http';
        return { name, port, running: !!servers?.isRunning(name), url: port ? `${scheme}://127.0.0.1:${port}${scheme === 'http' ? '/' : ''}` : null };
      }),
      frontUpstream: servers?.upstream ?? 'web-a',
      resourceId: row.objects.resourceId ?? null,
      monitorIds: Object.values(row.objects.monitors),
      mysqlTarget: row.objects.mysql ? endpointText(row.objects.mysql) : null,
    };
  }

  /** Stops one demo server (the dashboard's "stop web-a"): its port refuses until it is started again. */
  async stopServer(tenantId: string, name: string): Promise<DemoStatus> {
    const servers = await this.serversOf(tenantId, name);
    await servers.stop(name as DemoServerName);
    return (await this.status(tenantId))!;
  }

  /** Starts it again on the same port (the monitors and the resource point at it). */
  async startServer(tenantId: string, name: string): Promise<DemoStatus> {
    const servers = await this.serversOf(tenantId, name);
    const port = servers.ports[name as DemoServerName];
    const got = await servers.start(name as DemoServerName, port);
    if (got !== port) {
      await servers.stop(name as DemoServerName);
      servers.ports[name as DemoServerName] = port;
      throw new VigiaException('CONFLICT', `port ${port} of ${name} is taken by another program; restart Vigia to move the demo to free ports`, 'name');
    }
    return (await this.status(tenantId))!;
  }

  /**
   * Removes the demo: its runbook, failover unit, alert channel and policy, hosts (purged with their monitors,
   * services, incidents and state changes), customers; its servers stop and the egress exception goes with them;
   * the tenant's e-mail goes to SMTP again and the caught mails are deleted. The tenant and its users stay.
   */
  async remove(tenantId: string, ownerId: string, baseUrl: string): Promise<void> {
    const row = await this.row(tenantId);
    if (!row) throw VigiaException.notFound('demo');
    const o = row.objects;
    const api = await SelfApi.open(this.tokens, baseUrl, tenantId, ownerId, 'remove');
    const quietly = (query: string, variables: Record<string, unknown>) => api.ok(query, variables).catch((error: unknown) => this.logger.warn(`demo removal: ${String(error)}`));
    try {
      // The demo's runs (the audit of its failovers) go with it: nothing of the demo is left.
      await this.runHistory.removeRunsOf(tenantId, { resourceId: o.resourceId, runbookId: o.runbookId });
      if (o.resourceId) await quietly('mutation($id: ID!) { deleteResource(id: $id) }', { id: o.resourceId });
      if (o.policyId) await quietly('mutation($id: ID!) { deleteEscalationPolicy(id: $id) }', { id: o.policyId });
      if (o.channelId) await quietly('mutation($id: ID!) { deleteAlertChannel(id: $id) }', { id: o.channelId });
      for (const id of Object.values(o.hosts)) await quietly('mutation($id: ID!) { purge(input: {kind: host, id: $id, confirm: true}) { id } }', { id });
      for (const id of Object.values(o.customers)) await quietly('mutation($id: ID!) { purge(input: {kind: customer, id: $id, confirm: true}) { id } }', { id });
      if (o.runbookId) await quietly('mutation($id: ID!) { deleteRunbook(id: $id) }', { id: o.runbookId });
    } finally {
      await api.revoke();
    }
    const servers = this.running.get(tenantId);
    this.running.delete(tenantId);
    this.egress.exceptions.revoke(tenantId);
    await servers?.stopAll();
    await this.mailSettings.setTransport(tenantId, 'platform');
    await this.catcher.clear(tenantId);
    await this.dataSource.query('DELETE FROM demo_installations WHERE tenant_id = $1', [tenantId]);
    this.logger.log(`demo removed from tenant ${tenantId}`);
  }

  /** The address this process's API answers on, for the self API. */
  selfUrl(server = this.adapterHost.httpAdapter?.getHttpServer() as import('node:http').Server | undefined): string {
    const address = server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the API is not listening yet');
    const host = ['0.0.0.0', '::', ''].includes(address.address) ? '127.0.0.1' : address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  private async serversOf(tenantId: string, name: string): Promise<DemoServers> {
    if (name === MYSQL.host || name === 'mysql') {
      throw VigiaException.invalid('name', 'the demo\'s MySQL is this machine\'s own MySQL/MariaDB (VIGIA_DEMO_MYSQL_URL), not a server Vigia runs: Vigia never stops or starts it');
    }
    if (!isDemoServerName(name)) throw VigiaException.invalid('name', `must be one of ${DEMO_SERVER_NAMES.join(', ')}`);
    const servers = this.running.get(tenantId);
    if (!servers) throw VigiaException.notFound('demo');
    return servers;
  }

  private async startServers(row: DemoRow): Promise<DemoServers> {
    const servers = new DemoServers(row.api_key, this.clock);
    for (const name of DEMO_SERVER_NAMES) await servers.start(name, row.servers[name]);
    this.running.set(row.tenant_id, servers);
    // Exactly these endpoints, for this tenant only: the narrow egress exception (docs/security.md). The machine's
    // MySQL/MariaDB is in it while the demo watches it (loopback only, checked in libs/config); the deny-list still wins.
    const endpoints = DEMO_SERVER_NAMES.map((name) => ({ address: '127.0.0.1', port: servers.ports[name]! }));
    if (row.objects.mysql) endpoints.push(row.objects.mysql);
    this.egress.exceptions.grant(row.tenant_id, endpoints, row.objects.mysql ? 'the live demo\'s own servers and the machine\'s MySQL it watches' : 'the live demo\'s own servers');
    await this.dataSource.query('UPDATE demo_installations SET servers = $2 WHERE tenant_id = $1', [row.tenant_id, JSON.stringify(servers.ports)]);
    return servers;
  }

  /** After a restart on other ports: the monitors and the failover unit follow the servers. */
  private async repointMoved(server: import('node:http').Server): Promise<void> {
    for (const tenantId of [...this.moved]) {
      this.moved.delete(tenantId);
      const row = await this.row(tenantId);
      const servers = this.running.get(tenantId);
      if (!row || !servers) continue;
      const owner = await this.people.firstActiveOwner(tenantId);
      if (!owner) continue;
      try {
        const api = await SelfApi.open(this.tokens, this.selfUrl(server), tenantId, owner, 're-point');
        try {
          for (const m of this.monitorInputs(servers, row.objects)) {
            const id = row.objects.monitors[m.name];
            if (id) await api.ok('mutation($id: ID!, $i: UpdateMonitorInput!) { updateMonitor(id: $id, input: $i) { id } }', { id, i: { config: m.input.config } });
          }
          const front = servers.ports.front!;
          if (row.objects.resourceId) {
            await api.ok('mutation($id: ID!, $i: ResourceInput!) { updateResource(id: $id, input: $i) { id } }', {
              id: row.objects.resourceId,
              i: { config: { provider: 'powerdns', apiUrl: `http://127.0.0.1:${front}`, server: '127.0.0.1', port: front, zone: DEMO_ZONE, name: 'www', type: 'CNAME', ttl: 60 } },
            });
          }
        } finally {
          await api.revoke();
        }
        this.logger.log(`demo of tenant ${tenantId}: monitors and failover unit re-pointed to ${this.describe(servers)}`);
      } catch (error) {
        this.logger.warn(`demo of tenant ${tenantId}: could not re-point to the new ports: ${String(error)}`);
      }
    }
  }

  private describe(servers: DemoServers, objects?: DemoObjects): string {
    const mysql = objects?.mysql ? `; it watches this machine's MySQL at ${endpointText(objects.mysql)}` : '';
    return DEMO_SERVER_NAMES.map((name) => `${name} 127.0.0.1:${servers.ports[name]}`).join(', ') + mysql;
  }

  private async row(tenantId: string): Promise<DemoRow | undefined> {
    return ((await this.dataSource.query('SELECT * FROM demo_installations WHERE tenant_id = $1', [tenantId])) as DemoRow[])[0];
  }

  private async rows(): Promise<DemoRow[]> {
    return (await this.dataSource.query('SELECT * FROM demo_installations')) as DemoRow[];
  }
}

function endpointText(endpoint: { address: string; port: number }): string {
  return `${endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address}:${endpoint.port}`;
}
