import { plainToInstance, Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

export const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
export const trimmed = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() || undefined : value);

/** An IPv4/IPv6 address or a CIDR block (`10.0.0.0/8`, `fd00::/8`). */
export function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

const IsAddressList = (): PropertyDecorator =>
  ValidateBy({
    name: 'isAddressList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.split(',').every((e) => isAddressOrCidr(e.trim())),
      defaultMessage: () => 'must be a comma-separated list of IP addresses or CIDR blocks, e.g. 10.0.0.5,192.168.0.0/16',
    },
  });
/** A comma-separated list of CIDRs or single addresses (`10.0.0.0/8,fd00::/8,192.0.2.7`); empty is an empty list. */
export function IsCidrList(): PropertyDecorator {
  return ValidateBy({
    name: 'isCidrList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && cidrList(value).every(isCidr),
      defaultMessage: () => 'must be a comma-separated list of CIDRs or IP addresses, e.g. 10.0.0.0/8,fd00::/8',
    },
  });
}

export function cidrList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((part) => part.trim()).filter(Boolean);
}

function isCidr(text: string): boolean {
  try {
    if (text.includes('/')) ipaddr.parseCIDR(text);
    // Strict spellings only: an operator's list is read by people, `2130706433` is not a reviewable address.
    else if (!ipaddr.IPv4.isValidFourPartDecimal(text) && !ipaddr.IPv6.isValid(text)) return false;
    return true;
  } catch {
    return false;
  }
}

/** The machine's own MySQL/MariaDB the live demo watches (VIGIA_DEMO_MYSQL_URL), parsed. */
export interface DemoMysqlTarget {
  /** A loopback address literal (`localhost` becomes 127.0.0.1): what the monitor's host and the egress exception name. */
  address: string;
  port: number;
  user: string;
  /** Handed to the monitor's config once, where it is sealed like every monitor credential; never stored elsewhere. */
  password: string | undefined;
  database: string | undefined;
}

const DEMO_MYSQL_EXAMPLE = 'e.g. mysql://vigia_demo:secret@127.0.0.1:3306/';

/**
 * VIGIA_DEMO_MYSQL_URL: `mysql://user[:password]@host[:port][/database]`, host a loopback address or `localhost`.
 * Loopback only: the demo's exception to the egress policy is for this machine's own servers, never the network.
 */
export function parseDemoMysqlUrl(text: string): { target: DemoMysqlTarget } | { problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `must be a mysql:// URL with a user, ${DEMO_MYSQL_EXAMPLE}` };
  }
  if (url.protocol !== 'mysql:') return { problem: `must be a mysql:// URL, ${DEMO_MYSQL_EXAMPLE}` };
  if (!url.username) return { problem: `must name the user to log in as, ${DEMO_MYSQL_EXAMPLE}` };
  if (url.search || url.hash) return { problem: `must not carry ?options or #fragments, ${DEMO_MYSQL_EXAMPLE}` };
  const database = decodeURIComponent(url.pathname.replace(/^\//, '').replace(/\/$/, ''));
  if (database.includes('/')) return { problem: `must name at most one database after the host, ${DEMO_MYSQL_EXAMPLE}` };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const address = host.toLowerCase() === 'localhost' ? '127.0.0.1' : host;
  // Strict spellings (as VIGIA_EGRESS_ALLOW): `2130706433` is not a reviewable address.
  const literal = ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address);
  if (!literal || ipaddr.parse(address).range() !== 'loopback') {
    return { problem: `must name a loopback address (127.0.0.0/8, ::1 or localhost), not ${host}: the demo watches only this machine's own MySQL/MariaDB` };
  }
  return {
    target: {
      address: ipaddr.parse(address).toString(),
      port: url.port ? Number(url.port) : 3306,
      user: decodeURIComponent(url.username),
      password: url.password ? decodeURIComponent(url.password) : undefined,
      database: database || undefined,
    },
  };
}

const IsDemoMysqlUrl = (): PropertyDecorator =>
  ValidateBy({
    name: 'isDemoMysqlUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && 'target' in parseDemoMysqlUrl(value),
      defaultMessage: (args) => {
        const parsed = typeof args?.value === 'string' ? parseDemoMysqlUrl(args.value) : undefined;
        return parsed && 'problem' in parsed ? parsed.problem : `must be a mysql:// URL, ${DEMO_MYSQL_EXAMPLE}`;
      },
    },
  });

