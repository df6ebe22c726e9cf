import WebSocket from 'ws';
import { eventually } from './eventually.js';

export interface Assignment {
  type: 'assignment';
  vantage: { id: string; name: string };
  monitors: { id: string; intervalMs: number; sealed: string }[];
}
export interface Ack {
  type: 'ack';
  batch: number;
  stored: number;
  refused: number;
  why?: string;
}

/** A stand-in agent: the real protocol over a real socket, driven by the test. */
export class FakeAgent {
  readonly messages: (Assignment | Ack)[] = [];
  closed?: { code: number; reason: string };
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(String(data)) as Assignment | Ack));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  /** Connects, or fails with the HTTP status the API refused the upgrade with. */
  static connect(url: string, token: string): Promise<FakeAgent> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/agent`, { headers: { authorization: `Bearer ${token}` } });
      const agent = new FakeAgent(ws);
      ws.once('open', () => resolve(agent));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  assignment(): Promise<Assignment> {
    return eventually('an assignment', () => this.messages.filter((m): m is Assignment => m.type === 'assignment').at(-1));
  }

  /** A heartbeat stamped `sentAt` by the agent's clock (the API measures its offset from it). */
  heartbeat(sentAt = Date.now()): void {
    this.ws.send(JSON.stringify({ type: 'heartbeat', sentAt, probesPerSecond: 0, failingShare: null, buffered: 0, dropped: 0 }));
  }

  /** Heartbeats every `ms` until the socket closes (an agent without them is judged absent or late, and does not vote). */
  beatEvery(ms: number): void {
    this.heartbeat();
    const timer = setInterval(() => (this.ws.readyState === this.ws.OPEN ? this.heartbeat() : clearInterval(timer)), ms);
    this.ws.once('close', () => clearInterval(timer));
  }

  async send(batch: number, results: unknown[]): Promise<Ack> {
    this.ws.send(JSON.stringify({ type: 'results', batch, results }));
    return eventually(`ack of batch ${batch}`, () => this.messages.find((m): m is Ack => m.type === 'ack' && m.batch === batch));
  }
}
