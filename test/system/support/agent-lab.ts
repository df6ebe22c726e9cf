import type { ChildProcess } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { ROOT } from '../../support/process-harness.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { Lab } from './lab.js';

/**
 * What the API (with its central watchdog) needs to serve remote agents in the lab: the central watchdog is the vantage
 * `central`, the platform tenant `platform` owns the agents' vantages, and heartbeats and state are written every second
 * (the tests read both through the API).
 */
export const AGENT_API_ENV = { VIGIA_VANTAGE: 'central', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1', VIGIA_PLATFORM_TENANT: 'platform' };

/** A remote agent in a lab host of its own: its vantage, the relay that is its only way to the API, its process. */
export interface LabAgent {
  /** The platform tenant's token (vantages and vantage incidents live there). */
  platform: string;
  /** The relay's port on the lab's gateway: the agent's only way to the API. */
  relayPort: number;
  /** Starts the agent process (no database credentials) in its namespace. */
  start(): ChildProcess;
  /** Drops what the agent sends that matches `rule` (nftables in its namespace, e.g. `ip daddr 10.213.7.11`). */
  cut(table: string, rule: string): void;
  uncut(table: string): void;
  /** What the agent process last wrote, and whether it still runs: for a failing test's message. */
  output(): string;
  /** Ends the agent (by its pid; resolves once it has exited) and the relay. */
  close(): Promise<void>;
}

/**
 * A remote agent for an API started with AGENT_API_ENV, in the lab host `host` (which must exist and is not registered
 * in Vigia): a platform vantage named `vantage`, and a relay on the gateway's address forwarding to the API, which
 * listens on 127.0.0.1 — so the agent reaches it only through the bridge, as a remote agent would over the internet.
 */
export async function attachAgent(lab: Lab, api: TestApi, host = 'agent', vantage = 'lab-agent'): Promise<LabAgent> {
  const apiPort = Number(new URL(api.url).port);
  const relay: Server = createServer((socket) => {
    const upstream = connect(apiPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, lab.gateway, () => r()));
  const relayPort = (relay.address() as { port: number }).port;
  try {
    const platform = (await api.tenant('platform')).token;
    const token = (await api.ok<{ createVantage: { token: string } }>(`mutation { createVantage(input: {name: "${vantage}", kind: platform, region: "lab"}) { token } }`, {}, platform)).createVantage.token;
    let agent: ChildProcess | undefined;
    return {
      platform, relayPort,
      start: () =>
        (agent = lab.spawnIn(host, process.execPath, [`${ROOT}dist/apps/agent/src/main.js`], {
          DATABASE_URL: '', VIGIA_API_URL: `http://${lab.gateway}:${relayPort}`, VIGIA_VANTAGE_TOKEN: token, VIGIA_EGRESS_ALLOW: '10.0.0.0/8', LOG_LEVEL: 'info',
        })),
      cut: (table, rule) => void lab.exec(host, ['nft', '-f', '-'], `table inet ${table} {\n chain out {\n  type filter hook output priority 0; policy accept;\n  ${rule} drop\n }\n}\n`),
      uncut: (table) => void lab.exec(host, ['nft', 'delete', 'table', 'inet', table]),
      output: () => !agent ? 'agent not started'
        : `agent ${agent.exitCode === null && agent.signalCode === null ? 'running' : `exited ${agent.exitCode ?? agent.signalCode}`}; its last output:\n${lab.outputOf(agent)}`,
      close: async () => {
        if (agent && agent.exitCode === null && agent.signalCode === null) {
          const exited = new Promise((r) => agent!.once('exit', r));
          agent.kill('SIGKILL');
          await exited;
        }
        relay.close();
      },
    };
  } catch (error) {
    relay.close();
    throw error;
  }
}

/** The namespace lab of the agent tests: web1 serving HTTP, an API with its central watchdog, a vantage for the agent. */
export interface AgentLab {
  lab: Lab;
  api: TestApi;
  /** web1's address in the lab. */
  web1: string;
  /** The platform tenant's token (vantages and vantage incidents live there). */
  platform: string;
  /** The customer tenant's token (`acme`) and its host web1. */
  token: string;
  hostId: string;
  /** The relay's port on the lab's gateway: the agent's only way to the API. */
  relayPort: number;
  /** Starts the agent of vantage `lab-agent` in its own namespace (no database credentials). */
  startAgent(): ChildProcess;
  /** The agent's state and last output (see LabAgent.output). */
  agentOutput(): string;
  close(): Promise<void>;
}

/**
 * Two vantages in the namespace lab: the central watchdog (root namespace) and a remote agent in a namespace of its
 * own (see attachAgent).
 */
export async function startAgentLab(): Promise<AgentLab> {
  const lab = await Lab.create(['web1', 'agent']);
  const web1 = lab.host('web1').address;
  lab.httpServer('web1');
  await lab.waitPort(web1, 80);
  const api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', ...AGENT_API_ENV });
  const agent = await attachAgent(lab, api);
  const token = (await api.tenant('acme')).token;
  const hostId = (await api.ok<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "web1", addresses: ["${web1}"]}) { id } }`, {}, token)).createHost.id;
  return {
    lab, api, web1, platform: agent.platform, token, hostId, relayPort: agent.relayPort,
    startAgent: () => agent.start(),
    agentOutput: () => agent.output(),
    close: async () => {
      await agent.close();
      await api.close();
      await lab.destroy();
    },
  };
}
