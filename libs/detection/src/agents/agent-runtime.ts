import WebSocket from 'ws';
import { type Clock, systemClock } from '#lib/common';
import type { AgentConfig } from '#lib/config';
import type { ProbeResult, ProbeRunner, ProbeTarget } from '#lib/probes';
import { agentSecretBox } from '#lib/secrets';
import { DEFAULT_POLICY, type DetectorPolicy, type DetectorState, initialState, observe } from '../runtime/detector.js';
import { ProbeRate } from '../runtime/probe-rate.js';
import { ProbeScheduler } from '../runtime/probe-scheduler.js';
import { type AgentResult, type AssignmentMessage, CLOSE_REVOKED, MAX_BATCH_RESULTS, type ServerMessage, sealContext } from './protocol.js';

interface AgentMonitor {
  id: string;
  intervalMs: number;
  target: ProbeTarget;
}

export type AgentLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** Exit code of an agent whose token is refused (unknown or revoked): nothing to retry; systemd's RestartPreventExitStatus. */
export const EXIT_TOKEN_REFUSED = 78;
const SILENCE_MS = 15_000;
/**
 * Batches sent and not yet acknowledged. The API stores an agent's messages one at a time and closes a connection
 * with more than 4 waiting (too fast): a buffer replayed 20 batches at a time was cut at the fifth, reconnected,
 * and cut again, for ever (a few seconds offline at 20,000 monitors buffer more than four batches). Two in flight,
 * with room for a heartbeat, keep the link full without tripping that limit.
 */
const MAX_UNACKED_BATCHES = 2;
const BATCH_RESULTS = 500;
/**
 * Results are sent every 200 ms; one that moves its monitor's verdict (a failure being confirmed) goes within 10 ms —
 * when no batch waits for its acknowledgement (else that acknowledgement sends it), and at most every 50 ms: an
 * agent whose every target fails at once sends 20 batches a second at most, not one per result.
 */
const FLUSH_MS = 200;
const URGENT_FLUSH_MS = 10;
const URGENT_SPACING_MS = 50;

/**
 * A remote agent: one outbound WebSocket to the API, the assignment it sends (probe targets sealed for this agent),
 * the same scheduler and probe runner (with its egress policy) as a watchdog, and results streamed back in batches
 * with their original timestamps. Cut off, it keeps probing into a bounded buffer (oldest dropped first, counted)
 * and replays it on reconnect, marked `replayed`: history, never a fresh vote.
 */
export class AgentRuntime {
  private ws?: WebSocket;
  private connected = false;
  private stopped = false;
  private backoffMs = 500;
  private readonly scheduler: ProbeScheduler<AgentMonitor>;
  private policy: DetectorPolicy = DEFAULT_POLICY;
  private local = new Map<string, DetectorState>();
  private vantageId?: string;
  /** Results waiting to be sent, oldest first; and those sent but not yet acknowledged, by batch. */
  private queue: AgentResult[] = [];
  /**
   * Live results that move their monitor's verdict (a failure being confirmed, or the change itself): sent ahead of the
   * queue, so that a saturated agent's backlog of steady results does not hold up the quorum's verdict (at 20,000 × 3
   * a deciding result waited seconds behind it). The watchdog judges a vantage's results newest-first-wins: an older
   * steady result of the same monitor arriving after it is kept for history, never judged (`WatchdogService.handle`).
   */
  private votes: AgentResult[] = [];
  private readonly unacked = new Map<number, AgentResult[]>();
  private batch = 0;
  private flushTimer?: NodeJS.Timeout;
  private urgentTimer?: NodeJS.Timeout;
  private lastUrgentSend = -Infinity;
  private beatTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  /** Counting window of the probe rate, on monotonic time (a duration, not a time of day). */
  private readonly probeRate = new ProbeRate(performance.now());
  /**
   * When the API was last heard from (any message or ping), on monotonic time: a path that silently drops packets is
   * noticed by its silence, and a step of the wall clock must not fake or hide that silence.
   */
  private lastHeard = 0;
  readonly stats = { dropped: 0, sent: 0, acked: 0, refused: 0, assignments: 0 };

  constructor(
    private readonly config: AgentConfig,
    private readonly runner: ProbeRunner,
    private readonly log: AgentLog,
    /** Called when the token is refused: the process ends (a revoked agent has nothing to do). */
    private readonly onTokenRefused: () => void = () => process.exit(EXIT_TOKEN_REFUSED),
    /** The agent's time of day in its heartbeat's `sentAt` (the API measures the skew from it); results carry the runner's. */
    private readonly clock: Clock = systemClock,
  ) {
    this.scheduler = new ProbeScheduler<AgentMonitor>({ run: (m) => this.probe(m) }, config.concurrency, Date.now, config.probeBatchMs);
  }

  get monitors(): number {
    return this.scheduler.size;
  }

  /** Its scheduler's counts since start: probes started, slots skipped (previous run still under way) and shed (saturated). */
  get slots(): Readonly<{ started: number; skippedOverlap: number; shed: number }> {
    return this.scheduler.stats;
  }

