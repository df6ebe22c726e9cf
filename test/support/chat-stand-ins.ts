import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A Telegram Bot API `Message` the stand-in hands out through getUpdates. */
export interface StandInMessage {
  message_id: number;
  chat: { id: number; type?: 'private' | 'group' | 'supergroup' | 'channel' };
  from: { id: number };
  text: string;
  reply_to_message?: { message_id: number };
}

/**
 * A local Telegram Bot API: `sendMessage` recorded and answered with a new `message_id`; `getUpdates` long-polls —
 * it answers the updates after `offset` as soon as there are any, else an empty list after `timeout` (capped at 1 s
 * here), as Telegram documents. `rateLimitNext` answers the next sendMessage with Telegram's 429 (retry_after in the body).
 */
export class TelegramStandIn {
  url = '';
  sent: { path: string; body: Record<string, unknown> }[] = [];
  polls: { path: string; body: Record<string, unknown> }[] = [];
  rateLimitNext = 0;
  private updates: { update_id: number; message: StandInMessage }[] = [];
  private nextMessageId = 100;
  private nextUpdateId = 500;
  private waiting: (() => void)[] = [];
  private server?: Server;

  push(message: Omit<StandInMessage, 'message_id'>): void {
    this.updates.push({ update_id: this.nextUpdateId++, message: { message_id: this.nextMessageId++, ...message } });
    for (const wake of this.waiting.splice(0)) wake();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
        const path = req.url ?? '/';
        const answer = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        if (path.endsWith('/sendMessage')) {
          this.sent.push({ path, body });
          if (this.rateLimitNext > 0) return answer(429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${this.rateLimitNext}`, parameters: { retry_after: this.rateLimitNext } }), (this.rateLimitNext = 0);
          return answer(200, { ok: true, result: { message_id: this.nextMessageId++, chat: { id: Number(body.chat_id) }, text: body.text } });
        }
        if (path.endsWith('/getUpdates')) {
          this.polls.push({ path, body });
          const offset = Number(body.offset ?? 0);
          const ready = () => this.updates.filter((u) => u.update_id >= offset);
          if (ready().length) return answer(200, { ok: true, result: ready() });
          const timer = setTimeout(() => answer(200, { ok: true, result: ready() }), Math.min(1000, Number(body.timeout ?? 0) * 1000));
          this.waiting.push(() => {
            clearTimeout(timer);
            if (!res.writableEnded) answer(200, { ok: true, result: ready() });
          });
          return;
        }
        answer(404, { ok: false, error_code: 404, description: 'Not Found' });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const wake of this.waiting.splice(0)) wake();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/**
 * A local Slack: the Web API (`chat.postMessage` answered with a `ts`, `chat.update`, `chat.postEphemeral`, `apps.connections.open`
 * answering a WebSocket URL of this stand-in) and a Socket Mode server speaking Slack's envelope protocol — `hello` on
 * connect, envelopes with an `envelope_id` the client must acknowledge, `disconnect` to make it reconnect.
 */
export class SlackStandIn {
  url = '';
  calls: { method: string; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }[] = [];
  /** What the client sent back over the socket (the envelope acknowledgements). */
  acks: Record<string, unknown>[] = [];
  sockets: WebSocket[] = [];
  /** What `apps.connections.open` answers instead of this stand-in's own socket URL. */
  socketUrl?: string;
  private server?: Server;
  private wss?: WebSocketServer;
  private nextTs = 1;

  async start(host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const method = (req.url ?? '').replace(/^\/api\//, '');
        const body = (raw && req.headers['content-type']?.startsWith('application/json') ? JSON.parse(raw) : {}) as Record<string, unknown>;
        this.calls.push({ method, headers: req.headers, body });
        const answer = (json: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        if (method === 'chat.postMessage') return answer({ ok: true, channel: body.channel, ts: `1700000000.00000${this.nextTs++}` });
        if (method === 'chat.postEphemeral') return answer({ ok: true, message_ts: '1700000001.000001' });
        // chat.update takes the channel's id only (as Slack: a name is channel_not_found).
        if (method === 'chat.update') return answer(/^[CGD][A-Z0-9]+$/.test(String(body.channel)) ? { ok: true, channel: body.channel, ts: body.ts, text: body.text } : { ok: false, error: 'channel_not_found' });
        if (method === 'apps.connections.open') return answer({ ok: true, url: this.socketUrl ?? `${this.url.replace(/^http/, 'ws')}/link/?ticket=t${this.nextTs++}` });
        answer({ ok: false, error: 'unknown_method' });
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/link/' });
    this.wss.on('connection', (ws) => {
      this.sockets.push(ws);
      ws.on('message', (data) => this.acks.push(JSON.parse(data.toString()) as Record<string, unknown>));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0VIGIA' }, debug_info: { host: 'stand-in' } }));
    });
    await new Promise<void>((r) => this.server!.listen(0, host, r));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The newest open socket. */
  get socket(): WebSocket | undefined {
    return this.sockets.filter((s) => s.readyState === s.OPEN).at(-1);
  }

  /** Sends a `block_actions` envelope (a button press by `user`) and returns its envelope id. */
  press(user: string, actionId: string, value: string, channel: string): string {
    const envelopeId = `env-${Math.random().toString(16).slice(2)}`;
    this.socket!.send(JSON.stringify({
      envelope_id: envelopeId,
      type: 'interactive',
      accepts_response_payload: false,
      payload: { type: 'block_actions', user: { id: user, username: user.toLowerCase() }, channel: { id: channel }, actions: [{ action_id: actionId, block_id: 'b1', value, type: 'button' }] },
    }));
    return envelopeId;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
