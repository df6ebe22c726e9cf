import { SMTPServer } from 'smtp-server';
import { freePort } from '#lib/persistence';
import { selfSignedCert } from './tls-cert.js';

export const RELAY_USER = 'noc';
export const RELAY_PASSWORD = 'right horse battery';

export interface ReceivedMail {
  from: string;
  raw: string;
  user?: string;
}

/**
 * A tenant's own SMTP relay for tests: a real SMTP server on 127.0.0.1 with STARTTLS (self-signed) and AUTH that
 * accepts only RELAY_USER / RELAY_PASSWORD (anything else is answered 535), keeping what it receives.
 */
export async function startAuthRelay(): Promise<{ port: number; received: ReceivedMail[]; close(): Promise<void> }> {
  const { key, cert } = await selfSignedCert(90);
  const port = await freePort();
  const received: ReceivedMail[] = [];
  const relay = new SMTPServer({
    key,
    cert,
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth: (auth, _s, cb) => (auth.username === RELAY_USER && auth.password === RELAY_PASSWORD ? cb(null, { user: RELAY_USER }) : cb(new Error('535 5.7.8 authentication failed'))),
    onData: (stream, session, cb) => {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', raw, user: session.user as string | undefined });
        cb();
      });
    },
  });
  await new Promise<void>((r) => relay.listen(port, '127.0.0.1', () => r()));
  return { port, received, close: () => new Promise<void>((r) => relay.close(() => r())) };
}
