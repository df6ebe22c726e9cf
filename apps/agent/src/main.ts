import 'reflect-metadata';
import { pino } from 'pino';
import { ConfigError, loadAgentConfig, type AgentConfig } from '#lib/config';
import { AgentRuntime } from '#lib/detection';
import { EgressPolicy } from '#lib/egress';
import { defaultProbes, ProbeRunner } from '#lib/probes';

/**
 * The agent process role: no database, no HTTP server; one outbound WebSocket to the API (VIGIA_API_URL) with a
 * vantage token (VIGIA_VANTAGE_TOKEN). Probes run through this agent's own egress policy (VIGIA_EGRESS_ALLOW/DENY).
 */
let config: AgentConfig;
try {
  config = loadAgentConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`vigia agent: invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const logger = pino({ level: config.logLevel, base: { role: 'agent' } });
const runner = new ProbeRunner(defaultProbes(), new EgressPolicy({ allow: config.egress.allow, deny: config.egress.deny }));
const agent = new AgentRuntime(config, runner, (level, message) => logger[level](message));

const stop = (signal: string): void => {
  logger.info(`${signal}: stopping`);
  void agent.stop().finally(() => setTimeout(() => process.exit(0), 200).unref());
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
agent.start();
// Said at start: an agent refuses private, loopback and link-local addresses unless allowed, and a monitor of a host
// on the company's VLAN then gets no vote from it (each refusal is named on the monitor).
const allowed = config.egress.allow.length ? `allowed beyond the public internet: ${config.egress.allow.join(', ')}` : 'public addresses only (private, loopback and link-local refused; VIGIA_EGRESS_ALLOW=10.0.0.0/8,… to probe them)';
process.stdout.write(`[vigia] agent running; API ${config.agentUrl}; egress: ${allowed}${config.egress.deny.length ? `; denied: ${config.egress.deny.join(', ')}` : ''}\n`);