export const PROCESS_ROLES = ['api', 'watchdog'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

/** The people-facing silence bound's floor: the three 2 s beats it was before the heartbeat went to 1 s. */
const DEFAULT_SILENCE_SECONDS = 6;

/**
 * The one place environment variables are read. Property names are the variable names, so a validation failure
 * names exactly what the operator has to fix.
 */
export class VigiaEnvironment {
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsOptional() @Transform(trimmed) @IsString() @Matches(/^[0-9a-zA-Z.:-]+$/, { message: 'must be an IP address or hostname to listen on' })
  HOST = '127.0.0.1';

  @IsOptional() @Transform(trimmed) @IsString() @MinLength(1)
  VIGIA_DATA_DIR = './.vigia';

  @IsOptional() @Transform(trimmed) @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string = undefined;

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  VIGIA_EMBEDDED_PG_PORT = 0;

  @IsOptional() @Transform(trimmed) @Matches(/^(api|watchdog)(,(api|watchdog))*$/, { message: 'must be a comma-separated list of api, watchdog' })
  VIGIA_ROLES?: string = undefined;

  @IsOptional() @Transform(trimmed) @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(24 * 30)
  VIGIA_SESSION_TTL_HOURS = 12;

  @IsOptional() @Transform(toInt) @IsInt() @Min(2) @Max(50)
  VIGIA_GRAPHQL_MAX_DEPTH = 10;

  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(1_000_000)
  VIGIA_GRAPHQL_MAX_COMPLEXITY = 20_000;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  VIGIA_LOGIN_MAX_FAILURES = 10;

  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(86_400)
  VIGIA_LOGIN_WINDOW_SECONDS = 900;

  @IsOptional() @Transform(trimmed) @IsString() @MaxLength(100)
  VIGIA_BOOTSTRAP_TENANT?: string = undefined;

  @IsOptional() @Transform(trimmed) @IsEmail()
  VIGIA_BOOTSTRAP_EMAIL?: string = undefined;

  @IsOptional() @IsString() @MinLength(12, { message: 'must be at least 12 characters' }) @MaxLength(200)
  VIGIA_BOOTSTRAP_PASSWORD?: string = undefined;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(300)
  VIGIA_WATCHDOG_HEARTBEAT_SECONDS = 1;

  /** Unset: max(6, three heartbeats). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(900)
  VIGIA_WATCHDOG_SILENCE_SECONDS?: number = undefined;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  VIGIA_WATCHDOG_CONCURRENCY = 256;

  /** The probe scheduler's wake-up step (ProbeScheduler): probes due within it start together; 0 wakes at each due time. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1000)
  VIGIA_PROBE_BATCH_MS = 100;

  @IsOptional() @Transform(trimmed) @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1-64 letters, digits, dots, dashes or underscores' })
  VIGIA_VANTAGE?: string = undefined;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(20)
  VIGIA_DETECT_FAILURES = 3;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(20)
  VIGIA_DETECT_SUCCESSES = 2;

  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60_000)
  VIGIA_DETECT_CONFIRM_MS = 300;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(20)
  VIGIA_DETECT_FLAP_THRESHOLD = 5;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3650)
  VIGIA_ROLLUP_RETENTION_DAYS = 400;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(300)
  VIGIA_STATE_FLUSH_SECONDS = 10;

  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(100_000)
  VIGIA_STATE_WRITES_PER_SECOND = 100;

  @IsOptional() @Transform(trimmed) @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes in base64 (openssl rand -base64 32)' })
  VIGIA_MASTER_KEY?: string = undefined;

  @IsOptional() @Transform(trimmed) @Matches(/^smtps?:\/\/\S+$/, { message: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example:587' })
  VIGIA_SMTP_URL?: string = undefined;

  @IsOptional() @Transform(trimmed) @IsString() @MaxLength(254)
  VIGIA_MAIL_FROM = 'Vigia <vigia@localhost>';

  @IsOptional() @Transform(({ value }: { value: unknown }) => (value === 'false' ? false : value === 'true' ? true : value))
  @IsIn([true, false], { message: 'must be true or false' })
  VIGIA_SMTP_TLS_VERIFY: boolean = true;

  @IsOptional() @Transform(trimmed) @Matches(/^https?:\/\/\S+$/, { message: 'must be the http(s) URL people reach Vigia at' })
  VIGIA_PUBLIC_URL?: string = undefined;

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(600)
  VIGIA_ALERT_GROUP_SECONDS = 30;

  /** Reverse proxies whose X-Forwarded-For is believed; from anyone else the header is ignored. */
  @IsOptional() @Transform(trimmed) @IsAddressList()
  VIGIA_TRUSTED_PROXIES?: string = undefined;

  /** /healthz fails once the database has been unreachable for this long. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  VIGIA_HEALTH_DB_GRACE_SECONDS = 30;

  /**
   * Dead man's switch: while this process can see (database answering, probes completing), it calls this URL every
   * VIGIA_DEADMAN_SECONDS (a POST, e.g. a healthchecks-style check or another Vigia's webhook); the receiver alerts
   * when the calls stop, which covers the case where nothing inside Vigia can speak. Unset: off.
   */
  @IsOptional() @Transform(trimmed) @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  VIGIA_DEADMAN_URL?: string = undefined;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  VIGIA_DEADMAN_SECONDS = 60;

  /** A runbook run's lease: a watchdog that stops renewing it for this long loses the run to another replica. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(2) @Max(300)
  VIGIA_RUN_LEASE_SECONDS = 10;

  /** Results per second one remote agent (vantage) may send, with ten seconds of burst; beyond, refused and counted. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000)
  VIGIA_VANTAGE_RESULTS_PER_SECOND = 5000;

  /**
   * Private vantages one tenant may hold (revoked ones not counted). Each may send VIGIA_VANTAGE_RESULTS_PER_SECOND:
   * without a bound a tenant multiplied its share of the watchdogs' and the database's time by creating vantages.
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  VIGIA_MAX_PRIVATE_VANTAGES = 20;

  /** Mails or webhook calls one status-page subscriber is sent in any hour (confirmations apart); beyond, held and sent later. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  VIGIA_STATUS_SUBSCRIBER_SENDS_PER_HOUR = 12;

  /** Test builds only: named points where the process kills itself (crash tests). Refused when NODE_ENV=production. */
  @IsOptional() @Transform(trimmed) @Matches(/^(after-incident-commit|after-escalation-fire|before-escalation-commit)(,(after-incident-commit|after-escalation-fire|before-escalation-commit))*$/, { message: 'must be a comma-separated list of known failpoints (after-incident-commit, after-escalation-fire, before-escalation-commit)' })
  VIGIA_FAILPOINTS?: string = undefined;
  /** Ranges tenants' monitors, runbooks and channels may reach although refused by default (loopback, private, …). */
  @IsOptional() @IsCidrList()
  VIGIA_EGRESS_ALLOW = '';

  /** The provider's own networks: refused to tenants even when VIGIA_EGRESS_ALLOW covers them. */
  @IsOptional() @IsCidrList()
  VIGIA_EGRESS_DENY = '';

  /** The tenant (slug) whose admins and owners administer the platform: they alone create platform vantages. */
  @IsOptional() @Transform(trimmed) @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'must be a tenant slug (lowercase letters, digits, dashes)' })
  VIGIA_PLATFORM_TENANT?: string = undefined;
  /**
   * The live demo company of the first start: `auto` (default) installs it into the tenant the quick start creates,
   * `on` also into a tenant created from VIGIA_BOOTSTRAP_*, `off` never. An installed demo is removed with removeDemo.
   */
  @IsOptional() @Transform(trimmed) @IsIn(['auto', 'on', 'off'], { message: 'must be auto, on or off' })
  VIGIA_DEMO: 'auto' | 'on' | 'off' = 'auto';

  /**
   * The machine's own MySQL/MariaDB for the live demo to watch (read when the demo is installed): a `mysql://` URL with
   * a user, on a loopback address. Unset: the demo has no MySQL target (Node has no honest embeddable MySQL server).
   */
  @IsOptional() @Transform(trimmed) @IsDemoMysqlUrl()
  VIGIA_DEMO_MYSQL_URL?: string = undefined;
}

