import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeType } from '#lib/inventory';
import { freePort } from '#lib/persistence';
import { ImapProbe, MailRoundTripProbe, Pop3Probe, ProbeRunner } from '#lib/probes';
import { selfSignedCert } from '../support/tls-cert.js';
import { Dovecot } from './support/dovecot.js';
import { testEgressPolicy } from '../support/test-egress.js';

const runner = new ProbeRunner([new ImapProbe(), new Pop3Probe(), new MailRoundTripProbe()], testEgressPolicy());
const run = (type: ProbeType, config: Record<string, unknown>, timeoutMs = 5000) => runner.run({ type, config, address: '127.0.0.1', timeoutMs });

describe('mail probes against a real Dovecot (IMAP, POP3) and an SMTP server delivering into its Maildir', () => {
  let dovecot: Dovecot;
  let smtp: SMTPServer;
  let smtpPort: number;
  let deliver = true;

  beforeAll(async () => {
    dovecot = await Dovecot.start('probe', 'mail-secret');
    const { key, cert } = await selfSignedCert(90);
    smtpPort = await freePort();
    smtp = new SMTPServer({
      key,
      cert,
      authOptional: false,
      onAuth: (auth, _s, cb) => (auth.username === 'probe' && auth.password === 'mail-secret' ? cb(null, { user: 'probe' }) : cb(new Error('bad login'))),
      // A tiny local delivery agent: the accepted message is written into the user's Maildir, where Dovecot finds it.
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (!deliver) return callback();
          const file = join(dovecot.maildirNew('probe'), `${Date.now()}.${randomBytes(6).toString('hex')}.vigia`);
          writeFile(file, Buffer.concat(chunks), { mode: 0o644 }).then(() => callback(), callback);
        });
      },
      logger: false,
    });
    await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', () => r()));
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    await dovecot?.destroy();
  });

  it('IMAP: greeting, STARTTLS, login and mailbox', async () => {
    const result = await run(ProbeType.imap, { port: dovecot.imapPort, starttls: true, tlsVerify: false, username: 'probe', password: 'mail-secret' });
    expect(result.status, result.reason).toBe('up');
    expect(result.reason).toMatch(new RegExp(`^IMAP 127\\.0\\.0\\.1:${dovecot.imapPort} greeting ".*", TLS, login ok, INBOX has \\d+ messages in`));
    // Without credentials and with STARTTLS off: the greeting alone. (Left on, STARTTLS verifies the certificate.)
    const greetingOnly = await run(ProbeType.imap, { port: dovecot.imapPort, starttls: false });
    expect(greetingOnly.status, greetingOnly.reason).toBe('up');
  });

  it('IMAP: a refused login and a missing mailbox are down, with the reason', async () => {
    const refused = await run(ProbeType.imap, { port: dovecot.imapPort, starttls: true, tlsVerify: false, username: 'probe', password: 'wrong' });
    expect(refused.status).toBe('down');
    expect(refused.reason).toMatch(/AUTHENTICATIONFAILED|Authentication failed/i);
    const missing = await run(ProbeType.imap, { port: dovecot.imapPort, starttls: true, tlsVerify: false, username: 'probe', password: 'mail-secret', mailbox: 'Nope' });
    expect(missing.status).toBe('down');
    expect(missing.reason).toMatch(/Mailbox doesn't exist: Nope|mailbox Nope does not exist/);
  });

  it('POP3: greeting, STLS, login and STAT', async () => {
    const result = await run(ProbeType.pop3, { port: dovecot.pop3Port, starttls: true, tlsVerify: false, username: 'probe', password: 'mail-secret' });
    expect(result.status, result.reason).toBe('up');
    expect(result.reason).toMatch(new RegExp(`^POP3 127\\.0\\.0\\.1:${dovecot.pop3Port} greeting ".*", STLS, login ok, \\d+ messages in`));
    const refused = await run(ProbeType.pop3, { port: dovecot.pop3Port, starttls: true, tlsVerify: false, username: 'probe', password: 'wrong' });
    expect(refused.status).toBe('down');
    expect(refused.reason).toMatch(/failed after greeting .*, STLS: login answered "-ERR/);
  });

  const roundTrip = (timeoutMs = 5000) =>
    run(ProbeType.mail_roundtrip, {
      smtpPort, imapPort: dovecot.imapPort, from: 'probe@example.test', to: 'probe@example.test',
      username: 'probe', password: 'mail-secret', starttls: true, tlsVerify: false,
    }, timeoutMs);

  it('round trip: the tagged message arrives, its latency is measured, and it is deleted', async () => {
    const result = await roundTrip();
    expect(result.status, result.reason).toBe('up');
    expect(result.reason).toMatch(/^mail submitted to 127\.0\.0\.1:\d+ arrived in 127\.0\.0\.1 INBOX after [\d.]+ ms$/);
    expect(Number(result.details?.deliveryMs)).toBeGreaterThan(0);
    const after = await run(ProbeType.imap, { port: dovecot.imapPort, starttls: true, tlsVerify: false, username: 'probe', password: 'mail-secret' });
    expect(after.reason).toMatch(/INBOX has 0 messages/);
  });

  it('round trip: a server that accepts mail and never delivers it is down', async () => {
    deliver = false;
    try {
      const result = await roundTrip(2000);
      expect(result.status).toBe('down');
      expect(result.reason).toMatch(/did not arrive in 127\.0\.0\.1 within/);
    } finally {
      deliver = true;
    }
  });
});
