import { createRequire } from 'node:module';
import type SMTPConnectionType from 'nodemailer/lib/smtp-connection';
import { address, type SettingsOf } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import { defineProbe } from './probe-kind.js';
import { mailServer } from './probe-fields.js';
import { bool, formatMs, libraryTimeoutMs, num, type Probe, type ProbeTarget, type ProbeVerdict, str, targetHost } from './probe.js';

// nodemailer is CommonJS without an "exports" map; its SMTP client is reached by path.
const SMTPConnection = createRequire(import.meta.url)('nodemailer/lib/smtp-connection') as typeof SMTPConnectionType;

/** SMTP: banner 220, EHLO, optional STARTTLS (or implicit TLS) and AUTH, then QUIT — nodemailer's own client. */
export class SmtpProbe implements Probe<SmtpConfig> {
  readonly type = 'smtp' as const;

  async check(target: ProbeTarget<SmtpConfig>, signal: AbortSignal, egress: EgressGuard): Promise<ProbeVerdict> {
    const host = targetHost(target);
    const tls = bool(target.config, 'tls') ?? false;
    const port = num(target.config, 'port') ?? (tls ? 465 : 25);
    const starttls = bool(target.config, 'starttls');
    const user = str(target.config, 'username');
    const { address } = await egress.resolve(host, port);
    const started = performance.now();
    const connection = new SMTPConnection({
      host: address,
      port,
      secure: tls,
      requireTLS: starttls === true,
      ignoreTLS: starttls === false,
      name: str(target.config, 'ehloName') ?? 'vigia-probe.invalid',
      // A backstop: the runner's deadline decides, and its abort closes the connection.
      connectionTimeout: libraryTimeoutMs(target.timeoutMs),
      greetingTimeout: libraryTimeoutMs(target.timeoutMs),
      socketTimeout: libraryTimeoutMs(target.timeoutMs),
      tls: { rejectUnauthorized: bool(target.config, 'tlsVerify') ?? true, servername: host },
      logger: false,
    });
    const abort = (): void => connection.close();
    signal.addEventListener('abort', abort, { once: true });
    const steps: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        connection.once('error', reject);
        connection.connect(() => resolve());
      });
      steps.push('EHLO ok');
      if (connection.secure) steps.push(tls ? 'TLS' : 'STARTTLS');
      if (user) {
        await new Promise<void>((resolve, reject) => connection.login({ user, pass: str(target.config, 'password') ?? '' }, (error) => (error ? reject(error) : resolve())));
        steps.push('AUTH ok');
      }
      const latencyMs = performance.now() - started;
      connection.quit();
      return { status: 'up', reason: `SMTP ${host}:${port} ${steps.join(', ')} in ${formatMs(latencyMs)}`, latencyMs };
    } catch (error) {
      const response = (error as { response?: string }).response;
      const detail = response ? `${response.trim()}` : (error as Error).message;
      return { status: 'down', reason: `SMTP ${host}:${port} failed after ${steps.join(', ') || 'connect'}: ${detail}` };
    } finally {
      signal.removeEventListener('abort', abort);
      connection.close();
    }
  }
}

/** What a smtp monitor accepts (validated at save: unknown keys refused, every value in its field's words). */
export const smtpConfig = {
  host: address().optional(),
  ...mailServer(),
  ehloName: address().optional(),
};

export type SmtpConfig = SettingsOf<typeof smtpConfig>;

export const smtpProbeKind = defineProbe({
  type: 'smtp',
  description: 'An SMTP session: greeting, EHLO, optional STARTTLS/TLS and AUTH',
  config: smtpConfig,
  createRunner: () => new SmtpProbe(),
});
