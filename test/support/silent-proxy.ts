import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A relay to a PostgreSQL URL that can go silent: while `silent`, bytes stop flowing both ways and nothing is reset —
 * as a cut path looks to a client (no FIN, no RST; only its own deadlines notice).
 */
export class SilentProxy {
  silent = false;
  private server?: Server;
  private readonly sockets: Socket[] = [];

  constructor(private readonly databaseUrl: string) {}

  /** Starts it; returns the database URL through it. */
  async start(): Promise<string> {
    const url = new URL(this.databaseUrl);
    const upstreamAt = { port: Number(url.port), host: url.hostname };
    const server = createServer((client) => {
      const upstream = connect(upstreamAt.port, upstreamAt.host);
      this.sockets.push(client, upstream);
      client.on('data', (d) => (this.silent ? undefined : upstream.write(d)));
      upstream.on('data', (d) => (this.silent ? undefined : client.write(d)));
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
    return url.toString();
  }

  stop(): void {
    for (const s of this.sockets) s.destroy();
    this.server?.close();
  }
}