export class ConfigError extends Error {}

/** The validated, typed configuration the rest of Vigia receives. */
export class VigiaConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly embeddedPgPort: number;
  readonly roles: ReadonlySet<ProcessRole>;
  readonly logLevel: string;
  readonly sessionTtlMs: number;
  readonly graphqlMaxDepth: number;
  readonly graphqlMaxComplexity: number;
  readonly loginMaxFailures: number;
  readonly loginWindowMs: number;
  readonly bootstrap: { tenant?: string; email?: string; password?: string };
  readonly watchdogHeartbeatMs: number;
  /**
   * How long a watchdog may miss heartbeats before its monitors move to the live replicas (three beats). Cheap to get
   * wrong: at worst a stalled replica's monitors are probed twice for a moment.
   */
  readonly watchdogOwnershipMs: number;
  /**
   * How long Vigia waits before it tells people or the accounting that a watchdog is silent: the blind banner, the
   * silent-watchdog vantage incident, unobserved time in reports. Longer than the ownership bound so a busy machine's
   * few-second stall neither pages anyone nor takes seconds out of an SLA report.
   */
  readonly watchdogSilenceMs: number;
  readonly watchdogConcurrency: number;
  /** Probes due within this many ms start in one wake-up (fewer wake-ups of an idle process; up to this much drift). */
  readonly probeBatchMs: number;
  /** The name this watchdog votes under; several vantages may probe one monitor. */
  readonly vantage: string;
  readonly detection: { failuresToDown: number; successesToUp: number; confirmIntervalMs: number; flapThreshold: number };
  readonly rollupRetentionDays: number;
  readonly stateFlushMs: number;
  /** Steady states (only the latest result changed) one watchdog rewrites per second at most; see WatchdogService.flush. */
  readonly stateWritesPerSecond: number;
  readonly smtp: { url: string | undefined; from: string; tlsVerify: boolean };
  /** How long an e-mail or webhook alert waits for other outages of the same site to go out with it. */
  readonly alertGroupMs: number;
  readonly runLeaseMs: number;
  /** Results/s one agent may send (its burst: ten seconds' worth); beyond, refused and counted. */
  readonly vantageResultsPerSecond: number;
  readonly maxPrivateVantages: number;
  /** Sends (mails or webhook calls) one status-page subscriber gets in any hour, confirmations apart; beyond, held. */
  readonly statusSubscriberSendsPerHour: number;
  /** Base of links in e-mails (customer pages); defaults to the local address. */
  readonly publicUrl: string;
  /** Addresses and CIDR blocks of the reverse proxies whose X-Forwarded-For names the client. */
  readonly trustedProxies: readonly string[];
  /** How long the database may be unreachable before /healthz fails. */
  readonly healthDbGraceMs: number;
  /** The dead man's switch: where and how often to say "still seeing" (undefined url: off). */
  readonly deadman: { url: string | undefined; everyMs: number };
  /** Key that seals secrets at rest; undefined: a generated key file in the data folder. */
  readonly masterKey: Buffer | undefined;
  /** Armed crash points (tests); always empty in production. */
  readonly failpoints: ReadonlySet<string>;
  /** The egress policy's operator rules: what tenant-caused connections may reach beyond public addresses. */
  readonly egress: { allow: readonly string[]; deny: readonly string[] };
  /** Slug of the tenant whose admins administer the platform (platform vantages); undefined: nobody through the API. */
  readonly platformTenant: string | undefined;
  /** VIGIA_DEMO: whether the first start installs the live demo company. */
  readonly demo: 'auto' | 'on' | 'off';
  /** VIGIA_DEMO_MYSQL_URL: the machine's MySQL/MariaDB the demo watches when it is installed; undefined: none. */
  readonly demoMysql: DemoMysqlTarget | undefined;

  constructor(env: VigiaEnvironment, defaultRoles: readonly ProcessRole[]) {
    this.port = env.PORT;
    this.failpoints = new Set(env.VIGIA_FAILPOINTS?.split(',') ?? []);
    this.host = env.HOST;
    this.dataDir = resolve(env.VIGIA_DATA_DIR);
    this.databaseUrl = env.DATABASE_URL;
    this.embeddedPgPort = env.VIGIA_EMBEDDED_PG_PORT;
    this.roles = new Set((env.VIGIA_ROLES?.split(',') as ProcessRole[] | undefined) ?? defaultRoles);
    this.logLevel = env.LOG_LEVEL;
    this.sessionTtlMs = env.VIGIA_SESSION_TTL_HOURS * 3_600_000;
    this.graphqlMaxDepth = env.VIGIA_GRAPHQL_MAX_DEPTH;
    this.graphqlMaxComplexity = env.VIGIA_GRAPHQL_MAX_COMPLEXITY;
    this.loginMaxFailures = env.VIGIA_LOGIN_MAX_FAILURES;
    this.loginWindowMs = env.VIGIA_LOGIN_WINDOW_SECONDS * 1000;
    this.bootstrap = {
      tenant: env.VIGIA_BOOTSTRAP_TENANT,
      email: env.VIGIA_BOOTSTRAP_EMAIL,
      password: env.VIGIA_BOOTSTRAP_PASSWORD,
    };
    this.watchdogHeartbeatMs = env.VIGIA_WATCHDOG_HEARTBEAT_SECONDS * 1000;
    this.watchdogOwnershipMs = 3 * this.watchdogHeartbeatMs;
    this.watchdogSilenceMs = (env.VIGIA_WATCHDOG_SILENCE_SECONDS ?? Math.max(DEFAULT_SILENCE_SECONDS, 3 * env.VIGIA_WATCHDOG_HEARTBEAT_SECONDS)) * 1000;
    this.watchdogConcurrency = env.VIGIA_WATCHDOG_CONCURRENCY;
    this.probeBatchMs = env.VIGIA_PROBE_BATCH_MS;
    this.vantage = env.VIGIA_VANTAGE ?? hostname();
    this.detection = {
      failuresToDown: env.VIGIA_DETECT_FAILURES,
      successesToUp: env.VIGIA_DETECT_SUCCESSES,
      confirmIntervalMs: env.VIGIA_DETECT_CONFIRM_MS,
      flapThreshold: env.VIGIA_DETECT_FLAP_THRESHOLD,
    };
    this.rollupRetentionDays = env.VIGIA_ROLLUP_RETENTION_DAYS;
    this.stateFlushMs = env.VIGIA_STATE_FLUSH_SECONDS * 1000;
    this.stateWritesPerSecond = env.VIGIA_STATE_WRITES_PER_SECOND;
    this.masterKey = env.VIGIA_MASTER_KEY ? Buffer.from(env.VIGIA_MASTER_KEY, 'base64') : undefined;
    this.smtp = { url: env.VIGIA_SMTP_URL, from: env.VIGIA_MAIL_FROM, tlsVerify: env.VIGIA_SMTP_TLS_VERIFY };
    this.alertGroupMs = env.VIGIA_ALERT_GROUP_SECONDS * 1000;
    this.runLeaseMs = env.VIGIA_RUN_LEASE_SECONDS * 1000;
    this.vantageResultsPerSecond = env.VIGIA_VANTAGE_RESULTS_PER_SECOND;
    this.maxPrivateVantages = env.VIGIA_MAX_PRIVATE_VANTAGES;
    this.statusSubscriberSendsPerHour = env.VIGIA_STATUS_SUBSCRIBER_SENDS_PER_HOUR;
    this.trustedProxies = env.VIGIA_TRUSTED_PROXIES?.split(',').map((e) => e.trim()) ?? [];
    this.healthDbGraceMs = env.VIGIA_HEALTH_DB_GRACE_SECONDS * 1000;
    this.deadman = { url: env.VIGIA_DEADMAN_URL, everyMs: env.VIGIA_DEADMAN_SECONDS * 1000 };
    this.egress = { allow: cidrList(env.VIGIA_EGRESS_ALLOW), deny: cidrList(env.VIGIA_EGRESS_DENY) };
    this.platformTenant = env.VIGIA_PLATFORM_TENANT;
    this.demo = env.VIGIA_DEMO;
    const mysqlTarget = env.VIGIA_DEMO_MYSQL_URL ? parseDemoMysqlUrl(env.VIGIA_DEMO_MYSQL_URL) : undefined;
    this.demoMysql = mysqlTarget && 'target' in mysqlTarget ? mysqlTarget.target : undefined;
    this.publicUrl = (env.VIGIA_PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, '');
  }

  /** The embedded PostgreSQL is started after validation; its URL is then fixed into a new config. */
  withDatabaseUrl(url: string): VigiaConfig {
    return Object.assign(Object.create(VigiaConfig.prototype) as VigiaConfig, this, { databaseUrl: url });
  }
}

