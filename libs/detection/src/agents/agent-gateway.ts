import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { CLOCK, type Clock, LogThrottle, PeriodicWorker } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { HeldConnection } from '#lib/persistence';
import { REFUSAL_PREFIX, storable } from '#lib/egress';
import { MetricsService } from '#lib/observability';
import { agentSecretBox, type SecretBox } from '#lib/secrets';
import { ClockOffset, type InboundResult, ResultInbox, ResultsCap, type Vantage, VantageAssignments, VantagesService } from '#lib/vantages';
import { TrustedProxies } from '#lib/tenancy';
import { MonitorCatalog, OwnerRouter } from '../runtime/monitor-catalog.js';
import { FleetChanges } from '../runtime/fleet-changes.js';
import { WatchdogInstance } from '../entities/watchdog-instance.entity.js';
import { liveWatchdogs } from '../runtime/watchdog-heartbeat.service.js';
import { ProbeTargets } from '../runtime/probe-targets.js';
import {
  AGENT_PATH, type AgentMessage, type AgentResult, type HeartbeatMessage, type AssignmentMessage, CLOSE_REPLACED, CLOSE_REVOKED, MAX_BATCH_RESULTS, MAX_FUTURE_MS,
  MAX_MESSAGE_BYTES, type ServerMessage, sealContext,
} from './protocol.js';

/** An agent holds its vantage for this long after its last renewal (renewed every second while connected). */
const SESSION_LEASE_MS = 15_000;
const PING_EVERY_SWEEPS = 5;
const STATUSES = new Set(['up', 'degraded', 'down']);

interface AgentConnection {
  ws: WebSocket;
  vantage: Vantage;
  session: string;
  /** Seals the assignment for this agent only (key derived from its token, held in memory while connected). */
  box: SecretBox;
  assigned: Map<string, { tenantId: string; intervalMs: number }>;
  assignmentHash: string;
  /** The fingerprint its assignment was last read under, and when (performance.now()). */
  assignmentFingerprint: string;
  /** What was probed (FleetChanges' catalog token) when its assignment was last read; undefined when not listening. */
  assignmentCatalog?: string;
  assignmentReadAt: number;
  alive: boolean;
  /** Settles once the first assignment was worked out: results before it would all look "not assigned". */
  ready: Promise<void>;
  /** Messages are handled one at a time, in order; `waiting` counts those queued behind the one under way. */
  queue: Promise<void>;
  waiting: number;
  /** A heartbeat being written: beats take their own lane (see `enqueue`), one at a time. */
  beating: boolean;
  /** When its last heartbeat was taken (performance.now()), and how many came too soon after one in a row. */
  lastBeatAt: number;
  beatsTooSoon: number;
  /** Its clock's offset from ours (heartbeats): its results' timestamps are moved onto our clock within the bound. */
  clock: ClockOffset;
  /** Refusals are logged at most every 10 s per agent, with how many since the last line. */
  refusalLog: LogThrottle;
  /** Results/s it may send (VIGIA_VANTAGE_RESULTS_PER_SECOND); one connection per vantage, so per vantage. */
  cap: ResultsCap;
}

/**
 * Messages an agent may have queued behind the one being stored: an agent that sends faster than its batches can be
 * stored is closed (it reconnects and resends what was not acknowledged) rather than let to fill the API's memory
 * or the database for everyone else.
 */
const MAX_WAITING_MESSAGES = 4;
/** Close codes beyond the protocol's own: too fast, and "try again" (a batch the database did not take). */
const CLOSE_TOO_FAST = 1008;
const CLOSE_TRY_AGAIN = 1011;

/**
 * The API's side of remote agents: a WebSocket endpoint (`/agent`, beside graphql-ws) that authenticates the vantage
 * token at the upgrade, hands the agent its assignment (and again when it changes), and stores its results in the
 * inbox the owning watchdog consumes. One connection per vantage (a lease in its row, across API replicas); a
 * revoked vantage's connection is closed at once in this process, within a second in any other.
 */
