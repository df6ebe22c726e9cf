import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { address, flag, port, text, type SettingsOf } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import { defineProbe } from './probe-kind.js';
import { count, password } from './probe-fields.js';
import { imapClient, imapPort } from './imap.probe.js';
import { bool, formatMs, num, type Probe, type ProbeTarget, type ProbeVerdict, str, targetHost } from './probe.js';

/**
 * Mail round trip: submit a uniquely tagged message over SMTP, wait for it in an IMAP mailbox, report the delivery
 * latency, delete it. Catches what banner checks cannot: a queue that accepts mail and never delivers it.
 */
export class MailRoundTripProbe implements Probe<MailRoundTripConfig> {
  readonly type = 'mail_roundtrip' as const;

  async check(target: ProbeTarget<MailRoundTripConfig>, signal: AbortSignal, egress: EgressGuard): Promise<ProbeVerdict> {
    const config = target.config;
    const smtpHost = str(config, 'smtpHost') ?? targetHost(target);
    const imapHost = str(config, 'imapHost') ?? targetHost(target);
    const smtpPort = num(config, 'smtpPort') ?? 587;
    const user = str(config, 'username');
    // Its own deadline ends before the runner's (a tenth of the budget, at least 100 ms, kept for the last search and
    // the logout), so a lost message is reported as lost, not as the runner's "no answer".
    const deadlineMs = Math.min(num(config, 'deadlineMs') ?? target.timeoutMs, target.timeoutMs - Math.max(100, target.timeoutMs / 10));
    const smtpAddress = (await egress.resolve(smtpHost, smtpPort)).address;
    const imapAddress = (await egress.resolve(imapHost, imapPort({ ...config, port: num(config, 'imapPort') }))).address;
    const token = randomUUID();
    const started = performance.now();
    const transport = nodemailer.createTransport({
      host: smtpAddress,
      port: smtpPort,
      secure: false,
      requireTLS: bool(config, 'starttls') === true,
      ignoreTLS: bool(config, 'starttls') === false,
      auth: user ? { user, pass: str(config, 'password') ?? '' } : undefined,
      tls: { rejectUnauthorized: bool(config, 'tlsVerify') ?? true, servername: smtpHost },
      connectionTimeout: deadlineMs,
      greetingTimeout: deadlineMs,
      socketTimeout: deadlineMs,
    });
    try {
      await transport.sendMail({
        from: str(config, 'from'),
        to: str(config, 'to'),
        subject: `Vigia delivery probe ${token}`,
        text: 'Sent by Vigia to measure mail delivery. It deletes this message as soon as it arrives.',
        headers: { 'X-Vigia-Probe': token },
      });
    } catch (error) {
      return { status: 'down', reason: `SMTP ${smtpHost}:${smtpPort} refused the probe message: ${(error as Error).message}` };
    } finally {
      transport.close();
    }
    const submitted = performance.now();
    const client = imapClient(imapHost, imapAddress, num(config, 'imapPort'), config, deadlineMs);
    client.on('error', () => undefined);
    const abort = (): void => client.close();
    signal.addEventListener('abort', abort, { once: true });
    try {
      await client.connect();
      const mailbox = str(config, 'mailbox') ?? 'INBOX';
      const lock = await client.getMailboxLock(mailbox);
      try {
        while (performance.now() - started < deadlineMs) {
          const found = await client.search({ header: { 'X-Vigia-Probe': token } }, { uid: true });
          if (found && found.length) {
            const latencyMs = performance.now() - started;
            await client.messageDelete(found, { uid: true });
            const details = { deliveryMs: Math.round(latencyMs), submitMs: Math.round(submitted - started) };
            return { status: 'up', reason: `mail submitted to ${smtpHost}:${smtpPort} arrived in ${imapHost} ${mailbox} after ${formatMs(latencyMs)}`, latencyMs, details };
          }
          const left = deadlineMs - (performance.now() - started);
          if (left <= 0) break;
          await new Promise((r) => setTimeout(r, Math.min(250, left)));
        }
      } finally {
        lock.release();
      }
      return { status: 'down', reason: `mail accepted by ${smtpHost}:${smtpPort} did not arrive in ${imapHost} within ${formatMs(deadlineMs)}` };
    } catch (error) {
      const detail = (error as { responseText?: string }).responseText ?? (error as Error).message;
      return { status: 'down', reason: `IMAP ${imapHost}: ${detail} (mail was accepted by SMTP)` };
    } finally {
      signal.removeEventListener('abort', abort);
      await client.logout().catch(() => undefined);
      client.close();
    }
  }
}

/** What a mail_roundtrip monitor accepts (validated at save: unknown keys refused, every value in its field's words). */
export const mailRoundTripConfig = {
  smtpHost: address().optional(),
  smtpPort: port().optional(),
  imapHost: address().optional(),
  imapPort: port().optional(),
  from: text(),
  to: text(),
  username: text().optional(),
  password: password().optional(),
  mailbox: text().optional(),
  deadlineMs: count().optional(),
  tls: flag().optional(),
  starttls: flag().optional(),
  tlsVerify: flag().optional(),
};

export type MailRoundTripConfig = SettingsOf<typeof mailRoundTripConfig>;

export const mailRoundTripProbeKind = defineProbe({
  type: 'mail_roundtrip',
  description: 'A mail round trip: sent over SMTP, found over IMAP within a deadline, then deleted',
  config: mailRoundTripConfig,
  createRunner: () => new MailRoundTripProbe(),
});
