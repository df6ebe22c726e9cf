import type { ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { eventually } from '../../support/eventually.js';
import { type GraphqlError, startTestApi, type TestApi } from '../../support/test-api.js';
import { AGENT_API_ENV, attachAgent, type LabAgent } from './agent-lab.js';
import { Lab } from './lab.js';

export interface CompanyOptions {
  /**
   * Two vantages with quorum 2: a remote agent in a lab host of its own (`agent`, not registered in Vigia) beside the
   * central watchdog, and the tenant's default asking both to confirm down — the failover tests as the issue of
   * vantages asks them to pass.
   */
  twoVantages?: boolean;
}

/**
 * Vigia (API + watchdog in this process, on its own embedded or local PostgreSQL) watching a lab company: each lab
 * host registered with its address, the lab's SSH key (sealed) and its pinned host key, and, for web hosts, an HTTP
 * monitor probing every second.
 */
export class Company {
  readonly ids: Record<string, string> = {};
  /** The HTTP server process of each web host (stop one to make its service fail). */
  readonly web = new Map<string, ChildProcess>();
  private token = '';
  /** The remote agent, with `twoVantages`. */
  agent?: LabAgent;

  private constructor(
    readonly lab: Lab,
    readonly api: TestApi,
  ) {}

  static async start(hosts: string[], webHosts: string[], env: Record<string, string> = {}, options: CompanyOptions = {}): Promise<Company> {
    const lab = await Lab.create(options.twoVantages ? [...hosts, 'agent'] : hosts);
    let api: TestApi | undefined;
    let company: Company | undefined;
    try {
      api = await startTestApi({
        VIGIA_ROLES: 'api,watchdog', VIGIA_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'), ...(process.env.LAB_DEBUG ? { LOG_LEVEL: 'info' } : {}),
        ...(options.twoVantages ? AGENT_API_ENV : {}), ...env,
      });
      company = new Company(lab, api);
      for (const name of webHosts) await company.startWeb(name);
      company.token = (await api.tenant('lab')).token;
      if (options.twoVantages) {
        company.agent = await attachAgent(lab, api);
        await company.gql('mutation { setVantageDefaults(input: {quorum: 2}) }');
        company.agent.start();
      }
      company.ids.key = (await company.gql<{ createSshCredential: { id: string } }>('mutation($i: CreateSshCredentialInput!) { createSshCredential(input: $i) { id } }', { i: { name: 'lab', privateKey: lab.clientKey() } })).createSshCredential.id;
      for (const name of hosts) {
        const h = lab.host(name);
        company.ids[name] = (await company.gql<{ createHost: { id: string } }>(
          `mutation { createHost(input: {name: "${name}", addresses: ["${h.address}"], sshCredentialId: "${company.ids.key}", sshHostKey: "${h.hostKeyFingerprint}"}) { id } }`,
        )).createHost.id;
      }
      for (const name of webHosts) {
        company.ids[`${name}-http`] = (await company.gql<{ createMonitor: { id: string } }>(
          `mutation { createMonitor(input: {name: "${name} http", type: http, hostId: "${company.ids[name]}", config: {url: "http://${lab.host(name).address}/"}, intervalMs: 1000, timeoutMs: 400}) { id } }`,
        )).createMonitor.id;
      }
      return company;
    } catch (error) {
      await company?.agent?.close();
      await api?.close();
      await lab.destroy();
      throw error;
    }
  }

  /** Where Vigia's probes come from: the central watchdog (the lab's gateway) and, with `twoVantages`, the agent. */
  vantageAddresses(): string[] {
    return [this.lab.gateway, ...(this.agent ? [this.lab.host('agent').address] : [])];
  }

  /** A new lab host, registered in Vigia like the first ones. */
  async addHost(name: string): Promise<void> {
    const h = await this.lab.add(name);
    this.ids[name] = (await this.gql<{ createHost: { id: string } }>(
      `mutation { createHost(input: {name: "${name}", addresses: ["${h.address}"], sshCredentialId: "${this.ids.key}", sshHostKey: "${h.hostKeyFingerprint}"}) { id } }`,
    )).createHost.id;
  }

  async startWeb(name: string): Promise<void> {
    this.web.set(name, this.lab.httpServer(name));
    await this.lab.waitPort(this.lab.host(name).address, 80);
  }

  async stopWeb(name: string): Promise<void> {
    const child = this.web.get(name);
    if (child) await this.lab.stop(child);
    this.web.delete(name);
  }

  /** The lab tenant's owner: `api.ok` / `api.fails` with its token. */
  gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    return this.api.ok<T>(query, variables, this.token);
  }

  gqlError(query: string, variables?: Record<string, unknown>): Promise<GraphqlError> {
    return this.api.fails(query, variables, this.token);
  }

  /** Waits until the monitor `ids[key]` (e.g. `db1-mysql`) is confirmed up. */
  monitorUp(key: string, what = `${key.split('-')[0]} monitored up`): Promise<true> {
    return this.until(what, async () => {
      const d = await this.gql<{ monitor: { state: { health: string } | null } }>(`{ monitor(id: "${this.ids[key]}") { state { health } } }`);
      return d.monitor.state?.health === 'up';
    });
  }

  /** The runs of a resource, newest first. */
  async runs(resourceId: string, first = 50): Promise<Run[]> {
    return (await this.gql<{ runs: { nodes: Run[] } }>(`{ runs(filter: {resourceId: "${resourceId}"}, first: ${first}) { nodes { ${RUN_FIELDS} } } }`)).runs.nodes;
  }

  /** The tests' one poller (`eventually`), with the lab's longer default: lab hosts take seconds to change. */
  until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
    return eventually(what, check, { timeoutMs, everyMs });
  }

  /** Polls a run until it has succeeded or failed; answers it with RUN_FIELDS. */
  finished(runId: string, what = 'the run to finish', timeoutMs = 30_000): Promise<Run> {
    return this.until(what, async () => {
      const r = (await this.gql<{ run: Run }>(`{ run(id: "${runId}") { ${RUN_FIELDS} } }`)).run;
      return ['succeeded', 'failed'].includes(r.status) && r;
    }, timeoutMs);
  }

  /** What answers HTTP on an address now ('' when nothing does within `timeoutMs`). */
  async answer(address: string, timeoutMs = 200): Promise<string> {
    try {
      const response = await fetch(`http://${address}/`, { signal: AbortSignal.timeout(timeoutMs) });
      return await response.text();
    } catch {
      return '';
    }
  }

  /**
   * Resolves at the first HTTP answer `expected` from `address`: a fresh connection every `everyMs` (no keep-alive,
   * overlapping, each given 1 s), so a SYN lost to a stale ARP entry does not hide a later answer. Bounded.
   */
  firstAnswer(address: string, expected: string, timeoutMs = 30_000, everyMs = 50): Promise<number> {
    return new Promise((resolve, reject) => {
      const requests = new Set<ReturnType<typeof httpGet>>();
      let done = false;
      const finish = (error?: Error) => {
        done = true;
        clearInterval(timer);
        clearTimeout(limit);
        for (const r of requests) r.destroy();
        if (error) reject(error);
        else resolve(Date.now());
      };
      const timer = setInterval(() => {
        const request = httpGet({ host: address, port: 80, path: '/', agent: false, timeout: 1000 }, (response) => {
          let body = '';
          response.on('data', (c: Buffer) => (body += c.toString()));
          response.on('end', () => !done && body === expected && finish());
        });
        request.on('timeout', () => request.destroy());
        request.on('error', () => requests.delete(request));
        request.on('close', () => requests.delete(request));
        requests.add(request);
      }, everyMs);
      const limit = setTimeout(() => finish(new Error(`${address} did not answer ${expected} within ${timeoutMs} ms`)), timeoutMs);
    });
  }

  async stop(): Promise<void> {
    await this.agent?.close();
    await this.api.close();
    await this.lab.destroy();
  }
}

export const RUN_FIELDS = 'id status statusReason trigger runbookName startedAt steps { name type status error startedAt finishedAt actions { kind target command ok note exitCode ms } stdout stderr }';

/** A run as RUN_FIELDS reads it. */
export interface Run {
  id: string;
  status: string;
  statusReason: string | null;
  trigger: string;
  runbookName: string;
  startedAt: string | null;
  steps: {
    name: string;
    type: string;
    status: string;
    error: string | null;
    startedAt: string;
    finishedAt: string | null;
    actions: { kind: string; target: string; command: string; ok: boolean; note: string | null; exitCode: number | null; ms?: number }[];
    stdout: string;
    stderr: string;
  }[];
}