  get buffered(): number {
    return this.queue.length + this.votes.length;
  }

  start(): void {
    this.connect();
    this.flushTimer = setInterval(() => this.flush(), FLUSH_MS);
    this.beatTimer = setInterval(() => this.heartbeat(), 2000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.scheduler.stop();
    clearInterval(this.flushTimer);
    clearTimeout(this.urgentTimer);
    clearInterval(this.beatTimer);
    clearTimeout(this.reconnectTimer);
    this.flush();
    this.ws?.close(1000, 'agent stopping');
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.config.agentUrl, { headers: { authorization: `Bearer ${this.config.token}` }, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('ping', () => (this.lastHeard = performance.now()));
    ws.on('open', () => {
      this.lastHeard = performance.now();
      this.connected = true;
      this.backoffMs = 500;
      const kept = this.buffered;
      this.log('info', `connected to ${this.config.agentUrl}${kept ? `; sending the ${kept} result(s) kept while cut off (history only: they never open an incident)${this.stats.dropped ? `, ${this.stats.dropped} dropped since start (buffer full, VIGIA_AGENT_BUFFER)` : ''}` : ''}`);
      this.heartbeat();
    });
    // The API answered, and the answer was logged: terminating the socket then raises an "error" that is not news.
    let answered = false;
    ws.on('unexpected-response', (_req, res) => {
      answered = true;
      if (res.statusCode === 401) {
        this.log('error', 'the API refused the vantage token (unknown or revoked); stopping');
        this.stopped = true;
        this.onTokenRefused();
      } else if (res.statusCode === 409) {
        this.log('warn', `the vantage's connection is held — by another agent with this token, or by this agent's own previous connection (freed within 15 s after a cut); retrying in ${(this.backoffMs / 1000).toFixed(1)} s. Each agent is one vantage: a second agent needs its own vantage and token (createVantage)`);
      } else {
        this.log('warn', `the API answered ${res.statusCode}${answerHint(res.statusCode)}; retrying in ${(this.backoffMs / 1000).toFixed(1)} s (results kept meanwhile)`);
      }
      ws.terminate();
    });
    ws.on('message', (data) => {
      this.lastHeard = performance.now();
      this.receive(String(data));
    });
    ws.on('close', (code, reason) => {
      const was = this.connected;
      this.connected = false;
      // Sent but not acknowledged: they may have been judged already, so history only now (marked replayed), back in
      // the queue in the order they were probed. Votes never sent stay votes: sent first on reconnecting (the gateway
      // marks one too old to vote as replayed), or an API restart during an outage would cost it N more intervals.
      const late = [...this.unacked.values()].flat().map((r) => ({ ...r, replayed: true }));
      this.unacked.clear();
      this.queue = late.length ? [...late, ...this.queue].sort((a, b) => a.at - b.at) : this.queue;
      this.trim();
      if (code === CLOSE_REVOKED) {
        this.log('error', `the API closed the connection: ${reason.toString() || 'vantage revoked'}; stopping`);
        this.stopped = true;
        this.onTokenRefused();
        return;
      }
      if (was) this.log('warn', `disconnected (${code}${reason.length ? ` ${reason.toString()}` : ''}); probing on, buffering results`);
      this.scheduleReconnect();
    });
    ws.on('error', (error) => {
      if (!this.connected && !answered) this.log('warn', `cannot reach the API: ${error.message}`);
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), this.backoffMs);
    this.backoffMs = Math.min(10_000, this.backoffMs * 2);
  }

  private receive(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === 'assignment') this.assign(message);
    else if (message.type === 'ack') {
      const results = this.unacked.get(message.batch);
      this.unacked.delete(message.batch);
      this.stats.acked += message.stored;
      this.stats.refused += message.refused;
      if (message.refused) this.log('warn', `the API refused ${message.refused} result(s): ${message.why ?? ''}`);
      void results;
      if (this.votes.length) this.flushUrgent();
    }
  }

  private assign(message: AssignmentMessage): void {
    const box = agentSecretBox(this.config.token, message.vantage.id);
    this.vantageId = message.vantage.id;
    this.policy = { ...DEFAULT_POLICY, ...message.policy };
    const monitors: AgentMonitor[] = [];
    for (const m of message.monitors) {
      try {
        monitors.push({ id: m.id, intervalMs: m.intervalMs, target: JSON.parse(box.open(m.sealed, sealContext(m.id))) as ProbeTarget });
      } catch {
        this.log('error', `monitor ${m.id}: its target does not open with this agent's token; skipped`);
      }
    }
    const ids = new Set(monitors.map((m) => m.id));
    for (const id of this.local.keys()) if (!ids.has(id)) this.local.delete(id);
    this.scheduler.setMonitors(monitors);
    this.stats.assignments++;
    this.log('info', `vantage ${message.vantage.name}: ${monitors.length} monitor(s) assigned`);
  }

  /** Monitors whose target this agent's egress policy refused, told once each while it runs (its policy is its environment: changing it restarts the agent). */
  private readonly refusalsTold = new Set<string>();

  private noteRefusal(monitor: AgentMonitor, reason: string): void {
    if (this.refusalsTold.has(monitor.id)) return;
    this.refusalsTold.add(monitor.id);
    this.log('warn', `monitor ${monitor.id}: not probed, no vote from this vantage — ${reason}`);
  }

  private async probe(monitor: AgentMonitor): Promise<number | undefined> {
    const result: ProbeResult = await this.runner.run(monitor.target);
    // Refused by this agent's own egress policy: not probed, so neither a probe nor a failure in its rates — it read
    // "100 % of its probes failing" on the Vantages page, as if its network were broken — and said here, once per
    // monitor, where the person who set VIGIA_EGRESS_ALLOW looks (the API's log alone said it).
    if (result.refused) this.noteRefusal(monitor, result.reason);
    else this.probeRate.count(result.status === 'down');
    const sent: AgentResult = { monitorId: monitor.id, at: result.at, status: result.status, latencyMs: result.latencyMs, reason: result.reason, replayed: !this.connected, ...(result.refused ? { refused: true } : {}) };
    // A local detector only for its rhythm: re-probe soon while a change is being confirmed, as a watchdog does.
    const outcome = observe(this.local.get(monitor.id) ?? initialState(result.at), 'local', result, this.policy);
    this.local.set(monitor.id, outcome.state);
    // A result that confirms a change (or completes one) is what the quorum's verdict waits for: the 200 ms flush
    // was up to a fifth of the 2 s from a target's death to its incident. It goes ahead of the queue, within 10 ms
    // (those within 10 ms travel together). Only a live result can move a verdict (one probed while cut off is history).
    if (this.connected && (outcome.change || outcome.reprobeInMs !== undefined)) {
      this.votes.push(sent);
      this.flushUrgentIn(URGENT_FLUSH_MS);
    } else this.queue.push(sent);
    this.trim();
    return outcome.reprobeInMs;
  }

  /** One batch in flight at most for urgent sends (the acknowledgement sends the next), spaced by URGENT_SPACING_MS. */
  private flushUrgent(): void {
    if (this.unacked.size > 0) return;
    const wait = this.lastUrgentSend + URGENT_SPACING_MS - performance.now();
    if (wait > 0) return this.flushUrgentIn(wait);
    this.lastUrgentSend = performance.now();
    this.flush();
  }

  /** One urgent timer at a time: one already armed serves. */
  private flushUrgentIn(ms: number): void {
    this.urgentTimer ??= setTimeout(() => {
      this.urgentTimer = undefined;
      this.flushUrgent();
    }, ms);
  }

  /**
   * The buffer (queue and votes together) is bounded: the oldest queued results go first, then the oldest votes (a
   * mass failure while the API acknowledges slowly), and are counted.
   */
  private trim(): void {
    const excess = this.buffered - this.config.bufferLimit;
    if (excess <= 0) return;
    const fromQueue = Math.min(excess, this.queue.length);
    this.queue.splice(0, fromQueue);
    this.votes.splice(0, excess - fromQueue);
    this.stats.dropped += excess;
  }

  private flush(): void {
    if (!this.connected || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const size = Math.min(BATCH_RESULTS, MAX_BATCH_RESULTS);
    while ((this.votes.length || this.queue.length) && this.unacked.size < MAX_UNACKED_BATCHES) {
      // The votes first, the queue's oldest after them. What is not sent waits for an acknowledgement to make room
      // (which flushes again).
      const results = this.votes.splice(0, size);
      if (results.length < size) results.push(...this.queue.splice(0, size - results.length));
      const batch = ++this.batch;
      this.unacked.set(batch, results);
      this.ws.send(JSON.stringify({ type: 'results', batch, results }));
      this.stats.sent += results.length;
    }
  }

  private heartbeat(): void {
    if (!this.connected || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const now = performance.now();
    // The API pings every 5 s: 15 s of silence is a dead path (packets dropped, no FIN): give up on this socket.
    if (now - this.lastHeard > SILENCE_MS) {
      this.log('warn', `nothing from the API for ${Math.round((now - this.lastHeard) / 1000)} s; reconnecting`);
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify({ type: 'heartbeat', sentAt: this.clock.now().getTime(), ...this.probeRate.read(now, this.scheduler.notStarted), buffered: this.buffered, dropped: this.stats.dropped }));
  }
}

/** What an HTTP answer to the agent's connection most likely means, for the person reading the agent's log. */
function answerHint(status: number | undefined): string {
  if (status === 503) return " (it is up but not ready: most likely Vigia's database does not answer; nothing to change here)";
  if (status === 404 || status === 400 || status === 405) return ' (is VIGIA_API_URL the address of the Vigia API, as the dashboard is opened, with nothing after it?)';
  if (status === 502 || status === 504) return ' (a proxy in front of the API could not reach it, or does not pass WebSocket upgrades on /agent)';
  return '';
}