/**
 * Variables of Vigia's own tools, not settings of a running process: the CLI's (`VIGIA_URL`, `VIGIA_TOKEN`, a fleet
 * file's `VIGIA_SECRET_…`, exported in the shell an operator also starts Vigia from) and its scripts' and tests'.
 */
export function isToolingVariable(name: string): boolean {
  return ['VIGIA_TEST_DATABASE_URL', 'VIGIA_NEW_PASSWORD', 'VIGIA_URL', 'VIGIA_TOKEN'].includes(name) || name.startsWith('VIGIA_SECRET_');
}

/** Validates the environment; the first bad variable becomes one line: `VAR: reason (got "value")`. */
export function loadVigiaConfig(
  env: Record<string, string | undefined>,
  defaultRoles: readonly ProcessRole[] = PROCESS_ROLES,
): VigiaConfig {
  const known = Object.keys(new VigiaEnvironment());
  const relevant: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && (known.includes(key) || key.startsWith('VIGIA_') || key === 'DATABASE_URL')) relevant[key] = value;
  }
  const unknown = Object.keys(relevant).filter((k) => k.startsWith('VIGIA_') && !known.includes(k) && !isToolingVariable(k));
  if (unknown.length) throw new ConfigError(`${unknown[0]}: unknown setting (check the spelling; see docs/operations.md)`);
  const parsed = plainToInstance(VigiaEnvironment, relevant);
  const errors = validateSync(parsed, { forbidUnknownValues: false });
  if (errors.length) {
    const first = errors[0]!;
    // "must be an integer" says more than "must not be greater than 65535" about "eighty": type checks first.
    const constraints = Object.entries(first.constraints ?? {}).sort(([a], [b]) => Number(!a.startsWith('is')) - Number(!b.startsWith('is')));
    const reason = constraints[0]?.[1] ?? 'is invalid';
    const shown = /PASSWORD|KEY|SMTP_URL|DEADMAN_URL|MYSQL_URL/.test(first.property) || first.property === 'DATABASE_URL' ? '<hidden>' : JSON.stringify(first.value);
    throw new ConfigError(`${first.property}: ${reason.replace(`${first.property} `, '')} (got ${shown})`);
  }
  if ((parsed.VIGIA_BOOTSTRAP_EMAIL || parsed.VIGIA_BOOTSTRAP_PASSWORD) && !(parsed.VIGIA_BOOTSTRAP_EMAIL && parsed.VIGIA_BOOTSTRAP_PASSWORD)) {
    throw new ConfigError('VIGIA_BOOTSTRAP_PASSWORD: VIGIA_BOOTSTRAP_EMAIL and VIGIA_BOOTSTRAP_PASSWORD go together');
  }
  if (parsed.VIGIA_WATCHDOG_SILENCE_SECONDS !== undefined && parsed.VIGIA_WATCHDOG_SILENCE_SECONDS < 3 * parsed.VIGIA_WATCHDOG_HEARTBEAT_SECONDS) {
    // Shorter than the ownership bound, a watchdog would be called silent while it still owns its monitors.
    throw new ConfigError(
      `VIGIA_WATCHDOG_SILENCE_SECONDS: must be at least three heartbeats (${3 * parsed.VIGIA_WATCHDOG_HEARTBEAT_SECONDS} s with VIGIA_WATCHDOG_HEARTBEAT_SECONDS=${parsed.VIGIA_WATCHDOG_HEARTBEAT_SECONDS}) (got ${parsed.VIGIA_WATCHDOG_SILENCE_SECONDS})`,
    );
  }
  if (parsed.VIGIA_FAILPOINTS && env.NODE_ENV === 'production') {
    throw new ConfigError('VIGIA_FAILPOINTS: crash points are for tests; refused with NODE_ENV=production');
  }
  return new VigiaConfig(parsed, defaultRoles);
}