@Injectable()
export class AgentGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Agents');
  // maxPayload above the protocol's limit: a message between the two is read, refused and counted; beyond, the socket closes.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_MESSAGE_BYTES });
  private readonly connections = new Set<AgentConnection>();
  private readonly loop: PeriodicWorker;
  private sweeps = 0;
  private refused = 0;
  private overCap = 0;
  /** Agent connections refused at the door (unknown or revoked token, a second agent on one token), and when last said. */
  private refusedConnections = 0;
  private readonly connectionRefusalLog = new LogThrottle();
  /** Who a refused connection came from, behind the configured reverse proxies (VIGIA_TRUSTED_PROXIES). */
  private readonly proxies: TrustedProxies;
  private stopping = false;
  /** The live watchdogs (read every sweep): each result is stored routed to the one that owns its monitor. */
  private readonly router = new OwnerRouter();
  /**
   * Agents' heartbeats are written on a connection of their own (opened at the first beat): a beat waiting for the
   * pool — busy storing result batches, or opening a connection under load — made a healthy agent "heartbeat late".
   */
  private readonly beats: HeldConnection;
  private readonly onRevoked = (id: string, why?: string): void => {
    for (const c of this.connections) if (c.vantage.id === id) revoke(c, why);
  };

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly vantages: VantagesService,
    private readonly assignments: VantageAssignments,
    private readonly inbox: ResultInbox,
    private readonly catalog: MonitorCatalog,
    private readonly targets: ProbeTargets,
    private readonly config: VigiaConfig,
    @InjectRepository(WatchdogInstance) private readonly instances: Repository<WatchdogInstance>,
    private readonly fleetChanges: FleetChanges,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() metrics?: MetricsService,
  ) {
    this.beats = new HeldConnection(config.databaseUrl, 2 * config.watchdogSilenceMs, 'vigia-agent-beats');
    this.proxies = new TrustedProxies(config.trustedProxies);
    this.loop = new PeriodicWorker('agent sweep', () => this.sweep(), { everyMs: 1000, onError: (e) => this.logger.warn(`agent sweep: ${String(e)}`) });
    metrics?.gauge('vigia_agents_connected', 'Remote agents connected to this API process', () => this.connections.size);
    metrics?.gauge('vigia_agent_results_over_cap', 'Agent results refused by this API process since start because their vantage sent more than VIGIA_VANTAGE_RESULTS_PER_SECOND', () => this.overCap);
    metrics?.gauge('vigia_agent_results_refused', 'Agent results refused by this API process since start (not assigned, future, oversized)', () => this.refused);
    metrics?.gauge('vigia_agent_connections_refused', 'Agent connections refused by this API process since start (unknown or revoked token, a second agent on one token)', () => this.refusedConnections);
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as { on(event: 'upgrade', listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): void } | undefined;
    if (!server) return;
    server.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').split('?')[0] === AGENT_PATH) void this.upgrade(req, socket, head);
    });
    this.vantages.events.on('revoked', this.onRevoked);
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.vantages.events.off('revoked', this.onRevoked);
    await this.loop.stop();
    for (const c of this.connections) c.ws.close(1001, 'API stopping');
    await Promise.all([...this.connections].map((c) => this.vantages.releaseSession(c.vantage.id, c.session).catch(() => undefined)));
    this.wss.close();
    await this.beats.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const token = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const vantage = token ? await this.vantages.authenticate(token) : undefined;
      if (!token || !vantage || vantage.central) {
        this.noteRefused(req, token ? 'an unknown or revoked vantage token' : 'no vantage token');
        return reject(socket, 401, 'Unauthorized', 'unknown or revoked vantage token');
      }
      const session = randomUUID();
      // Two agents with one token would be two places voting as one: the second is refused while the first holds it.
      if (!(await this.vantages.claimSession(vantage.id, session, SESSION_LEASE_MS, vantage.tokenHash))) {
        this.noteRefused(req, `vantage ${vantage.name}'s connection is held (a second agent with its token, or the same agent's previous connection, freed within ${SESSION_LEASE_MS / 1000} s)`);
        return reject(socket, 409, 'Conflict', 'another agent is connected with this vantage token');
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, vantage, token, session));
    } catch (error) {
      this.logger.warn(`agent upgrade failed: ${error instanceof Error ? error.message : String(error)}`);
      reject(socket, 503, 'Service Unavailable', 'try again');
    }
  }

  /**
   * Says in the log that a connection was refused, and from where — at most once every 10 s (a flood of bad tokens must
   * not flood the log); the count since start is in the line and in /metrics.
   */
  private noteRefused(req: IncomingMessage, why: string): void {
    this.refusedConnections++;
    if (this.connectionRefusalLog.count() === undefined) return;
    const from = this.proxies.clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for']);
    this.logger.warn(`agent connection refused: ${why}, from ${from} (${this.refusedConnections} refused since start)`);
  }

  private attach(ws: WebSocket, vantage: Vantage, token: string, session: string): void {
    const connection: AgentConnection = {
      ws, vantage, session, box: agentSecretBox(token, vantage.id), assigned: new Map(), assignmentHash: '', assignmentFingerprint: '', assignmentReadAt: 0, alive: true,
      ready: Promise.resolve(), queue: Promise.resolve(), waiting: 0, beating: false, lastBeatAt: -Infinity, beatsTooSoon: 0, clock: new ClockOffset(), refusalLog: new LogThrottle(),
      cap: new ResultsCap(this.config.vantageResultsPerSecond, this.clock.now().getTime()),
    };
    this.connections.add(connection);
    this.logger.log(`agent of vantage ${vantage.name} connected`);
    ws.on('pong', () => (connection.alive = true));
    ws.on('message', (data: RawData, isBinary: boolean) => this.enqueue(connection, data, isBinary));
    ws.on('close', () => {
      this.connections.delete(connection);
      this.logger.log(`agent of vantage ${vantage.name} disconnected`);
      // At shutdown the sessions are released before the database closes (onApplicationShutdown).
      if (!this.stopping) void this.vantages.releaseSession(vantage.id, session).catch(() => undefined);
    });
    ws.on('error', () => undefined);
    connection.ready = this.pushAssignment(connection).catch((e: unknown) => this.logger.warn(`assignment of ${vantage.name}: ${String(e)}`));
  }

  /**
   * One message at a time per agent, after its first assignment; a backlog beyond a few messages closes it. Heartbeats
   * do not wait behind results: queued behind a batch a busy database took seconds to store, a beat was recorded
   * seconds late and its clock sample taken seconds after it was sent, so a healthy agent was judged impaired
   * ("heartbeat late", "clock off by −4.7 s") and closed as too fast (measured at 20,000 monitors × 3 vantages).
   */
  private enqueue(c: AgentConnection, data: RawData, isBinary: boolean): void {
    // Closing (too fast, revoked, failed): frames already read from its socket are dropped, not each logged and closed
    // again — 3,000 one-byte frames behind a "too fast" close wrote 2,958 warnings and stalled the process 0.5 s.
    if (c.ws.readyState !== c.ws.OPEN) return;
    const beat = smallHeartbeat(data);
    if (beat) return this.takeHeartbeat(c, beat, this.clock.now().getTime());
    if (c.waiting >= MAX_WAITING_MESSAGES) {
      this.logger.warn(`agent of vantage ${c.vantage.name} sends faster than its results can be stored: closed (it resends what was not acknowledged)`);
      c.ws.close(CLOSE_TOO_FAST, 'too many messages waiting; slow down');
      // A client that does not finish the close handshake is cut after a second, as a revoked one.
      setTimeout(() => c.ws.terminate(), 1000).unref();
      return;
    }
    c.waiting += 1;
    c.queue = c.queue
      .then(() => c.ready)
      .then(() => this.receive(c, data, isBinary))
      .catch((e: unknown) => {
        // Not acknowledged: the agent keeps the batch and sends it again after it reconnects.
        this.logger.warn(`agent message from ${c.vantage.name} not handled: ${e instanceof Error ? e.message : String(e)}; connection closed, the agent will resend`);
        c.ws.close(CLOSE_TRY_AGAIN, 'could not store; try again');
      })
      .finally(() => (c.waiting -= 1));
  }

  /** Every second: revoked vantages closed, leases renewed, dead sockets dropped, assignments re-sent when changed. */
  private async sweep(): Promise<void> {
    this.sweeps++;
    const all = [...this.connections];
    if (!all.length) return;
    const live = await this.vantages.stillLive(all.map((c) => c.vantage.id));
    this.router.setLive(await this.liveWatchdogs());
    // Read before any assignment is: a change made while they are read shows in the next sweep's fingerprint.
    const fingerprint = this.sweeps % 2 === 0 ? await this.assignmentFingerprint() : undefined;
    for (const c of all) {
      if (!live.has(c.vantage.id)) {
        revoke(c);
        continue;
      }
      if (live.get(c.vantage.id) !== c.vantage.tokenHash) {
        revoke(c, 'token rotated');
        continue;
      }
      if (this.sweeps % PING_EVERY_SWEEPS === 0) {
        if (!c.alive) {
          c.ws.terminate();
          continue;
        }
        c.alive = false;
        c.ws.ping();
      }
      if (!(await this.vantages.claimSession(c.vantage.id, c.session, SESSION_LEASE_MS, c.vantage.tokenHash))) {
        c.ws.close(CLOSE_REPLACED, 'another connection holds this vantage');
        continue;
      }
      if (fingerprint !== undefined) await this.pushAssignment(c, fingerprint);
    }
  }

  /** The watchdog instances that own monitors now, by the watchdogs' own rule (`liveWatchdogs`). */
  private async liveWatchdogs(): Promise<string[]> {
    const rows = await this.instances.find({ where: liveWatchdogs(this.clock.now(), this.config.watchdogOwnershipMs), select: { id: true } });
    return rows.map((r) => r.id);
  }

  /** Changes when any monitor or host is edited, a MySQL group's roles change, or any assignment or vantage does. */
  private async assignmentFingerprint(): Promise<string> {
    return this.fleetChanges.token() ?? `${await this.catalog.fingerprint()}|${await this.assignments.fingerprint()}`;
  }

  private async pushAssignment(c: AgentConnection, known?: string): Promise<void> {
    const fingerprint = known ?? (await this.assignmentFingerprint());
    if (c.assignmentReadAt > 0 && fingerprint === c.assignmentFingerprint && performance.now() - c.assignmentReadAt < this.fleetChanges.rereadMs()) return;
    const readAt = performance.now();
    const catalog = this.fleetChanges.tokens()?.catalog;
    // Recorded only once the assignment was read (and sent when it changed): a read that fails is tried next sweep.
    const settled = (): void => {
      c.assignmentFingerprint = fingerprint;
      c.assignmentCatalog = catalog;
    };
    const ids = await this.assignments.monitorsOf(c.vantage);
    // Only who votes changed (a vantage impaired or healthy again) and this agent keeps the same monitors: nothing to
    // read or seal again. At 20,000 monitors a flapping vantage had every agent's 20,000 targets read and sealed anew.
    if (c.assignmentReadAt > 0 && catalog !== undefined && catalog === c.assignmentCatalog && performance.now() - c.assignmentReadAt < this.fleetChanges.rereadMs()
        && ids.length === c.assigned.size && ids.every((id) => c.assigned.has(id))) return settled();
    const found = await this.catalog.byIds(ids);
    // The query keeps a private vantage to its tenant's monitors; this is the second lock on that door.
    const monitors = c.vantage.tenantId ? found.filter((m) => m.tenantId === c.vantage.tenantId) : found;
    // The targets (addresses, settings, the secrets they open) are hashed too: a rotated SSH credential changes no
    // monitor row, only what the agent must be sent — it reaches the agent at the next full re-read.
    // Keys are cached per credential; at a re-read they are opened again, so a replaced key is what gets hashed.
    this.targets.forget();
    const targets = await Promise.all(monitors.map((m) => this.targets.of(m)));
    const hash = createHash('sha256').update(JSON.stringify(monitors)).update(JSON.stringify(targets)).digest('hex');
    if (hash === c.assignmentHash) {
      c.assignmentReadAt = readAt;
      return settled();
    }
    if (c.ws.readyState !== c.ws.OPEN) return;
    const message: AssignmentMessage = {
      type: 'assignment',
      vantage: { id: c.vantage.id, name: c.vantage.name },
      policy: { failuresToDown: this.config.detection.failuresToDown, successesToUp: this.config.detection.successesToUp, confirmIntervalMs: this.config.detection.confirmIntervalMs },
      monitors: monitors.map((m, i) => ({ id: m.id, intervalMs: m.intervalMs, sealed: c.box.seal(JSON.stringify(targets[i]), sealContext(m.id)) })),
    };
    c.assigned = new Map(monitors.map((m) => [m.id, { tenantId: m.tenantId, intervalMs: m.intervalMs }]));
    c.assignmentHash = hash;
    send(c.ws, message);
    c.assignmentReadAt = readAt;
    settled();
  }

  /**
   * Every heartbeat, whichever way it came: sampled on arrival, one write at a time (a beat arriving while the last
   * is still written is skipped: beats are periodic, the next one carries the same news, so a stalled database never
   * queues them up). Agents beat every 2 s; beats closer than MIN_BEAT_GAP_MS are not written (one agent must not keep
   * an UPDATE of the vantages every watchdog reads running back to back), and a stream of them closes the connection.
   */
  private takeHeartbeat(c: AgentConnection, beat: HeartbeatMessage, arrivedAt: number): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    if (performance.now() - c.lastBeatAt < MIN_BEAT_GAP_MS) {
      if (++c.beatsTooSoon > MAX_BEATS_TOO_SOON) {
        this.logger.warn(`agent of vantage ${c.vantage.name} sends heartbeats too fast: closed`);
        c.ws.close(CLOSE_TOO_FAST, 'heartbeats too fast; slow down');
      }
      return;
    }
    c.beatsTooSoon = 0;
    if (c.beating) return;
    c.lastBeatAt = performance.now();
    c.beating = true;
    this.storeHeartbeat(c, beat, arrivedAt)
      .catch((e: unknown) => this.logger.warn(`heartbeat of ${c.vantage.name} not recorded: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (c.beating = false));
  }

  private async storeHeartbeat(c: AgentConnection, message: HeartbeatMessage, arrivedAt: number): Promise<void> {
    const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    await this.vantages.reportHealth(c.vantage.id, {
      clockOffsetMs: n(message.sentAt) === null ? null : c.clock.sample(message.sentAt, arrivedAt),
      probesPerSecond: n(message.probesPerSecond),
      failingShare: n(message.failingShare),
      skippedShare: n(message.skippedShare) === null ? null : Math.max(0, Math.min(1, message.skippedShare!)),
      droppedResults: n(message.dropped) === null ? undefined : Math.max(0, Math.min(2 ** 31 - 1, Math.floor(message.dropped))),
    }, this.beats);
  }

  private async receive(c: AgentConnection, data: RawData, isBinary: boolean): Promise<void> {
    // Closing (revoked, replaced, too fast): nothing it still sends counts.
    if (c.ws.readyState !== c.ws.OPEN) return;
    const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
    let message: AgentMessage;
    try {
      message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8')) as AgentMessage;
    } catch {
      await this.refuse(c, 1, `not JSON (${isBinary ? 'binary' : 'text'} message of ${bytes} bytes)`);
      return;
    }
    // JSON that is no object (`null`, `3`): refused like any unknown message, not a TypeError that closed the connection.
    if (typeof message !== 'object' || message === null) {
      await this.refuse(c, 1, 'unknown message');
      return;
    }
    // A heartbeat too large for its own lane (agents never send one): the same rules once it is read.
    if (message.type === 'heartbeat') return this.takeHeartbeat(c, message, this.clock.now().getTime());
    if (message.type !== 'results' || !Array.isArray(message.results)) {
      await this.refuse(c, 1, 'unknown message');
      return;
    }
    const batch = typeof message.batch === 'number' ? message.batch : -1;
    if (bytes > MAX_MESSAGE_BYTES || message.results.length > MAX_BATCH_RESULTS) {
      const why = `oversized batch: ${message.results.length} results, ${bytes} bytes (at most ${MAX_BATCH_RESULTS} results, ${MAX_MESSAGE_BYTES} bytes)`;
      await this.refuse(c, message.results.length, why);
      send(c.ws, { type: 'ack', batch, stored: 0, refused: message.results.length, why });
      return;
    }
    const now = this.clock.now().getTime();
    const accepted: InboundResult[] = [];
    const refusals = new Map<string, number>();
    const refuse = (why: string): void => void refusals.set(why, (refusals.get(why) ?? 0) + 1);
    for (const sent of message.results as Partial<AgentResult>[]) {
      const assigned = typeof sent?.monitorId === 'string' ? c.assigned.get(sent.monitorId) : undefined;
      // On our clock from here on (its measured offset, within the bound): the checks below and everything downstream.
      const r = typeof sent?.at === 'number' && Number.isFinite(sent.at) ? { ...sent, at: c.clock.toApiTime(sent.at) } : sent;
      if (!assigned) refuse('a monitor not assigned to this vantage');
      else if (typeof r.at !== 'number' || !Number.isFinite(r.at)) refuse('no timestamp');
      else if (r.at > now + MAX_FUTURE_MS) refuse(`a timestamp more than ${MAX_FUTURE_MS} ms in the future`);
      else if (r.at < now - 7 * 86_400_000) refuse('a timestamp older than 7 days');
      else if (typeof r.status !== 'string' || !STATUSES.has(r.status)) refuse('an unknown status');
      else {
        accepted.push({
          monitorId: r.monitorId!,
          tenantId: assigned.tenantId,
          at: r.at,
          status: r.status as InboundResult['status'],
          latencyMs: typeof r.latencyMs === 'number' && Number.isFinite(r.latencyMs) ? Math.max(0, r.latencyMs) : 0,
          // Storable: one NUL in a target's answer would make PostgreSQL refuse the whole batch. Text only: an object
          // whose toString throws ({"toString": 1}) closed the connection and lost the rest of its batch.
          reason: storable(reasonOf(r).slice(0, 1000)),
          // Late results (buffered offline, or older than two intervals) complete history; they never vote to open.
          replayed: r.replayed === true || now - r.at > Math.max(10_000, 2 * assigned.intervalMs),
          // Agents built before the flag say it only in words: the fixed prefix of an egress refusal.
          ...(r.refused === true || (r.status === 'down' && reasonOf(r).startsWith(REFUSAL_PREFIX)) ? { refused: true } : {}),
        });
      }
    }
    const granted = c.cap.take(accepted.length, now);
    if (granted < accepted.length) {
      const over = accepted.length - granted;
      accepted.length = granted;
      this.overCap += over;
      const why = `over its cap of ${this.config.vantageResultsPerSecond} results/s`;
      refusals.set(why, (refusals.get(why) ?? 0) + over);
    }
    await this.inbox.store(c.vantage, accepted, this.router.ownerOf);
    const refused = [...refusals.values()].reduce((a, b) => a + b, 0);
    const why = [...refusals].map(([reason, count]) => `${count} × ${reason}`).join('; ');
    if (refused) await this.refuse(c, refused, why);
    send(c.ws, { type: 'ack', batch, stored: accepted.length, refused, ...(refused ? { why } : {}) });
  }

  private async refuse(c: AgentConnection, count: number, why: string): Promise<void> {
    this.refused += count;
    // At most one line per agent every 10 s (with what was refused meanwhile): a hostile agent's junk must not flood
    // the log. Every refusal is still counted, on the vantage (its row, the dashboard) and in /metrics.
    const since = c.refusalLog.count(count);
    if (since !== undefined) this.logger.warn(`refused ${since} result(s) from vantage ${c.vantage.name}${since > count ? ' in the last 10 s, the latest' : ''}: ${why}`);
    await this.vantages.countRefused(c.vantage.id, count, why);
  }
}

/**
 * A revoked vantage is told why (close code 4403) and heard no more from that instant (`receive` ignores a socket
 * that is not open); a client that does not finish the close handshake is cut after a second rather than the
 * library's 30 s.
 */
function revoke(c: AgentConnection, why = 'vantage revoked'): void {
  c.ws.close(CLOSE_REVOKED, why);
  setTimeout(() => c.ws.terminate(), 1000).unref();
}

/** A result's reason as text: anything else an agent sends there is no reason. */
function reasonOf(r: Partial<AgentResult>): string {
  return typeof r.reason === 'string' ? r.reason : '';
}

function send(ws: WebSocket, message: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

function reject(socket: Duplex, status: number, text: string, body: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Heartbeats are small (a few hundred bytes); a message that is larger, or not a heartbeat, takes the results' lane. */
const HEARTBEAT_MAX_BYTES = 4096;
/** The least time between two heartbeats written for one agent (agents beat every 2 s), and how many closer ones in a row close it. */
const MIN_BEAT_GAP_MS = 500;
const MAX_BEATS_TOO_SOON = 20;

function smallHeartbeat(data: RawData): HeartbeatMessage | undefined {
  if (!Buffer.isBuffer(data) || data.length > HEARTBEAT_MAX_BYTES) return undefined;
  try {
    const message = JSON.parse(data.toString('utf8')) as Partial<AgentMessage> | null;
    return message?.type === 'heartbeat' ? (message as HeartbeatMessage) : undefined;
  } catch {
    return undefined;
  }
}
