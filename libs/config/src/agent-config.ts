import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, validateSync } from 'class-validator';
import { cidrList, ConfigError, IsCidrList, isToolingVariable, toInt, trimmed, VigiaEnvironment } from './vigia-config.js';

/**
 * A remote agent's environment. An agent holds no database credentials: it reaches the API over one outbound
 * WebSocket with its vantage token, and probes through its own egress policy.
 */
export class AgentEnvironment {
  @Transform(trimmed) @Matches(/^(https?|wss?):\/\/\S+$/, { message: 'must be the http(s):// URL of the Vigia API' })
  VIGIA_API_URL: string = '';

  @Transform(trimmed) @Matches(/^vgv_[A-Za-z0-9_-]{43}$/, { message: 'must be a vantage token (vgv_…), shown once when the vantage was created' })
  VIGIA_VANTAGE_TOKEN: string = '';

  @IsOptional() @IsCidrList()
  VIGIA_EGRESS_ALLOW = '';

  @IsOptional() @IsCidrList()
  VIGIA_EGRESS_DENY = '';

  /** Results kept while the API is unreachable; beyond it the oldest are dropped (and counted). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(10_000_000)
  VIGIA_AGENT_BUFFER = 100_000;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  VIGIA_WATCHDOG_CONCURRENCY = 256;

  /** The probe scheduler's wake-up step (ProbeScheduler): probes due within it start together; 0 wakes at each due time. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1000)
  VIGIA_PROBE_BATCH_MS = 100;

  @IsOptional() @Transform(trimmed) @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

export interface AgentConfig {
  /** The API's WebSocket URL of the agent endpoint (`…/agent`). */
  agentUrl: string;
  token: string;
  egress: { allow: readonly string[]; deny: readonly string[] };
  bufferLimit: number;
  concurrency: number;
  probeBatchMs: number;
  logLevel: string;
}

/** Validates an agent's environment; the first bad variable becomes one line naming it. */
export function loadAgentConfig(env: Record<string, string | undefined>): AgentConfig {
  if (env.DATABASE_URL) throw new ConfigError('DATABASE_URL: an agent holds no database credentials; unset it (the agent talks to the API only)');
  const known = Object.keys(new AgentEnvironment());
  // A misspelt setting is refused, as the server refuses it: `VIGIA_EGRES_ALLOW` started an agent that then refused
  // every private target without a word. The server's own settings pass (one environment file may serve both).
  const server = new Set(Object.keys(new VigiaEnvironment()));
  const misspelt = Object.keys(env).find((k) => k.startsWith('VIGIA_') && env[k] !== undefined && !known.includes(k) && !server.has(k) && !isToolingVariable(k));
  if (misspelt) throw new ConfigError(`${misspelt}: unknown setting (check the spelling; an agent reads ${known.filter((k) => k.startsWith('VIGIA_')).join(', ')} and LOG_LEVEL)`);
  const relevant: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && known.includes(key)) relevant[key] = value;
  const parsed = plainToInstance(AgentEnvironment, relevant);
  const errors = validateSync(parsed, { forbidUnknownValues: false });
  if (errors.length) {
    const first = errors[0]!;
    const reason = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    // Unset is said as such ("(got <hidden>)" hid that the variable was simply missing); a wrong token stays hidden.
    const shown = first.value === undefined || first.value === '' ? 'it is not set' : first.property === 'VIGIA_VANTAGE_TOKEN' ? 'got <hidden>' : `got ${JSON.stringify(first.value)}`;
    throw new ConfigError(`${first.property}: ${reason.replace(`${first.property} `, '')} (${shown})`);
  }
  const base = parsed.VIGIA_API_URL.replace(/\/$/, '').replace(/^http/, 'ws');
  // The API's address, not an endpoint of it: "…/graphql" answered 400 to every connection, retried for ever.
  const endpoint = /\/(graphql|agent)$/.exec(base)?.[0];
  if (endpoint) throw new ConfigError(`VIGIA_API_URL: the API's address without ${endpoint} (the agent adds /agent itself) (got ${JSON.stringify(parsed.VIGIA_API_URL)})`);
  return {
    agentUrl: `${base}/agent`,
    token: parsed.VIGIA_VANTAGE_TOKEN,
    egress: { allow: cidrList(parsed.VIGIA_EGRESS_ALLOW), deny: cidrList(parsed.VIGIA_EGRESS_DENY) },
    bufferLimit: parsed.VIGIA_AGENT_BUFFER,
    concurrency: parsed.VIGIA_WATCHDOG_CONCURRENCY,
    probeBatchMs: parsed.VIGIA_PROBE_BATCH_MS,
    logLevel: parsed.LOG_LEVEL,
  };
}
