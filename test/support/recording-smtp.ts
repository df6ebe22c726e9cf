import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { selfSignedCert } from './tls-cert.js';

/**
 * The tests' SMTP stand-in: a real SMTP server (smtp-server, STARTTLS with a self-signed certificate) on loopback that
 * keeps every message it receives, raw, in arrival order. `env` points a Vigia at it.
 */
export class RecordingSmtpServer {
  readonly raw: string[] = [];
  port = 0;
  private server?: SMTPServer;

  /** The settings that send Vigia's mail here (its certificate is self-signed: not verified). */
  get env(): Record<string, string> {
    return { VIGIA_SMTP_URL: `smtp://127.0.0.1:${this.port}`, VIGIA_SMTP_TLS_VERIFY: 'false' };
  }

  async start(): Promise<this> {
    const { key, cert } = await selfSignedCert(90);
    const server = new SMTPServer({
      key, cert, authOptional: true, logger: false,
      onData: (stream, _session, done) => {
        let message = '';
        stream.on('data', (chunk: Buffer) => (message += chunk.toString()));
        stream.on('end', () => {
          this.raw.push(message);
          done();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
